/// \file
/// \brief The factory the exercises share: client 2.0's, building a protocol of your choice.
#pragma once

#include <memory>
#include <vector>

#include "common/address.hpp"
#include "common/command_line.hpp"
#include "common/duration.hpp"
#include "part04-raw-reactor/reactor.hpp"
#include "part05-protocols/connect.hpp"
#include "part05-protocols/file_limit.hpp"
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
        protocol->taskNum = nextTaskNumber();
        return protocol;
    }
};

/// Client 2.0's main loop, shared by the exercises: one connectTCP() per address
/// with `factory`, reactor.run() until the factory stops it, then the report.
///
/// Called by each exercise's run() once it has made its reactor and its factory
/// (whose `allDone` stops that reactor). `connectTimeout` limits each connection
/// attempt. Returns the program's exit code: kExitFailure if any download failed.
inline int getPoetry(reactor::Reactor& reactor, client::PoetryClientFactory& factory,
                     const std::vector<Address>& addresses,
                     reactor::Seconds connectTimeout = protocols::kDefaultConnectTimeout) {
    protocols::raiseFileLimit();  // one descriptor per download
    auto start = Stopwatch::now();
    for (const auto& address : addresses) {
        protocols::connectTCP(reactor, address.host, address.port, factory, connectTimeout);
    }
    reactor.run();
    factory.report(Stopwatch::now() - start);
    return factory.failed() == 0 ? kExitSuccess : kExitFailure;
}

}  // namespace poetry::exercises
