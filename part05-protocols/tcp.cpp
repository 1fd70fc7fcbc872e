/// \file
/// \brief TcpTransport: where part05's Transport meets part04's descriptors, a read
/// and write descriptor that feeds a protocol.
///
/// Everything here is Asio's synchronous socket calls on a non-blocking socket,
/// with error_code: read_some and write_some return at once, would_block when the
/// kernel has nothing for us or no room. The waiting is the reactor's. A read never
/// waits because the reactor only calls doRead() when the socket is readable, and a
/// write never waits because what the kernel does not take now waits in queued_ for
/// the next doWrite().
#include "part05-protocols/tcp.hpp"

#include <array>
#include <typeinfo>
#include <utility>

#include "part04-raw-reactor/observer.hpp"

namespace poetry::protocols {

namespace asio = boost::asio;
using boost::system::error_code;
using reactor::Reason;
using reactor::ReasonKind;

std::span<char> sharedReadBuffer() {
    static std::array<char, 64 * 1024> buffer;
    return buffer;
}

Address addressOf(const boost::asio::ip::tcp::endpoint& endpoint) {
    return Address{endpoint.address().to_string(), endpoint.port()};
}

TcpTransport::TcpTransport(reactor::Reactor& reactor, TcpSocket socket,
                           const boost::asio::ip::tcp::endpoint& peer)
    : reactor_(reactor), socket_(std::move(socket)) {
    if (socket_.is_open()) {
        error_code ignored;  // a socket that cannot be made non-blocking fails its first read
        socket_.non_blocking(true, ignored);
        adoptSocket(peer);
    }
}

Address TcpTransport::getHost() const {
    error_code error;
    auto host = socket_.local_endpoint(error);
    return error ? Address{} : addressOf(host);
}

// Before an orderly close: read and drop whatever the peer sent that nobody read
// (after loseConnection() we stop reading). Closing a socket with unread input
// makes the kernel answer with a reset instead of a clean end, and a reset can
// throw away the last of what we sent, still on its way to the peer.
void TcpTransport::discardUnreadInput() {
    std::span<char> buffer = sharedReadBuffer();
    error_code error;
    for (int i = 0; i < 64 && !error; ++i) {  // bounded: a peer that never stops cannot hold us
        socket_.read_some(asio::buffer(buffer.data(), buffer.size()), error);
    }
}

//! [startProtocol]
void TcpTransport::startProtocol(std::unique_ptr<Protocol> protocol) {
    protocol_ = std::move(protocol);
    connected_ = true;
    reactor_.addReader(shared_from_this());
    if (auto* observer = reactor_.observer()) {  // --trace
        observer->calling(reactor::className(*protocol_), "makeConnection()");
    }
    protocol_->makeConnection(*this);
}
//! [startProtocol]

// Not inlined, so a stack trace from dataReceived() always shows this frame.
//! [doRead]
[[gnu::noinline]] std::optional<Reason> TcpTransport::doRead() {
    std::span<char> buffer = sharedReadBuffer();
    error_code error;
    std::size_t n = socket_.read_some(asio::buffer(buffer.data(), buffer.size()), error);
    if (!error) {
        if (protocol_) {
            if (auto* observer = reactor_.observer()) {  // --trace
                observer->calling(reactor::className(*protocol_),
                                  "dataReceived(" + std::to_string(n) + " bytes)");
            }
            protocol_->dataReceived(std::string_view(buffer.data(), n));
        }
        return std::nullopt;  // the connection lives on
    }
    if (error == asio::error::would_block) {
        return std::nullopt;  // nothing after all; wait for the next readiness
    }
    if (error == asio::error::eof && resetEarly_) {
        return Reason::connectionEnded(asio::error::connection_reset);  // not cleanly
    }
    return Reason::connectionEnded(error);  // eof: ConnectionDone; a reset: ConnectionLost
}
//! [doRead]

//! [write]
void TcpTransport::write(std::string_view data) {
    if (!connected_ || aborting_ || lost_ || data.empty()) {
        return;
    }
    if (queuedOffset_ == queued_.size()) {
        // Nothing waiting: offer the bytes to the kernel now, so a small write costs
        // no copy. An error keeps the bytes: the next doWrite() meets it again and
        // reports it the normal way, from the reactor.
        error_code ignored;
        data.remove_prefix(socket_.write_some(asio::buffer(data.data(), data.size()), ignored));
    }
    if (!data.empty()) {
        queued_.append(data);
        reactor_.addWriter(shared_from_this());
        producers_.queueFilling();  // a push producer pauses until the queue drains
    }
}
//! [write]

//! [doWrite]
std::optional<Reason> TcpTransport::doWrite() {
    while (queuedOffset_ < queued_.size()) {
        error_code error;
        queuedOffset_ += socket_.write_some(
            asio::buffer(queued_.data() + queuedOffset_, queued_.size() - queuedOffset_), error);
        if (error == asio::error::would_block) {
            return std::nullopt;  // the kernel's buffer is full; wait to be writable
        }
        if (error) {
            return Reason::connectionEnded(error);  // the peer is gone: ConnectionLost
        }
    }
    queued_.clear();
    queuedOffset_ = 0;
    if (producers_.pulling()) {
        // Everything sent: a pull producer writes its next piece, and we stay a writer
        // to ask again once that has gone out. loseConnection() waits for it to
        // unregister.
        producers_.queueDrained();
        return std::nullopt;
    }
    if (disconnecting_ && !producers_.registered()) {
        return Reason::connectionDone();  // all sent: now close (loseConnection)
    }
    reactor_.removeWriter(*this);  // nothing left to write
    producers_.queueDrained();     // a paused push producer resumes; its writes add us back
    return std::nullopt;
}
//! [doWrite]

//! [loseConnection]
void TcpTransport::loseConnection() {
    if (!connected_ || disconnecting_ || aborting_ || lost_) {
        return;
    }
    if (auto* observer = reactor_.observer()) {  // --trace
        observer->calling(logPrefix(), "loseConnection()");
    }
    disconnecting_ = true;
    reactor_.removeReader(*this);
    // doWrite() sends what is queued, then returns ConnectionDone, and the reactor
    // calls connectionLost(): the close always happens from the reactor, never from
    // inside the protocol callback (or timer) that asked for it.
    reactor_.addWriter(shared_from_this());
}
//! [loseConnection]

//! [registerProducer]
void TcpTransport::registerProducer(Producer& producer, bool streaming) {
    if (!connected_ || lost_) {
        producer.stopProducing();  // too late: nothing will ever be sent
        return;
    }
    producers_.registerProducer(producer, streaming);
    if (!streaming) {
        // The first resumeProducing() comes from doWrite(), on a later turn: never
        // from inside the callback that registered the producer.
        reactor_.addWriter(shared_from_this());
    }
}

void TcpTransport::unregisterProducer() {
    producers_.unregisterProducer();
    if (disconnecting_ && connected_ && !lost_) {
        reactor_.addWriter(shared_from_this());  // a loseConnection() was waiting for this
    }
}
//! [registerProducer]

void TcpTransport::abortConnection() {
    if (!connected_ || aborting_ || lost_) {
        return;
    }
    if (auto* observer = reactor_.observer()) {  // --trace
        observer->calling(logPrefix(), "abortConnection()");
    }
    aborting_ = true;
    reactor_.removeReader(*this);
    reactor_.removeWriter(*this);
    queued_.clear();
    queuedOffset_ = 0;
    // Linger 0: closing sends a reset at once instead of finishing the stream.
    error_code ignored;
    socket_.set_option(asio::socket_base::linger(true, 0), ignored);
    // As in Twisted, connectionLost comes one reactor turn later, never from
    // inside the callback that called abortConnection(). The call holds the transport.
    reactor_.callLater(reactor::Seconds(0), [self = shared_from_this()] {
        self->connectionLost(
            Reason(ReasonKind::ConnectionAborted, "Connection was aborted locally"));
    });
}

//! [connectionLost]
void TcpTransport::connectionLost(const Reason& reason) {
    if (lost_) {
        return;
    }
    lost_ = true;
    reactor_.removeReader(*this);
    reactor_.removeWriter(*this);
    if (disconnecting_) {
        discardUnreadInput();  // our own orderly close (loseConnection): see there
    }
    error_code ignored;
    socket_.close(ignored);
    connected_ = false;
    queued_.clear();
    queuedOffset_ = 0;
    producers_.connectionEnded();  // stopProducing(), if a producer is still registered
    if (protocol_) {
        std::unique_ptr<Protocol> protocol = std::move(protocol_);
        if (auto* observer = reactor_.observer()) {  // --trace
            observer->calling(reactor::className(*protocol),
                              "connectionLost(" + reactor::reasonSummary(reason) + ")");
        }
        protocol->connectionLost(reason);
    }  // the protocol is destroyed here, after its last callback
}
//! [connectionLost]

std::string TcpTransport::logPrefix() const {
    return "TcpTransport[" + peer_.str() + "]";
}

}  // namespace poetry::protocols
