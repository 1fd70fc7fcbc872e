// listenTCP(): a listening socket is a read descriptor whose doRead() accepts.
#include "part05-protocols/listen.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <stdexcept>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "part05-protocols/tcp.hpp"

namespace poetry::protocols {

namespace asio = boost::asio;
using reactor::Reason;

namespace {

// How many connections one doRead() accepts at most before letting the loop go on.
constexpr int kAcceptsPerRead = 256;

}  // namespace

Port::Port(reactor::Reactor& reactor, ServerFactory& factory, int fd)
    : reactor_(reactor), factory_(factory), fd_(fd), host_(socketAddress(fd, false)) {}

Port::~Port() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

//! [accept]
std::optional<Reason> Port::doRead() {
    for (int i = 0; i < kAcceptsPerRead; ++i) {
        asio::ip::tcp::endpoint peer;
        socklen_t length = static_cast<socklen_t>(peer.capacity());
        int fd = ::accept4(fd_, peer.data(), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
                // Out of file descriptors: the client waits in the backlog until
                // some connection closes. Say so once per shortage, not on every turn.
                if (!reportedExhaustion_) {
                    std::cerr << logPrefix() << ": cannot accept: " << std::strerror(errno)
                              << std::endl;
                    reportedExhaustion_ = true;
                }
                pauseAccepting();
            }
            return std::nullopt;  // EAGAIN: nobody else is waiting
        }
        reportedExhaustion_ = false;
        peer.resize(length);
        accepted(fd, Address{peer.address().to_string(), peer.port()});
    }
    return std::nullopt;
}

void Port::accepted(int fd, const Address& peer) {
    auto transport = std::make_shared<TcpTransport>(reactor_, fd, peer);  // now owns fd
    try {
        std::unique_ptr<Protocol> protocol = factory_.buildProtocol(transport->getPeer());
        if (!protocol) {
            return;  // the factory refused; the transport closes the socket
        }
        transport->startProtocol(std::move(protocol));
    } catch (const std::exception& error) {
        // One bad connection must not stop the port: drop it, keep listening.
        std::cerr << logPrefix() << ": error starting a connection: " << error.what() << std::endl;
        transport->abortConnection();
    }
}
//! [accept]

// The waiting client keeps the listening socket readable, so the reactor would
// call doRead() again at once, and again, at full speed, until a descriptor
// frees up. Instead, stop watching the socket for a moment, then try again.
void Port::pauseAccepting() {
    auto self = shared_from_this();  // the reactor's reference goes with removeReader()
    reactor_.removeReader(*this);
    // The call holds the port (the reactor no longer does); the port only points to
    // the call, weakly, so stopListening() can cancel it without a reference cycle.
    resume_ = reactor_.callLater(kAcceptPause, [self] {
        if (self->fd_ >= 0) {  // unless stopListening() came first
            self->reactor_.addReader(self);
        }
    });
}

void Port::stopListening() {
    if (fd_ < 0) {
        return;
    }
    auto keepAlive = weak_from_this().lock();
    if (auto resume = resume_.lock(); resume && resume->active()) {
        resume->cancel();  // paused: nothing is left armed
    }
    reactor_.removeReader(*this);
    ::close(fd_);
    fd_ = -1;
}

void Port::connectionLost(const Reason& reason) {
    std::cerr << logPrefix() << ": stopped listening: " << reason.message() << std::endl;
    stopListening();
}

std::string Port::logPrefix() const {
    return "Port " + std::to_string(host_.port);
}

std::shared_ptr<Port> listenTCP(reactor::Reactor& reactor, std::uint16_t port,
                                ServerFactory& factory, const std::string& interface, int backlog) {
    const std::string where = formatAddress(interface, port);
    boost::system::error_code error;
    auto address = asio::ip::make_address(interface, error);
    if (error) {
        throw std::runtime_error("cannot listen on " + where + ": '" + interface +
                                 "' is not an IP address");
    }
    asio::ip::tcp::endpoint endpoint(address, port);
    int fd = ::socket(endpoint.protocol().family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        throw std::runtime_error("cannot listen on " + where + ": " + std::strerror(errno));
    }
    int on = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (::bind(fd, endpoint.data(), endpoint.size()) != 0 || ::listen(fd, backlog) != 0) {
        int saved = errno;
        ::close(fd);
        throw std::runtime_error("cannot listen on " + where + ": " + std::strerror(saved));
    }
    auto listening = std::make_shared<Port>(reactor, factory, fd);
    reactor.addReader(listening);
    return listening;
}

}  // namespace poetry::protocols
