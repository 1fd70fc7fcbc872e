// The TCP transport: where part05's Transport meets part04's descriptors.
//
// Everything here is plain non-blocking POSIX socket calls on the fd the reactor
// watches; the waiting is the reactor's (Asio's). A read never blocks because the
// reactor only calls doRead() when the socket is readable, and a write never
// blocks because the socket is non-blocking: what the kernel does not take now
// waits in queued_ for the next doWrite().
#include "part05-protocols/tcp.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <utility>

#include <boost/asio/ip/tcp.hpp>

namespace poetry::protocols {

using reactor::Reason;
using reactor::ReasonKind;

namespace {

bool wouldBlock(int error) {
    return error == EAGAIN || error == EWOULDBLOCK || error == EINTR;
}

}  // namespace

std::span<char> sharedReadBuffer() {
    static std::array<char, 64 * 1024> buffer;
    return buffer;
}

Address socketAddress(int fd, bool peer) {
    boost::asio::ip::tcp::endpoint endpoint;
    socklen_t length = static_cast<socklen_t>(endpoint.capacity());
    int rc = peer ? ::getpeername(fd, endpoint.data(), &length)
                  : ::getsockname(fd, endpoint.data(), &length);
    if (rc != 0) {
        return {};
    }
    endpoint.resize(length);
    return Address{endpoint.address().to_string(), endpoint.port()};
}

TcpTransport::TcpTransport(reactor::Reactor& reactor, int fd, std::optional<Address> peer)
    : reactor_(reactor) {
    if (fd >= 0) {
        adoptSocket(fd, std::move(peer));
    }
}

TcpTransport::~TcpTransport() {
    closeSocket();
}

void TcpTransport::adoptSocket(int fd, std::optional<Address> peer) {
    fd_ = fd;
    peer_ = peer ? std::move(*peer) : socketAddress(fd, true);
    host_ = socketAddress(fd, false);
}

void TcpTransport::closeSocket() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

// Before an orderly close: read and drop whatever the peer sent that nobody read
// (after loseConnection() we stop reading). Closing a socket with unread input
// makes the kernel answer with a reset instead of a clean end, and a reset can
// throw away the last of what we sent, still on its way to the peer.
void TcpTransport::discardUnreadInput() {
    if (fd_ < 0) {
        return;
    }
    std::span<char> buffer = sharedReadBuffer();
    for (int i = 0; i < 64; ++i) {  // bounded: a peer that never stops cannot hold us
        if (::recv(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT) <= 0) {
            return;
        }
    }
}

//! [startProtocol]
void TcpTransport::startProtocol(std::unique_ptr<Protocol> protocol) {
    protocol_ = std::move(protocol);
    connected_ = true;
    reactor_.addReader(shared_from_this());
    protocol_->makeConnection(*this);
}
//! [startProtocol]

// Not inlined, so a stack trace from dataReceived() always shows this frame.
//! [doRead]
[[gnu::noinline]] std::optional<Reason> TcpTransport::doRead() {
    std::span<char> buffer = sharedReadBuffer();
    ssize_t n = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (n > 0) {
        if (protocol_) {
            protocol_->dataReceived(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
        }
        return std::nullopt;  // the connection lives on
    }
    if (n == 0) {
        if (pendingError_) {
            return Reason::fromErrno(*pendingError_);  // it ended, but not cleanly
        }
        return Reason::connectionDone();  // the peer closed: end of the stream
    }
    if (wouldBlock(errno)) {
        return std::nullopt;  // nothing after all; wait for the next readiness
    }
    return Reason::fromErrno(errno);  // reset by peer, and the like
}
//! [doRead]

//! [write]
void TcpTransport::write(std::string_view data) {
    if (!connected_ || aborting_ || lost_ || data.empty()) {
        return;
    }
    if (queued_.size() == queuedOffset_) {
        // Nothing waiting: offer the bytes to the kernel now, so a small write
        // costs no copy. MSG_NOSIGNAL: a peer that left gives EPIPE, not SIGPIPE.
        ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) {
            data.remove_prefix(static_cast<std::size_t>(n));
        }
        // On an error we keep the bytes: the next doWrite() meets the error again
        // and reports it the normal way, from the reactor.
    }
    if (!data.empty()) {
        queued_.append(data);
        reactor_.addWriter(shared_from_this());
    }
}
//! [write]

//! [doWrite]
std::optional<Reason> TcpTransport::doWrite() {
    while (queuedOffset_ < queued_.size()) {
        ssize_t n = ::send(fd_, queued_.data() + queuedOffset_, queued_.size() - queuedOffset_,
                           MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n < 0) {
            if (wouldBlock(errno)) {
                return std::nullopt;  // the kernel's buffer is full; wait to be writable
            }
            return Reason::fromErrno(errno);
        }
        queuedOffset_ += static_cast<std::size_t>(n);
    }
    queued_.clear();
    queuedOffset_ = 0;
    if (disconnecting_) {
        return Reason::connectionDone();  // all sent: now close (loseConnection)
    }
    reactor_.removeWriter(*this);  // nothing left to write
    return std::nullopt;
}
//! [doWrite]

//! [loseConnection]
void TcpTransport::loseConnection() {
    if (!connected_ || disconnecting_ || aborting_ || lost_) {
        return;
    }
    // Called from a timer, say, the reactor's reference may be the only one left:
    // hold our own until we are registered again, or removeReader() destroys us.
    auto self = shared_from_this();
    disconnecting_ = true;
    reactor_.removeReader(*this);
    // doWrite() sends what is queued, then returns ConnectionDone, and the reactor
    // calls connectionLost(): the close always happens from the reactor, never from
    // inside the protocol callback that asked for it.
    reactor_.addWriter(self);
}
//! [loseConnection]

void TcpTransport::abortConnection() {
    if (!connected_ || aborting_ || lost_) {
        return;
    }
    auto self = shared_from_this();  // as in loseConnection()
    aborting_ = true;
    reactor_.removeReader(*this);
    reactor_.removeWriter(*this);
    queued_.clear();
    queuedOffset_ = 0;
    // Linger 0: closing sends a reset at once instead of finishing the stream.
    linger noLinger{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &noLinger, sizeof noLinger);
    // As in Twisted, connectionLost comes one reactor turn later, never from
    // inside the callback that called abortConnection().
    reactor_.callLater(reactor::Seconds(0), [self] {
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
    auto keepAlive = weak_from_this().lock();  // we may be the reactor's last reference
    reactor_.removeReader(*this);
    reactor_.removeWriter(*this);
    if (!aborting_) {
        discardUnreadInput();
    }
    closeSocket();
    connected_ = false;
    queued_.clear();
    queuedOffset_ = 0;
    if (protocol_) {
        std::unique_ptr<Protocol> protocol = std::move(protocol_);
        protocol->connectionLost(reason);
    }  // the protocol is destroyed here, after its last callback
}
//! [connectionLost]

std::string TcpTransport::logPrefix() const {
    return "TcpTransport to " + peer_.str();
}

}  // namespace poetry::protocols
