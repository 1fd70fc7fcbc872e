/// \file
/// \brief listenTCP(): a listening socket is a read descriptor whose doRead() accepts.
#include "part05-protocols/listen.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>

#include <cerrno>

#include <iostream>
#include <stdexcept>
#include <utility>

#include <boost/asio/ip/address.hpp>

#include "common/messages.hpp"
#include "part05-protocols/tcp.hpp"

namespace poetry::protocols {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using reactor::Reason;

namespace {

// How many connections one doRead() accepts at most before letting the loop go on.
constexpr int kAcceptsPerRead = 256;

// The process (or the system) is out of descriptors or memory for one more socket.
bool outOfDescriptors(error_code error) {
    namespace errc = boost::system::errc;
    return error == errc::too_many_files_open || error == errc::too_many_files_open_in_system ||
           error == errc::no_buffer_space || error == errc::not_enough_memory;
}

}  // namespace

Port::Port(reactor::Reactor& reactor, ServerFactory& factory,
           boost::asio::ip::tcp::acceptor acceptor)
    : reactor_(reactor),
      factory_(factory),
      acceptor_(std::move(acceptor)),
      host_(addressOf(acceptor_.local_endpoint())) {}

// [accept]
std::optional<Reason> Port::doRead() {
    for (int i = 0; i < kAcceptsPerRead; ++i) {
        TcpSocket socket(reactor_.context());
        tcp::endpoint peer;
        error_code error;
        acceptor_.accept(socket, peer, error);
        if (error == asio::error::would_block) {
            return std::nullopt;  // nobody else is waiting
        }
        if (outOfDescriptors(error)) {
            waitForDescriptors(error);  // beyond the article: see there
            return std::nullopt;
        }
        if (error) {
            return std::nullopt;  // that client is gone already; the next turn goes on
        }
        reportedExhaustion_ = false;
        accepted(std::move(socket), peer);
    }
    return std::nullopt;
}

void Port::accepted(TcpSocket socket, const tcp::endpoint& peer) {
    auto transport = std::make_shared<TcpTransport>(reactor_, std::move(socket), peer);
    try {
        std::unique_ptr<Protocol> protocol = factory_.buildProtocol(transport->getPeer());
        if (!protocol) {
            return;  // the factory refused; the socket closes with the transport
        }
        transport->startProtocol(std::move(protocol));
    } catch (...) {
        // One bad connection must not stop the port: report it, drop it, keep listening.
        logError(logPrefix() + ", starting a connection");
        transport->abortConnection();
    }
}
// [accept]

// Out of descriptors. The kernel wants one before it looks at the queue, so accept()
// fails even when nobody is waiting: then there is nothing to do. When a client is
// waiting (the listening socket is readable), it stays in the backlog until some
// connection closes: say so once per shortage, not on every turn. And since it keeps
// the socket readable, the reactor would call doRead() again at once, at full speed,
// until a descriptor frees up: stop watching the socket for a moment instead.
void Port::waitForDescriptors(boost::system::error_code error) {
    pollfd listening{fileno(), POLLIN, 0};
    if (::poll(&listening, 1, 0) != 1) {
        return;
    }
    if (!reportedExhaustion_) {
        std::cerr << logPrefix()
                  << ": cannot accept a waiting client yet: " << describeErrorCode(error)
                  << "; it waits until a connection closes, and the others go on" << std::endl;
        reportedExhaustion_ = true;
    }
    reactor_.removeReader(*this);
    // The call holds the port (the reactor no longer does); the port only points to
    // the call, weakly, so stopListening() can cancel it without a reference cycle.
    resume_ = reactor_.callLater(kAcceptPause, [self = shared_from_this()] {
        if (self->acceptor_.is_open()) {  // unless stopListening() came first
            self->reactor_.addReader(self);
        }
    });
}

void Port::stopListening() {
    if (!acceptor_.is_open()) {
        return;
    }
    if (auto resume = resume_.lock(); resume && resume->active()) {
        resume->cancel();  // paused: nothing is left armed
    }
    reactor_.removeReader(*this);
    error_code ignored;
    acceptor_.close(ignored);
}

void Port::connectionLost(const Reason& reason) {
    std::cerr << logPrefix() << ": stopped listening: " << reason.message() << std::endl;
    stopListening();
}

std::string Port::logPrefix() const {
    return "Port " + std::to_string(host_.port);
}

std::shared_ptr<Port> listenTCP(reactor::Reactor& reactor, std::uint16_t port,
                                ServerFactory& factory, int backlog, const std::string& interface) {
    const std::string where = formatAddress(interface, port);
    error_code error;
    auto address = asio::ip::make_address(interface, error);
    if (error) {
        throw std::runtime_error("cannot listen on " + where + ": '" + interface +
                                 "' is not an IP address");
    }
    const tcp::endpoint endpoint(address, port);
    tcp::acceptor acceptor(reactor.context());
    acceptor.open(endpoint.protocol(), error);
    if (!error) {
        acceptor.set_option(tcp::acceptor::reuse_address(true), error);
    }
    if (!error) {
        acceptor.bind(endpoint, error);
    }
    if (!error) {
        acceptor.listen(backlog, error);
    }
    if (!error) {
        acceptor.non_blocking(true, error);
    }
    if (!error) {
        // Beyond the article: each accepted connection (they inherit it) keeps at most
        // 128 KiB unsent in the kernel; the rest waits in its transport's queue, as a
        // reference when it is shared. Else one big write would have the kernel copy
        // megabytes per client, and thousands that do not read would exhaust it.
        const int unsent = 128 * 1024;
        if (::setsockopt(acceptor.native_handle(), IPPROTO_TCP, TCP_NOTSENT_LOWAT, &unsent,
                         sizeof unsent) != 0) {
            error = reactor::errnoCode(errno);
        }
    }
    if (error) {
        throw std::runtime_error("cannot listen on " + where + ": " + describeErrorCode(error));
    }
    auto listening = std::make_shared<Port>(reactor, factory, std::move(acceptor));
    reactor.addReader(listening);
    return listening;
}

}  // namespace poetry::protocols
