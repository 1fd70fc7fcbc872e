/// \file
/// \brief Factories: who builds a protocol for each new connection.
#pragma once

#include <memory>

#include "common/address.hpp"
#include "part04-raw-reactor/reason.hpp"
#include "part05-protocols/protocol.hpp"

namespace poetry::protocols {

class Connector;

/// Builds one protocol per connection (Twisted's `Factory`).
///
/// The connection code calls buildProtocol() once a connection exists: connectTCP()'s
/// Connector for a client, listenTCP()'s Port for each accepted client. Protocols
/// reach their factory through Protocol::factory(), so the factory is where state
/// shared by all the connections of one job lives (how many poems are left).
///
/// Ownership: the program owns its factories and keeps them until reactor.run()
/// has returned; protocols and connectors only point to them.
class Factory {
  public:
    virtual ~Factory() = default;

    /// Called by a Connector or Port when a connection to or from `address` is
    /// made: returns the protocol for it, with factory() set to this factory, or
    /// null to refuse the connection (it is then closed).
    virtual std::unique_ptr<Protocol> buildProtocol(const Address& address) = 0;

  protected:
    /// Sets `protocol.factory()` to this factory: every buildProtocol() does it.
    void adopt(Protocol& protocol) { protocol.factory_ = this; }
};

/// The factory of client connections (Twisted's `ClientFactory`): besides building
/// protocols it hears how connecting went. Given to connectTCP().
class ClientFactory : public Factory {
  public:
    /// Called by the Connector when it starts a connection attempt.
    virtual void startedConnecting(Connector& connector) { (void)connector; }

    /// Called by the Connector when no connection could be made: `reason` is
    /// DNSLookupError or a ConnectError kind (ConnectionRefusedError,
    /// TCPTimedOutError, TimeoutError, UserError, ...), never a ConnectionClosed one.
    /// No protocol was built, so only the factory can hear of it.
    virtual void clientConnectionFailed(Connector& connector, const reactor::Reason& reason) {
        (void)connector;
        (void)reason;
    }

    /// Called by the Connector after a made connection ended, right after its
    /// protocol's connectionLost() with the same `reason`.
    virtual void clientConnectionLost(Connector& connector, const reactor::Reason& reason) {
        (void)connector;
        (void)reason;
    }
};

/// The factory of accepted connections (Twisted's `ServerFactory`). Given to listenTCP().
class ServerFactory : public Factory {};

/// A factory that knows which protocol type it builds, as a Twisted factory's
/// `protocol` class attribute does: buildProtocol() makes a `P` and sets its factory.
///
/// `Base` is ClientFactory or ServerFactory. To stamp each new protocol (a task
/// number), override buildProtocol() and start it with build(), which returns the
/// protocol with its own type:
///
///     std::unique_ptr<Protocol> buildProtocol(const Address&) override {
///         auto protocol = build();
///         protocol->taskNum = nextTask_++;
///         return protocol;
///     }
template <typename P, typename Base>
class ProtocolFactory : public Base {
  public:
    /// Builds a `P` whose factory() is this factory.
    std::unique_ptr<Protocol> buildProtocol(const Address& address) override {
        (void)address;
        return build();
    }

  protected:
    /// A new `P`, default-constructed, with factory() set: the base of every buildProtocol().
    std::unique_ptr<P> build() {
        auto protocol = std::make_unique<P>();
        this->adopt(*protocol);
        return protocol;
    }
};

/// A ClientFactory that builds protocols of type `P`.
template <typename P>
using ClientFactoryFor = ProtocolFactory<P, ClientFactory>;

/// A ServerFactory that builds protocols of type `P`.
template <typename P>
using ServerFactoryFor = ProtocolFactory<P, ServerFactory>;

}  // namespace poetry::protocols
