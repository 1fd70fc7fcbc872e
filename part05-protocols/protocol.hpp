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
///   - a Factory builds it (Factory::buildProtocol()) and sets factory(), once;
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

    /// The factory that built this protocol, as its own type `F`, to call what
    /// that factory offers (Twisted's `self.factory.poem_finished(...)`).
    ///
    /// `F` is the type of the factory that builds this protocol (or a base of it):
    /// that factory named this protocol type with setProtocol(), so the pairing is
    /// written down once, in the factory. The cast is a static_cast, nothing per
    /// call; the sanitizer build checks it (UBSan's vptr check) in every test.
    /// Throws std::logic_error when no factory built this protocol.
    template <typename F>
    F& factoryAs() const {
        if (factory_ == nullptr) {
            throw std::logic_error("protocol: no factory built this protocol");
        }
        return static_cast<F&>(*factory_);
    }

    /// True once makeConnection() has run.
    bool connected() const { return connected_; }

  private:
    friend class Factory;  // Factory::buildProtocol() sets factory_, once

    Transport* transport_ = nullptr;
    Factory* factory_ = nullptr;
    bool connected_ = false;
};

}  // namespace poetry::protocols
