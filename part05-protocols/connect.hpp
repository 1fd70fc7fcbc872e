/// \file
/// \brief connectTCP() and its Connector: making a client connection for a factory.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "common/address.hpp"
#include "part04-raw-reactor/reactor.hpp"
#include "part04-raw-reactor/reason.hpp"
#include "part05-protocols/factory.hpp"

namespace poetry::protocols {

namespace detail {
class TcpClient;
}

/// stopConnecting() on a Connector that is not connecting (Twisted's `NotConnectingError`).
class NotConnectingError : public std::logic_error {
  public:
    using std::logic_error::logic_error;
};

/// One client connection's life, from "connect to HOST:PORT" to its end
/// (Twisted's `IConnector`). Returned by connectTCP(); passed to every
/// ClientFactory callback, where getDestination() says which server it is about.
///
/// It drives the attempt: resolves the host name with Reactor::resolve(), then starts a
/// non-blocking connect on the transport's socket and has the reactor watch it for
/// writing, as Twisted's `BaseClient` does; the reactor's dispatch then calls the
/// transport's doConnect(). Success: the ClientFactory builds a protocol and the
/// TcpTransport starts it. Failure or timeout: clientConnectionFailed().
///
/// Ownership: the attempt and, later, the TCP transport hold the connector (a
/// shared_ptr), so it lives as long as its connection without the program keeping
/// the handle; the program may keep it to call disconnect(). The factory is the
/// program's and must outlive reactor.run().
class Connector : public std::enable_shared_from_this<Connector> {
  public:
    /// Where the connection is in its life.
    enum class State {
        Disconnected,  ///< Not started, failed, or ended.
        Connecting,    ///< Resolving the name or waiting for the connect.
        Connected,     ///< A transport and a protocol are talking.
    };

    /// Made by connectTCP(), which then calls connect().
    Connector(reactor::Reactor& reactor, Address destination, ClientFactory& factory,
              reactor::Seconds timeout);
    ~Connector();
    Connector(const Connector&) = delete;
    Connector& operator=(const Connector&) = delete;

    /// Starts a connection attempt: calls the factory's startedConnecting(), then
    /// resolves and connects in the background. connectTCP() calls it once; a
    /// factory may call it again from clientConnectionFailed() or
    /// clientConnectionLost() to retry. Throws std::logic_error unless Disconnected.
    void connect();

    /// The server this connector connects to, as given to connectTCP().
    Address getDestination() const { return destination_; }

    /// Ends the connection whatever its state: stopConnecting() while connecting,
    /// the transport's loseConnection() once connected, nothing otherwise.
    void disconnect();

    /// Gives up an attempt in progress: the factory's clientConnectionFailed() is
    /// called (a UserError, "User aborted connection"). Throws
    /// NotConnectingError when not connecting.
    void stopConnecting();

    /// The current state.
    State state() const { return state_; }

  private:
    friend class detail::TcpClient;

    // Called by the TcpClient, which is the transport before and after connecting.
    std::unique_ptr<Protocol> buildProtocol(const Address& peer);
    void connectionFailed(const reactor::Reason& reason);
    void connectionLost(const reactor::Reason& reason);
    void cancelTimeout();

    reactor::Reactor& reactor_;
    Address destination_;
    ClientFactory& factory_;
    reactor::Seconds timeout_;
    State state_ = State::Disconnected;
    std::weak_ptr<detail::TcpClient> transport_;
    std::shared_ptr<reactor::DelayedCall> timeoutCall_;
};

/// The default connect timeout, Twisted's 30 seconds.
inline constexpr reactor::Seconds kDefaultConnectTimeout{30.0};

/// Connects to `host`:`port` in the background and gives the connection to a
/// protocol that `factory` builds (Twisted's `reactor.connectTCP`).
///
/// Returns at once; the work happens inside reactor.run(). `host` may be a name
/// (resolved with reactor.resolve(), which does not block the loop; its addresses are
/// tried in turn, IPv4 first) or an IP literal (no resolution). If no connection is
/// made within `timeout`, or the name does not resolve, or nobody listens, the factory's
/// clientConnectionFailed() receives TimeoutError, DNSLookupError or
/// ConnectionRefusedError (a kernel that gives up on the connect: TCPTimedOutError).
std::shared_ptr<Connector> connectTCP(reactor::Reactor& reactor, const std::string& host,
                                      std::uint16_t port, ClientFactory& factory,
                                      reactor::Seconds timeout = kDefaultConnectTimeout);

}  // namespace poetry::protocols
