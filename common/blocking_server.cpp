/// \file
/// \brief What Part 1's blocking servers need beyond the article (see blocking_server.hpp).
#include "blocking_server.hpp"

#include <pthread.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <streambuf>
#include <thread>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/socket_base.hpp>

#include "common/address.hpp"
#include "common/messages.hpp"

namespace poetry {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

void addBlockingServerOptions(CommandLine& commandLine) {
    addServerOptions(commandLine);
    commandLine.options()("delay", po::value<double>()->default_value(0.7, "0.7"),
                          "seconds to wait between chunks")(
        "num-bytes", po::value<long long>()->default_value(10), "bytes per chunk");
}

BlockingServerOptions blockingServerOptions(const po::variables_map& values) {
    BlockingServerOptions options;
    static_cast<ServerOptions&>(options) = serverOptions(values);
    options.delay = values["delay"].as<double>();
    if (!(options.delay >= 0) || options.delay > 3600) {
        std::ostringstream text;
        text << "--delay " << options.delay << " must be between 0 and 3600 seconds";
        throw UsageError(text.str());
    }
    auto numBytes = values["num-bytes"].as<long long>();
    if (numBytes < 1) {
        throw UsageError("--num-bytes " + std::to_string(numBytes) + " must be at least 1");
    }
    options.numBytes = static_cast<std::size_t>(numBytes);
    options.poem = readPoemArgument(options.poetryFile);
    return options;
}

AcceptFailures::AcceptFailures(std::string program, std::ostream& err)
    : program_(std::move(program)), err_(err) {}

std::chrono::milliseconds AcceptFailures::failed(const error_code& error) {
    const int value = error.value();
    if (value == EMFILE || value == ENFILE || value == ENOBUFS || value == ENOMEM) {
        if (!shortage_) {
            err_ << program_ + ": cannot accept: " + describeErrno(value) + "\n" << std::flush;
            shortage_ = true;
        }
        return kShortageRest;
    }
    err_ << program_ + ": accept failed (" + error.message() + ")\n" << std::flush;
    return std::chrono::milliseconds(0);
}

namespace {

// Opens the listening socket. Start-up failures (a busy port, an unknown
// interface) become one readable line: "cannot listen on HOST:PORT: REASON".
tcp::acceptor listenOn(asio::io_context& io, const ServerOptions& options) {
    const tcp::endpoint endpoint(
        asio::ip::make_address(interfaceAddress(options.iface, options.port)), options.port);
    tcp::acceptor acceptor(io);
    error_code ec;
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
        acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    }
    if (!ec) {
        acceptor.bind(endpoint, ec);
    }
    if (!ec) {
        acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        throw std::runtime_error("cannot listen on " + formatAddress(options.iface, options.port) +
                                 ": " + ec.message());
    }
    return acceptor;
}

// How a blocking server ends on SIGINT or SIGTERM.
//
// The server's one thread spends its life blocked: in accept(), in a write to a
// slow client, asleep between two chunks. A signal handler could end the process
// at once, but a handler may only call async-signal-safe functions, so it cannot
// ask std::cout whether its writes arrived. Instead both signals are blocked in
// every thread, and a thread of our own waits for them with sigwait(): it runs
// ordinary code, whatever the main thread is doing.
//
// That thread must not touch anything the main thread may be using at that very
// moment (std::cout, std::cerr): that would be a data race. So std::cout writes
// through WatchedOutput, which keeps the error of the first write that failed in
// an atomic; the thread reads only that, says what it found with one write(2) on
// stderr, and ends the process with _exit(), which runs no destructor and flushes
// no stream. Nothing is lost by not flushing: every line the servers print ends
// with std::endl, which has written it already. It takes no lock either, so a
// server whose stdout is a pipe nobody reads (the main thread blocked writing to
// it) still ends on SIGTERM.

// std::cout's buffer for a blocking server: a line is written to descriptor 1
// when std::endl flushes it, and the first write that fails is remembered.
class WatchedOutput : public std::streambuf {
  public:
    WatchedOutput() { setp(buffer_, buffer_ + sizeof buffer_); }

    // The errno of the first write that failed, or 0. Read by the signal thread.
    int firstError() const { return error_.load(); }

  protected:
    int_type overflow(int_type c) override {
        if (sync() != 0) {
            return traits_type::eof();
        }
        if (!traits_type::eq_int_type(c, traits_type::eof())) {
            *pptr() = traits_type::to_char_type(c);
            pbump(1);
        }
        return traits_type::not_eof(c);
    }

    int sync() override {
        const char* next = pbase();
        const char* end = pptr();
        setp(buffer_, buffer_ + sizeof buffer_);  // what could not be written is dropped
        while (next < end) {
            ssize_t written = ::write(STDOUT_FILENO, next, static_cast<std::size_t>(end - next));
            if (written < 0 && errno == EINTR) {
                continue;
            }
            if (written < 0) {
                int none = 0;
                error_.compare_exchange_strong(none, errno);
                return -1;
            }
            next += written;
        }
        return 0;
    }

  private:
    char buffer_[4096];
    std::atomic<int> error_{0};
};

// Waits for one of `signals` (blocked in every thread), then ends the process:
// status 0, or 1 and one line on stderr if a write to stdout failed. Runs on a
// thread of its own, for the rest of the process's life.
[[noreturn]] void endOnSignal(sigset_t signals, const std::string& program,
                              const WatchedOutput& output) {
    int signal = 0;
    while (sigwait(&signals, &signal) != 0) {
    }
    int status = kExitSuccess;
    if (int error = output.firstError(); error != 0) {
        const std::string line =
            program + ": error: cannot write to standard output: " + describeErrno(error) + "\n";
        [[maybe_unused]] auto ignored = ::write(STDERR_FILENO, line.data(), line.size());
        status = kExitFailure;
    }
    ::_exit(status);
}

// Hands SIGINT and SIGTERM to endOnSignal(), and std::cout to a WatchedOutput.
// Called once, by BlockingServer's constructor, while the process has one thread.
void endOnSignalsCheckingOutput(const std::string& program) {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    // Blocked before the thread starts, so that it and every later thread inherit it.
    if (int error = pthread_sigmask(SIG_BLOCK, &signals, nullptr); error != 0) {
        throw std::runtime_error("cannot block signals: " + describeErrno(error));
    }
    // Never deleted: std::cout writes through it until the process ends.
    auto* output = new WatchedOutput;
    std::cout.flush();
    std::cout.rdbuf(output);
    std::thread([signals, program, output] { endOnSignal(signals, program, *output); }).detach();
}

}  // namespace

BlockingServer::BlockingServer(const std::string& program, asio::io_context& io,
                               const ServerOptions& options)
    : acceptor_(listenOn(io, options)), failures_(program, std::cerr) {
    std::signal(SIGPIPE, SIG_IGN);  // a client that leaves early is a failed write, not death
    endOnSignalsCheckingOutput(program);
}

std::uint16_t BlockingServer::port() const {
    return acceptor_.local_endpoint().port();
}

Accepted BlockingServer::accept() {
    for (;;) {
        Accepted client{tcp::socket(acceptor_.get_executor()), {}};
        error_code ec;
        acceptor_.accept(client.socket, client.peer, ec);
        if (!ec) {
            failures_.succeeded();
            // Each chunk leaves when it is written, not when Nagle's algorithm
            // decides: what "Sending N bytes" says is what is on its way.
            client.socket.set_option(tcp::no_delay(true), ec);
            return client;
        }
        std::this_thread::sleep_for(failures_.failed(ec));
    }
}

}  // namespace poetry
