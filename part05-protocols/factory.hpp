/// \file
/// \brief Factories: who builds a protocol for each new connection.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <type_traits>

#include "common/address.hpp"
#include "part04-raw-reactor/reason.hpp"
#include "part05-protocols/protocol.hpp"

namespace poetry::protocols {

class Connector;

/// Builds one protocol per connection (Twisted's `Factory`).
///
/// A factory knows which protocol type it builds, as a Twisted factory's
/// `protocol` attribute does: it is said once, with setProtocol(), usually by the
/// derived factory's constructor:
///
///     PoetryClientFactory(...) { setProtocol<PoetryProtocol>(); }
///
/// The connection code calls buildProtocol() once a connection exists:
/// connectTCP()'s Connector for a client, listenTCP()'s Port for each accepted
/// client. It makes a new protocol of that type and sets the protocol's factory()
/// to this factory. To do more to each new protocol (stamp a task number), override
/// buildProtocol() and start from this one, as the article's client does:
///
///     auto protocol = ClientFactory::buildProtocol(address);
///     static_cast<PoetryProtocol&>(*protocol).taskNum = taskNum++;
///
/// Protocols reach their factory through Protocol::factoryAs(), so the factory is
/// where state shared by all the connections of one job lives (how many poems are
/// left).
///
/// Ownership: the program owns its factories and keeps them until reactor.run()
/// has returned; protocols and connectors only point to them.
class Factory {
  public:
    virtual ~Factory() = default;

    /// Says which protocol buildProtocol() makes: a new, default-constructed `P`
    /// (Twisted's `protocol = P`). Called once, by the derived factory's
    /// constructor, or by the code that makes a plain factory.
    template <typename P>
    void setProtocol() {
        static_assert(std::is_base_of_v<Protocol, P>, "a factory builds protocols");
        makeProtocol_ = [] { return std::make_unique<P>(); };
    }

    /// Called by a Connector or Port when a connection to or from `address` is
    /// made: returns a new protocol of the type setProtocol() named, with its
    /// factory() set to this factory. An override may return null to refuse the
    /// connection (it is then closed). Throws std::logic_error if setProtocol() was
    /// never called.
    virtual std::unique_ptr<Protocol> buildProtocol(const Address& address) {
        (void)address;
        if (!makeProtocol_) {
            throw std::logic_error(
                "Factory::buildProtocol: no protocol type: call setProtocol<P>()");
        }
        auto protocol = makeProtocol_();
        protocol->factory_ = this;
        return protocol;
    }

  private:
    std::function<std::unique_ptr<Protocol>()> makeProtocol_;
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

}  // namespace poetry::protocols
