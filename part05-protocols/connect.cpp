/// \file
/// \brief connectTCP(): resolving, connecting, and handing the connection to a protocol.
///
/// The TCP transport of a client exists before it is connected, as in Twisted:
/// TcpClient is a TcpTransport with an extra first phase. It resolves the host with
/// reactor.resolve() (an IP address needs no lookup), opens a non-blocking socket,
/// starts the connect, which returns at once, and asks the reactor to watch the
/// socket for writing. When the connect has finished, one way or the other, the socket
/// turns writable and the reactor calls doWrite(), which, while connecting, is
/// doConnect(): it asks the socket how the connect went (SO_ERROR), as Twisted's
/// BaseClient.doConnect does. Success: the factory builds the protocol and the
/// transport starts reading. Failure: the next address, if the name had several, or
/// the factory's clientConnectionFailed(). Every step runs inside the reactor's
/// dispatch, like every read and write.
#include "part05-protocols/connect.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <utility>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "common/messages.hpp"
#include "part05-protocols/tcp.hpp"

namespace poetry::protocols {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using reactor::Reason;
using reactor::ReasonKind;

namespace detail {

/// The transport of one client connection, including the phase before it is
/// connected (Twisted's `tcp.Client`). Made by Connector::connect().
class TcpClient : public TcpTransport {
  public:
    TcpClient(reactor::Reactor& reactor, std::shared_ptr<Connector> connector)
        : TcpTransport(reactor, TcpSocket(reactor.context())), connector_(std::move(connector)) {}

    // Begins the attempt: resolve the name (unless it is an IP literal), then connect.
    // Either way the next step runs from the reactor, never inside connectTCP().
    void start() {
        const Address destination = connector_->getDestination();
        error_code notLiteral;
        auto address = asio::ip::make_address(destination.host, notLiteral);
        if (!notLiteral) {
            candidates_.emplace_back(address, destination.port);
            reactor_.callLater(reactor::Seconds(0), [self = self()] { self->tryNextAddress(); });
            return;
        }
        reactor_.resolve(destination.host, destination.port,
                         [self = self()](error_code error, std::vector<tcp::endpoint> addresses) {
                             self->resolved(error, std::move(addresses));
                         });
    }

    // Ends an attempt that has not connected yet (Twisted's failIfNotConnected):
    // stops whatever is in progress and tells the connector. Does nothing once
    // connected or already failed. Not inlined, so ex2's stack of a refused
    // connection shows it between doConnect() and clientConnectionFailed().
    [[gnu::noinline]] void failIfNotConnected(const Reason& reason) {
        if (!connecting_) {
            return;
        }
        connecting_ = false;
        reactor_.removeWriter(*this);
        error_code ignored;
        socket_.close(ignored);
        std::shared_ptr<Connector> connector = std::move(connector_);
        connector->connectionFailed(reason);
    }

    //! [client_doWrite]
    // Called by the reactor when the socket is writable. While connecting, that means
    // the connect has finished (Twisted's client sets doWrite = doConnect until then).
    std::optional<Reason> doWrite() override {
        if (connecting_) {
            doConnect();
            return std::nullopt;
        }
        return TcpTransport::doWrite();
    }
    //! [client_doWrite]

    //! [client_connectionLost]
    // Called by the reactor once the made connection has ended: the protocol hears
    // first, then the factory. Not inlined, so ex2's stacks show this frame with the
    // line of each call.
    [[gnu::noinline]] void connectionLost(const Reason& reason) override {
        if (connecting_) {
            // A callback threw before the connection was made (the factory's
            // buildProtocol): the reactor reported it, and the attempt has failed.
            failIfNotConnected(Reason(ReasonKind::ConnectError, reason.message()));
            return;
        }
        std::shared_ptr<Connector> connector = std::move(connector_);
        if (!connector) {
            return;  // already reported
        }
        TcpTransport::connectionLost(reason);  // protocol->connectionLost(), then destroy it
        connector->connectionLost(reason);     // factory->clientConnectionLost()
    }
    //! [client_connectionLost]

  private:
    std::shared_ptr<TcpClient> self() {
        return std::static_pointer_cast<TcpClient>(shared_from_this());
    }

    void resolved(error_code error, std::vector<tcp::endpoint> addresses) {
        if (!connecting_) {
            return;  // timed out or stopped meanwhile
        }
        const std::string host = connector_->getDestination().host;
        if (error || addresses.empty()) {
            std::string why = error ? error.message() : "no addresses";
            failIfNotConnected(Reason::dnsLookupFailed(host, why, error));
            return;
        }
        // The name may have several addresses ("localhost": 127.0.0.1 and ::1). We
        // try them in turn, IPv4 first, until one accepts or none is left.
        std::stable_partition(addresses.begin(), addresses.end(),
                              [](const tcp::endpoint& e) { return e.address().is_v4(); });
        candidates_ = std::move(addresses);
        tryNextAddress();
    }

    void tryNextAddress() {
        if (connecting_) {
            connectTo(candidates_.at(next_++));
        }
    }

    // A connect failed: the next address, if the name has one left; else give up.
    void failOrTryNextAddress(const Reason& reason) {
        if (connecting_ && next_ < candidates_.size()) {
            error_code ignored;
            socket_.close(ignored);
            tryNextAddress();
            return;
        }
        failIfNotConnected(reason);
    }

    //! [connectTo]
    void connectTo(const tcp::endpoint& endpoint) {
        error_code error;
        socket_.open(endpoint.protocol(), error);
        if (!error) {
            socket_.non_blocking(true, error);  // the connect must not wait, nor any read after
        }
        if (error) {
            // Out of file descriptors, most likely: this connection fails, the others go on.
            failIfNotConnected(Reason(ReasonKind::ConnectError,
                                      "Couldn't create a socket: " + describeErrorCode(error),
                                      error));
            return;
        }
        adoptSocket(endpoint);
        // A non-blocking connect returns at once, "in progress"; the reactor calls
        // doConnect() when the socket turns writable.
        if (::connect(socket_.native_handle(), endpoint.data(), endpoint.size()) != 0 &&
            errno != EINPROGRESS) {
            failOrTryNextAddress(Reason::connectFailed(reactor::errnoCode(errno)));
            return;
        }
        reactor_.addWriter(self());
    }
    //! [connectTo]

    //! [doConnect]
    // Called by doWrite() when the connect has finished, either way (Twisted's doConnect).
    [[gnu::noinline]] void doConnect() {
        const error_code result = pendingError();
        if (result == asio::error::connection_reset) {
            // Connected, and already reset (a server that sent and dropped at
            // once): a connection that was made and lost, not a failure to connect.
            rememberReset();
        } else if (result) {
            failOrTryNextAddress(Reason::connectFailed(result));  // refused, unreachable, ...
            return;
        }
        reactor_.removeWriter(*this);  // from now on, writable means room to write
        candidates_ = {};              // the other addresses are not needed any more
        std::unique_ptr<Protocol> protocol = connector_->buildProtocol(getPeer());
        connecting_ = false;
        if (!protocol) {
            // The factory refused: close with no makeConnection and no read. As after
            // a loseConnection(), the end comes one reactor turn later, and the
            // factory hears clientConnectionLost(ConnectionDone).
            reactor_.callLater(reactor::Seconds(0),
                               [self = self()] { self->connectionLost(Reason::connectionDone()); });
            return;
        }
        startProtocol(std::move(protocol));  // addReader, then makeConnection
    }
    //! [doConnect]

    // How the connect went: the socket's pending error (SO_ERROR), none if it connected.
    error_code pendingError() {
        int error = 0;
        socklen_t size = sizeof error;
        if (::getsockopt(socket_.native_handle(), SOL_SOCKET, SO_ERROR, &error, &size) != 0) {
            error = errno;
        }
        return reactor::errnoCode(error);
    }

    std::shared_ptr<Connector> connector_;
    std::vector<tcp::endpoint> candidates_;  // the addresses to try, in order
    std::size_t next_ = 0;                   // the next one to try (after the one being tried)
    bool connecting_ = true;
};

}  // namespace detail

Connector::Connector(reactor::Reactor& reactor, Address destination, ClientFactory& factory,
                     reactor::Seconds timeout)
    : reactor_(reactor),
      destination_(std::move(destination)),
      factory_(factory),
      timeout_(timeout) {}

Connector::~Connector() {
    cancelTimeout();  // the timeout call holds `this`
}

//! [connect]
void Connector::connect() {
    if (state_ != State::Disconnected) {
        throw std::logic_error("connector: connect() while already connecting or connected");
    }
    state_ = State::Connecting;
    // The transport exists before the connection, and long before the protocol.
    auto transport = std::make_shared<detail::TcpClient>(reactor_, shared_from_this());
    transport_ = transport;
    // `this` is safe: ~Connector() cancels the call.
    timeoutCall_ = reactor_.callLater(timeout_, [this] {
        if (auto client = transport_.lock()) {
            client->failIfNotConnected(
                Reason(ReasonKind::TimeoutError, "User timeout caused connection failure."));
        }
    });
    factory_.startedConnecting(*this);
    if (state_ == State::Connecting) {
        transport->start();
    }
}
//! [connect]

void Connector::disconnect() {
    if (state_ == State::Connecting) {
        stopConnecting();
    } else if (state_ == State::Connected) {
        if (auto transport = transport_.lock()) {
            transport->loseConnection();
        }
    }
}

void Connector::stopConnecting() {
    if (state_ != State::Connecting) {
        throw NotConnectingError("connector: stopConnecting() while not connecting");
    }
    state_ = State::Disconnected;
    if (auto transport = transport_.lock()) {
        transport->failIfNotConnected(Reason(ReasonKind::UserError, "User aborted connection."));
    }
}

std::unique_ptr<Protocol> Connector::buildProtocol(const Address& peer) {
    state_ = State::Connected;
    cancelTimeout();
    return factory_.buildProtocol(peer);
}

void Connector::connectionFailed(const reactor::Reason& reason) {
    cancelTimeout();
    transport_.reset();
    state_ = State::Disconnected;
    factory_.clientConnectionFailed(*this, reason);
}

void Connector::connectionLost(const reactor::Reason& reason) {
    transport_.reset();
    state_ = State::Disconnected;
    factory_.clientConnectionLost(*this, reason);
}

void Connector::cancelTimeout() {
    if (timeoutCall_ && timeoutCall_->active()) {
        timeoutCall_->cancel();
    }
    timeoutCall_.reset();
}

std::shared_ptr<Connector> connectTCP(reactor::Reactor& reactor, const std::string& host,
                                      std::uint16_t port, ClientFactory& factory,
                                      reactor::Seconds timeout) {
    auto connector = std::make_shared<Connector>(reactor, Address{host, port}, factory, timeout);
    connector->connect();
    return connector;
}

}  // namespace poetry::protocols
