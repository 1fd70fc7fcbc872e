/// \file
/// \brief `reactor-get-poetry`: client 1.0, every poem at once on one reactor.
///
/// It downloads all the poems at once. Each connection is a PoetrySocket, a read
/// descriptor: an object the reactor can ask for its file descriptor (fileno) and
/// call back when that descriptor is readable (doRead). The program connects, hands
/// every socket to the reactor, and calls run(). From then on the reactor is in
/// charge: it waits for whichever socket has data, calls that socket's doRead, and
/// goes back to waiting. No doRead ever blocks, so a slow server never holds up the
/// others, and the total time is about that of the slowest download, not the sum.
///
///     main ──► PoetrySocket(1..N): blocking connect, then non-blocking
///          ──► reactor.addReader(each)
///          ──► reactor.run() ──► doRead() of whichever socket is readable ──┐
///                    ▲                                                      │
///                    └───────────── returns to the loop ◄───────────────────┘
///              ... until the last connectionLost() calls reactor.stop()
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio.hpp>

#include "common/command_line.hpp"
#include "common/duration.hpp"
#include "common/report.hpp"
#include "common/timeline.hpp"
#include "part04-raw-reactor/reactor.hpp"
#include "trace/trace.hpp"

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using poetry::reactor::Reactor;
using poetry::reactor::Reason;
using poetry::reactor::ReasonKind;

namespace {

/// A connection that could not be made. Thrown by PoetrySocket's constructor; it
/// ends the whole run, which catches it only to print its one line.
class ConnectFailed : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

//! [poetry_socket]
/// One poem download, as a read descriptor the reactor calls back.
///
/// Created by main() for each address; the reactor calls doRead() whenever the
/// socket is readable and connectionLost() once when the download has ended.
class PoetrySocket : public poetry::reactor::ReadDescriptor {
  public:
    /// Connects to `address`, blocking until connected: a refused address throws,
    /// which ends the whole program (the lesson of client 1.0; part05 fixes it).
    PoetrySocket(Reactor& reactor, int task, const poetry::Address& address, bool quiet,
                 poetry::Timeline& timeline);

    int fileno() override { return socket_.native_handle(); }
    void asyncWait(asio::socket_base::wait_type type,
                   poetry::reactor::ReadyHandler ready) override {
        socket_.async_wait(type, std::move(ready));  // the reactor waits on our own socket
    }
    std::optional<Reason> doRead() override;
    void connectionLost(const Reason& reason) override;
    std::string logPrefix() const override { return "PoetrySocket[" + peer_ + "]"; }

    /// The task number, from 1, in command-line order.
    int task() const { return task_; }

    /// The bytes received so far.
    const std::string& poem() const { return poem_; }

    /// True once connectionLost() reported a clean close: the poem is whole.
    bool complete() const { return reason_ && reason_->check(ReasonKind::ConnectionDone); }

  private:
    Reactor& reactor_;
    tcp::socket socket_;  ///< On the reactor's io_context, so the reactor can wait on it.
    int task_;
    std::string peer_;  ///< The peer's HOST:PORT, for the task lines.
    bool quiet_;
    poetry::Timeline& timeline_;  ///< Where --timeline records each chunk.
    std::string poem_;
    std::optional<Reason> reason_;
};
//! [poetry_socket]

//! [connect]
// The socket is made on the reactor's io_context, which does not run yet: Asio's
// blocking calls (resolve, connect) work without it.
PoetrySocket::PoetrySocket(Reactor& reactor, int task, const poetry::Address& address, bool quiet,
                           poetry::Timeline& timeline)
    : reactor_(reactor),
      socket_(reactor.context()),
      task_(task),
      quiet_(quiet),
      timeline_(timeline) {
    error_code ec;
    tcp::resolver resolver(reactor.context());
    auto endpoints = resolver.resolve(address.host, std::to_string(address.port),
                                      tcp::resolver::numeric_service, ec);
    tcp::endpoint peer;
    if (!ec) {
        peer = asio::connect(socket_, endpoints, ec);  // blocks until connected or refused
    }
    if (ec) {
        throw ConnectFailed(poetry::failedToConnectLine(address.str(), ec.message()));
    }
    // The endpoint we connected to, not remote_endpoint(): a server that has
    // already reset the connection has no remote endpoint left to ask for.
    peer_ = poetry::formatAddress(peer.address().to_string(), peer.port());
    // From now on no call on this socket may block: a read with nothing to read
    // returns would_block instead of waiting.
    socket_.non_blocking(true);
}
//! [connect]

//! [doRead]
// Called by the reactor when the socket is readable. We read everything the
// kernel has for us, stopping as soon as a read would block, and hand control
// back to the reactor. End of file means the server sent the whole poem.
std::optional<Reason> PoetrySocket::doRead() {
    std::size_t bytesRead = 0;
    error_code ec;
    while (!ec) {
        char buffer[4096];  // a page: a short poem arrives in one read and is kept at its size
        std::size_t n = socket_.read_some(asio::buffer(buffer), ec);
        poem_.append(buffer, n);
        bytesRead += n;
    }
    if (bytesRead > 0) {
        timeline_.chunk(task_, peer_, bytesRead);  // --timeline only; not the lesson
        if (!quiet_) {
            std::cout << poetry::chunkLine(task_, bytesRead, peer_) << std::endl;
        }
    }
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
        return std::nullopt;  // all read for now: wait for the next doRead
    }
    return Reason::connectionEnded(ec);  // eof: ConnectionDone; reset: ConnectionLost
}
//! [doRead]

//! [connectionLost]
// Called by the reactor once, after doRead returned a reason and the reactor
// stopped watching the socket. When no poetry socket is left, we are done.
void PoetrySocket::connectionLost(const Reason& reason) {
    reason_ = reason;
    if (!reason.check(ReasonKind::ConnectionDone)) {
        std::cerr << poetry::lostPoemLine(peer_, poem_.size(), reason.message()) << std::endl;
    }
    error_code ignored;
    socket_.close(ignored);
    reactor_.removeReader(*this);  // the reactor already did; harmless, as in the article
    for (const auto& reader : reactor_.getReaders()) {
        if (dynamic_cast<PoetrySocket*>(reader.get()) != nullptr) {
            return;  // another poem is still on its way
        }
    }
    reactor_.stop();  // no more poetry
}
//! [connectionLost]

int run(int argc, char** argv) {
    auto parsed = poetry::parseClientCommandLine(
        "reactor-get-poetry",
        "Downloads poems all at once: raw sockets handed to a reactor as "
        "read descriptors (Part 4, client 1.0).",
        argc, argv, {.timeline = true, .trace = true});
    if (!parsed) {
        return poetry::kExitSuccess;  // --help was printed
    }
    const poetry::ClientOptions& options = *parsed;

    //! [main]
    Reactor reactor;  // before the sockets, which live on its io_context
    poetry::trace::traceIf(options.trace, reactor);  // --trace
    auto start = poetry::Stopwatch::now();
    poetry::Timeline timeline(options.timeline, start);

    std::vector<std::shared_ptr<PoetrySocket>> sockets;
    int task = 0;
    try {
        for (const auto& address : options.addresses) {
            auto socket =
                std::make_shared<PoetrySocket>(reactor, ++task, address, options.quiet, timeline);
            reactor.addReader(socket);  // watch it: doRead() when readable
            sockets.push_back(socket);
        }
    } catch (const ConnectFailed& failure) {
        // One refused address and nobody gets any poetry: client 1.0's weakness.
        std::cerr << failure.what() << std::endl;
        return poetry::kExitFailure;
    }

    reactor.run();  // returns when the last PoetrySocket calls stop()
    auto elapsed = poetry::Stopwatch::now() - start;
    timeline.close();
    //! [main]

    std::size_t poems = 0;
    for (const auto& socket : sockets) {
        poems += socket->complete() ? 1 : 0;
        if (!options.quiet) {
            std::cout << poetry::taskTotalLine(socket->task(), socket->poem().size()) << std::endl;
        }
    }
    const std::size_t failed = sockets.size() - poems;
    std::cout << poetry::summaryLine(poems, failed, elapsed) << std::endl;
    return failed == 0 ? poetry::kExitSuccess : poetry::kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
    return poetry::runMain("reactor-get-poetry", [&] { return run(argc, argv); });
}
