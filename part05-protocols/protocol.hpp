/// \file
/// \brief Protocol: the code that makes sense of one connection's bytes.
#pragma once

#include <stdexcept>
#include <string_view>

#include "part04-raw-reactor/reason.hpp"
#include "part05-protocols/transport.hpp"

namespace poetry::protocols {

class Factory;

/// One connection's protocol (Twisted's `Protocol`): you subclass it and override
/// the callbacks you need.
///
/// Who calls what, and when:
///   - a Factory builds it (Factory::buildProtocol()) and sets factory();
///   - the transport calls makeConnection() once the connection exists, which sets
///     transport() and connected() and then calls connectionMade();
///   - the transport calls dataReceived() each time bytes arrive;
///   - the transport calls connectionLost() once, when the connection has ended.
///
/// Ownership: the transport owns its protocol and destroys it right after
/// connectionLost(); transport() and factory() are non-owning pointers, to objects
/// that outlive every callback.
class Protocol {
  public:
    virtual ~Protocol() = default;

    /// Called by the transport when the connection is made: remembers `transport`,
    /// marks the protocol connected, then calls connectionMade().
    void makeConnection(Transport& transport);

    /// Called once, by makeConnection(), when transport() is ready to use.
    virtual void connectionMade() {}

    /// Called by the transport with the bytes that just arrived: any amount, split
    /// anywhere (a poem may come one byte at a time). `data` is valid only during
    /// the call (it points into a read buffer the transports share), so copy what
    /// you keep.
    virtual void dataReceived(std::string_view data) { (void)data; }

    /// Called by the transport once, when the connection has ended; `reason` says
    /// how (Reason::check(ReasonKind::ConnectionDone) for a clean close). The
    /// protocol is destroyed right after this returns.
    virtual void connectionLost(const reactor::Reason& reason) { (void)reason; }

    /// The connection, or null until makeConnection() has run.
    Transport* transport() const { return transport_; }

    /// The factory that built this protocol, or null if none did.
    Factory* factory() const { return factory_; }

    /// The factory as the concrete type `F` it is known to be (the protocol's own
    /// factory class). Throws std::logic_error when there is none or it is not an `F`.
    template <typename F>
    F& factoryAs() const {
        auto* typed = dynamic_cast<F*>(factory_);
        if (typed == nullptr) {
            throw std::logic_error("protocol: factory() is not of the expected type");
        }
        return *typed;
    }

    /// True once makeConnection() has run.
    bool connected() const { return connected_; }

  private:
    friend class Factory;  // Factory::buildProtocol() sets factory_

    Transport* transport_ = nullptr;
    Factory* factory_ = nullptr;
    bool connected_ = false;
};

}  // namespace poetry::protocols
