/// \file
/// \brief listenTCP() and its Port: accepting connections for a server factory.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "common/address.hpp"
#include "part04-raw-reactor/descriptor.hpp"
#include "part04-raw-reactor/reactor.hpp"
#include "part05-protocols/factory.hpp"
#include "part05-protocols/tcp.hpp"

namespace poetry::protocols {

/// A listening TCP socket (Twisted's `tcp.Port`), itself a part04 ReadDescriptor:
/// the reactor calls doRead() when clients are waiting, and doRead() accepts them,
/// asks the ServerFactory for a protocol for each, and starts a TcpTransport for it.
///
/// Returned by listenTCP(). Ownership: the reactor owns it while it listens (a
/// shared_ptr, like any descriptor); the program may keep the handle to call
/// getHost() and stopListening(). The factory is the program's and must outlive
/// reactor.run().
class Port : public reactor::ReadDescriptor, public std::enable_shared_from_this<Port> {
  public:
    /// Made by listenTCP() around a bound, listening, non-blocking `acceptor`,
    /// made on reactor.context().
    Port(reactor::Reactor& reactor, ServerFactory& factory,
         boost::asio::ip::tcp::acceptor acceptor);

    Port(const Port&) = delete;
    Port& operator=(const Port&) = delete;

    /// The address this port listens on, with the real port (useful after port 0).
    Address getHost() const { return host_; }

    /// Stops accepting and closes the listening socket. Connections already
    /// accepted go on. Calling it again does nothing.
    void stopListening();

    /// The listening socket.
    int fileno() override { return acceptor_.native_handle(); }

    /// Called by the reactor: waits on the port's own acceptor.
    void asyncWait(boost::asio::socket_base::wait_type type, reactor::ReadyHandler ready) override {
        acceptor_.async_wait(type, std::move(ready));
    }

    /// Called by the reactor when clients are waiting: accepts them (up to a batch
    /// per call, so one busy port cannot starve the rest of the loop).
    std::optional<reactor::Reason> doRead() override;

    /// Called by the reactor if listening fails; closes the socket.
    void connectionLost(const reactor::Reason& reason) override;

    /// "Port PORT", for log lines.
    std::string logPrefix() const override;

  private:
    void accepted(TcpSocket socket, const boost::asio::ip::tcp::endpoint& peer);
    void waitForDescriptors(boost::system::error_code error);

    reactor::Reactor& reactor_;
    ServerFactory& factory_;
    boost::asio::ip::tcp::acceptor acceptor_;
    Address host_;
    bool reportedExhaustion_ = false;
    std::weak_ptr<reactor::DelayedCall> resume_;  // pending while accepting is paused
};

/// How long a port stops accepting when the process is out of file descriptors.
inline constexpr reactor::Seconds kAcceptPause{0.1};

/// The default listen backlog: large, so thousands of clients connecting at once
/// wait in the kernel's queue instead of being turned away (the kernel caps it at
/// `net.core.somaxconn`).
inline constexpr int kDefaultBacklog = 8192;

/// Listens on `interface`:`port` (port 0: any free port) and gives each accepted
/// connection to a protocol that `factory` builds (Twisted's `reactor.listenTCP`,
/// with its arguments in its order: port, factory, backlog, interface).
///
/// Binds and listens at once, throwing std::runtime_error with a one-line message
/// when it cannot (port in use, bad interface); the accepting happens inside
/// reactor.run(). `backlog` is how many clients may wait to be accepted.
/// `interface` must be an IP address; unlike Twisted, whose default is every
/// interface, the default here is loopback only.
std::shared_ptr<Port> listenTCP(reactor::Reactor& reactor, std::uint16_t port,
                                ServerFactory& factory, int backlog = kDefaultBacklog,
                                const std::string& interface = "127.0.0.1");

}  // namespace poetry::protocols
