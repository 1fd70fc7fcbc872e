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

    /// Appends `data` to value(), unless aborted.
    void write(std::string_view data) override {
        if (!aborted_) {
            value_.append(data);
        }
    }
    using Transport::write;  // the shared-buffer write, which comes here

    /// Records the request: disconnecting() becomes true.
    void loseConnection() override { disconnecting_ = true; }

    /// Records the request: aborted() becomes true.
    void abortConnection() override { aborted_ = true; }

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
};

}  // namespace poetry::protocols
