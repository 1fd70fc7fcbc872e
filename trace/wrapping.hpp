/// \file
/// \brief `--trace` for part05's programs: wrappers that show what each reactor step sets off.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/address.hpp"
#include "part04-raw-reactor/reactor.hpp"
#include "part05-protocols/factory.hpp"
#include "part05-protocols/protocol.hpp"
#include "part05-protocols/transport.hpp"
#include "trace/trace.hpp"

namespace poetry::trace {

/// Stands between a transport and the protocol it feeds, and tells a Trace of every
/// call that crosses (Twisted's `policies.ProtocolWrapper`).
///
/// To the transport it is the protocol; to the wrapped protocol it lends a transport
/// of its own that passes every call on to the real one. Each call is written to the
/// trace (`PoetryProtocol.dataReceived(30 bytes)`,
/// `TcpTransport[127.0.0.1:10000].loseConnection()`) and passed on unchanged. Built by
/// the tracing factories below, which is how a program's protocols get one; it owns
/// the protocol it wraps, as the transport owns it.
class TraceProtocolWrapper : public protocols::Protocol {
  public:
    /// Wraps `wrapped`, telling `trace`.
    TraceProtocolWrapper(Trace& trace, std::unique_ptr<protocols::Protocol> wrapped);

    /// The protocol it wraps.
    protocols::Protocol& wrapped() const { return *wrapped_; }

    void connectionMade() override;
    void dataReceived(std::string_view data) override;
    void connectionLost(const reactor::Reason& reason) override;

  private:
    // The wrapped protocol's transport: tells the trace of a close, and passes every
    // call on to the real transport.
    class Relay : public protocols::Transport {
      public:
        explicit Relay(TraceProtocolWrapper& wrapper) : wrapper_(wrapper) {}
        void write(std::string_view data) override;
        void write(std::shared_ptr<const std::string> data) override;
        void loseConnection() override;
        void abortConnection() override;
        Address getPeer() const override;
        Address getHost() const override;

      private:
        protocols::Transport& real() const { return *wrapper_.transport(); }
        TraceProtocolWrapper& wrapper_;
    };

    std::string transportName() const;

    Trace& trace_;
    std::unique_ptr<protocols::Protocol> wrapped_;
    std::string name_;  // the wrapped protocol's class name
    Relay relay_{*this};
};

/// Wraps a client factory (Twisted's `policies.WrappingFactory`): the connector calls
/// this one, which tells the trace and calls the program's factory, and wraps each
/// protocol that factory builds in a TraceProtocolWrapper.
class TraceClientFactory : public protocols::ClientFactory {
  public:
    /// Wraps `wrapped`, telling `trace`.
    TraceClientFactory(Trace& trace, protocols::ClientFactory& wrapped);

    std::unique_ptr<protocols::Protocol> buildProtocol(const Address& address) override;
    void startedConnecting(protocols::Connector& connector) override;
    void clientConnectionFailed(protocols::Connector& connector,
                                const reactor::Reason& reason) override;
    void clientConnectionLost(protocols::Connector& connector,
                              const reactor::Reason& reason) override;

  private:
    Trace& trace_;
    protocols::ClientFactory& wrapped_;
};

/// Wraps a server factory, as TraceClientFactory wraps a client's: the port calls
/// this one for each accepted connection.
class TraceServerFactory : public protocols::ServerFactory {
  public:
    /// Wraps `wrapped`, telling `trace`.
    TraceServerFactory(Trace& trace, protocols::ServerFactory& wrapped);

    std::unique_ptr<protocols::Protocol> buildProtocol(const Address& address) override;

  private:
    Trace& trace_;
    protocols::ServerFactory& wrapped_;
};

/// `--trace` for a program built on part05, in two lines of its `main`:
///
///     poetry::trace::Tracing tracing(options.trace, reactor);  // --trace
///     connectTCP(reactor, host, port, tracing.wrap(factory));
///
/// When `on`, it gives the reactor a Trace on std::cerr (the reactor owns it), and
/// wrap() returns a tracing wrapper of the factory; when off, wrap() returns the
/// factory itself and nothing else changes. Made after the reactor, so it goes first;
/// it must outlive the reactor's run(), since the connectors and the port call the
/// wrappers it owns.
class Tracing {
  public:
    /// Traces `reactor` when `on`.
    Tracing(bool on, reactor::Reactor& reactor);
    Tracing(const Tracing&) = delete;
    Tracing& operator=(const Tracing&) = delete;

    /// The factory to hand to connectTCP(): `factory`, or its tracing wrapper (one per
    /// factory, however many times it is asked).
    protocols::ClientFactory& wrap(protocols::ClientFactory& factory);

    /// The factory to hand to listenTCP(): `factory`, or its tracing wrapper.
    protocols::ServerFactory& wrap(protocols::ServerFactory& factory);

  private:
    template <typename Wrapper, typename F>
    F& wrapOnce(F& factory);

    Trace* trace_ = nullptr;  // owned by the reactor; null when off
    std::unordered_map<const protocols::Factory*, std::unique_ptr<protocols::Factory>> wrappers_;
};

}  // namespace poetry::trace
