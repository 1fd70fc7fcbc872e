// connectTCP(): a client connection, from name resolution to a running protocol.
//
// The TCP transport of a client exists before it is connected, as in Twisted:
// TcpClient is a TcpTransport with an extra first phase. It resolves the host
// (Asio's resolver, asynchronous), opens a non-blocking socket, calls connect(),
// which returns at once with EINPROGRESS, and registers itself with the part04
// reactor as a writer. The socket becomes writable when the connect has finished,
// either way: doWrite() then asks the socket (SO_ERROR) how it went, exactly like
// Twisted's BaseClient.doConnect. Success: the factory builds the protocol and the
// transport starts reading. Failure: doWrite() returns the reason, the reactor
// calls connectionLost(), and that turns into the factory's clientConnectionFailed().
#include "part05-protocols/connect.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <optional>
#include <utility>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>

#include "part05-protocols/tcp.hpp"

namespace poetry::protocols {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using reactor::Reason;
using reactor::ReasonKind;

namespace detail {

namespace {

// Runs a step that was started from Asio directly (not through the reactor), so
// that an exception from a factory callback is reported instead of escaping run().
template <typename F>
void guarded(const char* where, F&& step) {
    try {
        step();
    } catch (const std::exception& error) {
        std::cerr << "connectTCP: unhandled error in " << where << ": " << error.what()
                  << std::endl;
    }
}

}  // namespace

/// The transport of one client connection, including the phase before it is
/// connected (Twisted's `tcp.Client`). Made by Connector::connect().
class TcpClient : public TcpTransport {
  public:
    TcpClient(reactor::Reactor& reactor, std::shared_ptr<Connector> connector)
        : TcpTransport(reactor, -1), connector_(std::move(connector)) {}

    // Begins the attempt: resolve the name (unless it is an IP literal), then connect.
    void start() {
        const Address destination = connector_->getDestination();
        error_code literal;
        auto address = asio::ip::make_address(destination.host, literal);
        if (!literal) {
            candidates_.emplace_back(address, destination.port);
            asio::post(reactor_.context(),
                       [self = self()] { guarded("connect", [&] { self->tryNextAddress(); }); });
            return;
        }
        resolver_.emplace(reactor_.context());
        resolver_->async_resolve(
            destination.host, std::to_string(destination.port), tcp::resolver::numeric_service,
            [self = self()](error_code error, tcp::resolver::results_type results) {
                guarded("name resolution", [&] { self->resolved(error, results); });
            });
    }

    // Ends an attempt that has not connected yet (Twisted's failIfNotConnected):
    // stops whatever is in progress and tells the connector. Does nothing once
    // connected or already failed.
    void failIfNotConnected(const Reason& reason) {
        if (!connecting_) {
            return;
        }
        connecting_ = false;
        auto keepAlive = weak_from_this().lock();
        if (resolver_) {
            resolver_->cancel();
        }
        reactor_.removeReader(*this);
        reactor_.removeWriter(*this);
        closeSocket();
        std::shared_ptr<Connector> connector = std::move(connector_);
        connector->connectionFailed(reason);
    }

    // While connecting, writability means "the connect finished"; afterwards it
    // means what it means for every transport.
    std::optional<Reason> doWrite() override {
        if (connecting_) {
            return doConnect();
        }
        return TcpTransport::doWrite();
    }

    //! [client_connectionLost]
    // Called by the reactor. Before the connection is made, an end is a failure to
    // connect; after, the protocol hears first, then the factory.
    void connectionLost(const Reason& reason) override {
        auto keepAlive = weak_from_this().lock();
        if (connecting_) {
            failOrTryNextAddress(reason);
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

    void resolved(error_code error, const tcp::resolver::results_type& results) {
        if (!connecting_) {
            return;  // timed out or stopped meanwhile
        }
        const std::string host = connector_->getDestination().host;
        if (error || results.empty()) {
            std::string why = error ? error.message() : "no addresses";
            failIfNotConnected(Reason(ReasonKind::DNSLookupError,
                                      "DNS lookup failed: address '" + host + "' not found: " + why,
                                      error));
            return;
        }
        // The name may have several addresses ("localhost": 127.0.0.1 and ::1). We
        // try them in turn, IPv4 first, until one accepts or none is left.
        for (const auto& entry : results) {
            candidates_.push_back(entry.endpoint());
        }
        std::stable_partition(candidates_.begin(), candidates_.end(),
                              [](const tcp::endpoint& e) { return e.address().is_v4(); });
        tryNextAddress();
    }

    void tryNextAddress() { connectTo(candidates_.at(next_++)); }

    // A connect failed: the next address, if the name has one left; else give up.
    void failOrTryNextAddress(const Reason& reason) {
        if (connecting_ && next_ < candidates_.size()) {
            reactor_.removeWriter(*this);
            closeSocket();
            tryNextAddress();
            return;
        }
        failIfNotConnected(reason);
    }

    //! [connectTo]
    void connectTo(const tcp::endpoint& endpoint) {
        if (!connecting_) {
            return;
        }
        int fd =
            ::socket(endpoint.protocol().family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            // Out of file descriptors, most likely: this connection fails, the others go on.
            failIfNotConnected(
                Reason(ReasonKind::ConnectError,
                       std::string("Couldn't create a socket: ") + std::strerror(errno),
                       error_code(errno, boost::system::system_category())));
            return;
        }
        fd_ = fd;
        connectingTo_ = Address{endpoint.address().to_string(), endpoint.port()};
        if (::connect(fd, endpoint.data(), endpoint.size()) == 0 || errno == EINPROGRESS) {
            // The answer comes later: the socket turns writable when the connect is done.
            reactor_.addWriter(shared_from_this());
            return;
        }
        failOrTryNextAddress(Reason::fromErrno(errno));  // refused at once, unreachable, ...
    }
    //! [connectTo]

    //! [doConnect]
    std::optional<Reason> doConnect() {
        int error = 0;
        socklen_t length = sizeof error;
        if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &error, &length) != 0) {
            error = errno;
        }
        if (error == EINPROGRESS || error == EALREADY) {
            return std::nullopt;  // not finished after all
        }
        if (error == ECONNRESET) {
            // Connected, and already reset (a server that sent and dropped at
            // once): a connection that was made and lost, not a failure to connect.
            rememberError(error);
        } else if (error != 0) {
            return Reason::fromErrno(error);  // the reactor calls connectionLost(): a failure
        }
        reactor_.removeWriter(*this);
        adoptSocket(fd_, connectingTo_);  // now both ends have addresses
        std::unique_ptr<Protocol> protocol = connector_->buildProtocol(getPeer());
        connecting_ = false;
        if (!protocol) {
            // The factory refused: close at once, as Twisted does.
            startProtocol(std::make_unique<Protocol>());
            loseConnection();
            return std::nullopt;
        }
        startProtocol(std::move(protocol));  // addReader, then makeConnection
        return std::nullopt;
    }
    //! [doConnect]

    std::shared_ptr<Connector> connector_;
    std::optional<tcp::resolver> resolver_;
    std::vector<tcp::endpoint> candidates_;  // the addresses to try, in order
    std::size_t next_ = 0;                   // the next one to try
    Address connectingTo_;                   // the one being tried
    bool connecting_ = true;
};

}  // namespace detail

Connector::Connector(reactor::Reactor& reactor, Address destination, ClientFactory& factory,
                     reactor::Seconds timeout)
    : reactor_(reactor),
      destination_(std::move(destination)),
      factory_(factory),
      timeout_(timeout) {}

Connector::~Connector() = default;

//! [connect]
void Connector::connect() {
    if (state_ != State::Disconnected) {
        throw std::logic_error("connector: connect() while already connecting or connected");
    }
    state_ = State::Connecting;
    // The transport exists before the connection, and long before the protocol.
    auto transport = std::make_shared<detail::TcpClient>(reactor_, shared_from_this());
    transport_ = transport;
    timeoutCall_ = reactor_.callLater(timeout_, [weak = weak_from_this()] {
        if (auto self = weak.lock()) {
            if (auto client = self->transport_.lock()) {
                client->failIfNotConnected(reactor::Reason(
                    reactor::ReasonKind::TimeoutError, "User timeout caused connection failure."));
            }
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
        transport->failIfNotConnected(
            reactor::Reason(reactor::ReasonKind::ConnectError, "User aborted connection."));
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
