/// \file
/// \brief The factory the exercises share: client 2.0's, building a protocol of your choice.
#pragma once

#include <memory>

#include "common/address.hpp"
#include "part05-protocols/poetry_client.hpp"
#include "part05-protocols/protocol.hpp"

namespace poetry::exercises {

/// Client 2.0's PoetryClientFactory, but building protocols of type `P`.
///
/// Each exercise changes the protocol (a timeout, a size limit, lines) and keeps
/// the factory's bookkeeping: the chunk lines, the poems counted only when whole,
/// the failure lines, the per-task totals and the summary. `P` needs a public
/// `int taskNum`, and calls the factory's chunkReceived() and poemFinished() as
/// client::PoetryProtocol does (a subclass of PoetryProtocol does it already).
///
/// The connector calls buildProtocol() once a connection is made; tasks are
/// numbered in connection order, as in client 2.0.
template <typename P>
class PoetryFactoryOf : public client::PoetryClientFactory {
  public:
    using client::PoetryClientFactory::PoetryClientFactory;

    /// Called by the connector once connected: a new `P` with its factory and its
    /// task number set.
    std::unique_ptr<protocols::Protocol> buildProtocol(const Address& address) override {
        (void)address;
        auto protocol = std::make_unique<P>();
        adopt(*protocol);
        protocol->taskNum = nextTask_++;
        return protocol;
    }

  private:
    int nextTask_ = 1;
};

}  // namespace poetry::exercises
