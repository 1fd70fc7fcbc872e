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
#include <utility>

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

// [startProtocol]
void TcpTransport::startProtocol(std::unique_ptr<Protocol> protocol) {
    protocol_ = std::move(protocol);
    connected_ = true;
    reactor_.addReader(shared_from_this());
    protocol_->makeConnection(*this);
}
// [startProtocol]

// Not inlined, so a stack trace from dataReceived() always shows this frame.
// [doRead]
[[gnu::noinline]] std::optional<Reason> TcpTransport::doRead() {
    std::span<char> buffer = sharedReadBuffer();
    error_code error;
    std::size_t n = socket_.read_some(asio::buffer(buffer.data(), buffer.size()), error);
    if (!error) {
        if (protocol_) {
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
// [doRead]

// [write]
void TcpTransport::write(std::string_view data) {
    if (!connected_ || aborting_ || lost_) {
        return;
    }
    data.remove_prefix(sendNow(data));
    if (data.empty()) {
        return;
    }
    if (!queued_.empty() && !queued_.back().shared) {
        queued_.back().copy.append(data);  // after our own copy of the last write
    } else {
        queued_.push_back(Queued{std::string(data), nullptr, 0});
    }
    startWriting();
}

void TcpTransport::write(std::shared_ptr<const std::string> data) {
    if (!connected_ || aborting_ || lost_) {
        return;
    }
    const std::size_t sent = sendNow(*data);
    if (sent < data->size()) {
        queued_.push_back(Queued{{}, std::move(data), sent});  // a reference, no copy
        startWriting();
    }
}

// Nothing waiting: offer the bytes to the kernel now, so a small write costs no copy.
// An error keeps the bytes: the next doWrite() meets it again and reports it the
// normal way, from the reactor.
std::size_t TcpTransport::sendNow(std::string_view data) {
    if (!queued_.empty()) {
        return 0;  // they go after what is already waiting
    }
    error_code ignored;
    return socket_.write_some(asio::buffer(data.data(), data.size()), ignored);
}

void TcpTransport::startWriting() {
    reactor_.addWriter(shared_from_this());  // doWrite() when the socket can take more
}
// [write]

// [doWrite]
std::optional<Reason> TcpTransport::doWrite() {
    while (!queued_.empty()) {
        Queued& front = queued_.front();
        const std::string_view rest = front.bytes().substr(front.sent);
        error_code error;
        front.sent += socket_.write_some(asio::buffer(rest.data(), rest.size()), error);
        if (error == asio::error::would_block) {
            return std::nullopt;  // the kernel's buffer is full; wait to be writable
        }
        if (error) {
            return Reason::connectionEnded(error);  // the peer is gone: ConnectionLost
        }
        if (front.sent == front.bytes().size()) {
            queued_.erase(queued_.begin());
        }
    }
    if (disconnecting_) {
        return Reason::connectionDone();  // all sent: now close (loseConnection)
    }
    reactor_.removeWriter(*this);  // nothing left to write
    return std::nullopt;
}
// [doWrite]

// [loseConnection]
void TcpTransport::loseConnection() {
    if (!connected_ || disconnecting_ || aborting_ || lost_) {
        return;
    }
    disconnecting_ = true;
    // Read no more, as Twisted's loseConnection does: a peer that has finished
    // sending (its end of file) must not cut off what we still have to send it.
    reactor_.removeReader(*this);
    // doWrite() sends what is queued, then returns ConnectionDone, and the reactor
    // calls connectionLost(): the close always happens from the reactor, never from
    // inside the protocol callback (or timer) that asked for it.
    startWriting();
}
// [loseConnection]

void TcpTransport::abortConnection() {
    if (!connected_ || aborting_ || lost_) {
        return;
    }
    aborting_ = true;
    reactor_.removeReader(*this);
    reactor_.removeWriter(*this);
    queued_.clear();
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

// [connectionLost]
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
    if (protocol_) {
        std::unique_ptr<Protocol> protocol = std::move(protocol_);
        protocol->connectionLost(reason);
    }  // the protocol is destroyed here, after its last callback
}
// [connectionLost]

std::string TcpTransport::logPrefix() const {
    return "TcpTransport[" + getPeer().str() + "]";
}

}  // namespace poetry::protocols
