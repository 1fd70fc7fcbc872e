/// \file
/// \brief connectTCP(): resolving, connecting, and handing the connection to a protocol.
///
/// The TCP transport of a client exists before it is connected, as in Twisted:
/// TcpClient is a TcpTransport with an extra first phase. It resolves the host with
/// reactor.resolve() (an IP address needs no lookup), opens its socket and asks Asio to
/// connect it (async_connect). That returns at once; Asio waits for the socket to turn
/// writable, asks it how the connect went (SO_ERROR), as Twisted's BaseClient.doConnect
/// does, and calls our doConnect() with the answer. Success: the factory builds the
/// protocol and the transport starts reading. Failure: the next address, if the name
/// had several, or the factory's clientConnectionFailed().
#include "part05-protocols/connect.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "common/messages.hpp"
#include "part04-raw-reactor/log.hpp"
#include "part04-raw-reactor/observer.hpp"
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
        error_code ignored;
        socket_.close(ignored);  // a connect in progress ends, with operation_aborted
        std::shared_ptr<Connector> connector = std::move(connector_);
        connector->connectionFailed(reason);
    }

    //! [client_connectionLost]
    // Called by the reactor once the made connection has ended: the protocol hears
    // first, then the factory. Not inlined, so ex2's stacks show this frame with the
    // line of each call.
    [[gnu::noinline]] void connectionLost(const Reason& reason) override {
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

    void tryNextAddress() { connectTo(candidates_.at(next_++)); }

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
        if (!connecting_) {
            return;
        }
        error_code error;
        socket_.open(endpoint.protocol(), error);
        if (!error) {
            socket_.non_blocking(true, error);  // as the reactor wants it, once connected
        }
        if (error) {
            // Out of file descriptors, most likely: this connection fails, the others go on.
            failIfNotConnected(Reason(ReasonKind::ConnectError,
                                      "Couldn't create a socket: " + describeErrorCode(error),
                                      error));
            return;
        }
        // Returns at once; Asio calls doConnect() when the connect has finished.
        socket_.async_connect(endpoint, [self = self(), endpoint](error_code result) {
            auto* observer = self->reactor_.observer();
            if (observer) {  // --trace
                observer->completed(connectAnswer(endpoint, result));
            }
            try {
                self->doConnect(result);
            } catch (...) {
                // A factory or protocol callback threw: report it, then drop the connection.
                self->dropAfterError(reactor::logError(self->logPrefix()));
            }
            if (observer) {
                observer->returned(std::nullopt);
            }
        });
    }
    //! [connectTo]

    //! [doConnect]
    // Called by Asio when the connect has finished, either way (Twisted's doConnect).
    [[gnu::noinline]] void doConnect(error_code error) {
        if (!connecting_) {
            return;  // timed out or stopped meanwhile (operation_aborted)
        }
        if (error == asio::error::connection_reset) {
            // Connected, and already reset (a server that sent and dropped at
            // once): a connection that was made and lost, not a failure to connect.
            rememberReset();
        } else if (error) {
            failOrTryNextAddress(Reason::connectFailed(error));  // refused, unreachable, ...
            return;
        }
        adoptSocket(candidates_[next_ - 1]);
        candidates_ = {};  // connected: the other addresses are not needed any more
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

    // --trace: "connect(HOST:PORT) done -> TcpTransport[HOST:PORT].doConnect", or failed.
    static std::string connectAnswer(const tcp::endpoint& endpoint, error_code result) {
        std::string where = addressOf(endpoint).str();
        return "connect(" + where + ") " + (result ? "failed: " + result.message() : "done") +
               " -> TcpTransport[" + where + "].doConnect";
    }

    // What doConnect() does when a callback it made threw: before the connection was
    // made, the attempt failed; after, the connection is lost.
    void dropAfterError(const std::string& what) {
        if (connecting_) {
            failIfNotConnected(Reason(ReasonKind::ConnectError, what));
        } else {
            connectionLost(Reason(ReasonKind::ConnectionLost, what));
        }
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
    if (auto* observer = reactor_.observer()) {  // --trace
        observer->calling(reactor::className(typeid(factory_)),
                          "buildProtocol(" + peer.str() + ")");
    }
    state_ = State::Connected;
    cancelTimeout();
    return factory_.buildProtocol(peer);
}

void Connector::connectionFailed(const reactor::Reason& reason) {
    cancelTimeout();
    transport_.reset();
    state_ = State::Disconnected;
    if (auto* observer = reactor_.observer()) {  // --trace
        observer->calling(reactor::className(typeid(factory_)),
                          "clientConnectionFailed(" + reactor::reasonSummary(reason) + ")");
    }
    factory_.clientConnectionFailed(*this, reason);
}

void Connector::connectionLost(const reactor::Reason& reason) {
    transport_.reset();
    state_ = State::Disconnected;
    if (auto* observer = reactor_.observer()) {  // --trace
        observer->calling(reactor::className(typeid(factory_)),
                          "clientConnectionLost(" + reactor::reasonSummary(reason) + ")");
    }
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
