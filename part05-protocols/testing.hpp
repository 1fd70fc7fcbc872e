/// \file
/// \brief Test doubles for protocols: a transport that records instead of sending.
///
/// Together with part04's reactor::Clock (a ReactorTime that a test advances by
/// hand), this is what lets a protocol be tested without sockets and without
/// sleeps, as Twisted's `StringTransport` and `task.Clock` do.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include "common/address.hpp"
#include "part05-protocols/transport.hpp"

namespace poetry::protocols {

/// A Transport that keeps what the protocol writes in a string and remembers
/// whether it was asked to close (Twisted's `StringTransport`).
///
/// A test makes one, calls `protocol.makeConnection(transport)`, feeds bytes with
/// `protocol.dataReceived(...)`, then reads value(), disconnecting() and aborted().
/// It never calls the protocol back: the test plays the part of the reactor and
/// calls connectionLost() itself when it wants the connection to end.
class StringTransport : public Transport {
  public:
    /// A transport whose getPeer() is `peer` and getHost() is `host`.
    explicit StringTransport(Address peer = {"192.0.2.2", 10000},
                             Address host = {"192.0.2.1", 54321})
        : peer_(std::move(peer)), host_(std::move(host)) {}

    /// Appends `data` to value(), unless aborted. The bytes count as queued until
    /// drain(), so a push producer is paused.
    void write(std::string_view data) override {
        if (!aborted_) {
            value_.append(data);
            producers_.queueFilling();
        }
    }

    /// Records the request: disconnecting() becomes true.
    void loseConnection() override { disconnecting_ = true; }

    /// Records the request: aborted() becomes true.
    void abortConnection() override { aborted_ = true; }

    /// Registers the producer, with the same rules as TcpTransport (one ProducerSlot
    /// serves both); nothing is asked of it until the test calls drain().
    void registerProducer(Producer& producer, bool streaming) override {
        producers_.registerProducer(producer, streaming);
    }

    /// Forgets the producer.
    void unregisterProducer() override { producers_.unregisterProducer(); }

    /// True while a producer is registered.
    bool producing() const { return producers_.registered(); }

    /// Plays the kernel taking every byte written so far, as a TcpTransport's doWrite()
    /// does when its queue empties: asks a pull producer for more, resumes a paused
    /// push producer.
    void drain() { producers_.queueDrained(); }

    /// Plays the reactor when the connection ends: stops a registered producer, as
    /// a TcpTransport does just before its protocol's connectionLost() (which the
    /// test then calls itself).
    void endConnection() { producers_.connectionEnded(); }

    Address getPeer() const override { return peer_; }
    Address getHost() const override { return host_; }

    /// Everything written so far.
    const std::string& value() const { return value_; }

    /// Forgets what was written so far.
    void clear() { value_.clear(); }

    /// True once loseConnection() was called.
    bool disconnecting() const { return disconnecting_; }

    /// True once abortConnection() was called.
    bool aborted() const { return aborted_; }

  private:
    Address peer_;
    Address host_;
    std::string value_;
    bool disconnecting_ = false;
    bool aborted_ = false;
    ProducerSlot producers_;
};

}  // namespace poetry::protocols
