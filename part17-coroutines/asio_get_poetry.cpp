/// \file
/// \brief asio-get-poetry: the same download on Asio's own coroutines, with no layer
/// of this project's: no reactor, transport, protocol or factory.
///
/// This is how a C++ programmer would write the client today: `co_spawn` starts
/// one coroutine per poem on an io_context, and each `co_await` hands an operation
/// to Asio (`async_connect`, `async_read_some`) with `use_awaitable`, which resumes
/// the coroutine when the operation is done. It prints what client 2.0 prints,
/// line for line (common/report.hpp), and fails as client 2.0 fails.
///
/// `--timeout SECONDS` is the article's exercise 1 written the coroutine way: the
/// download races a timer, `co_await (fetch(...) || deadline.async_wait(...))`, and
/// whichever ends first cancels the other. Beside ex1-timeout's callLater() and
/// cancel(), that is the same idea with the bookkeeping done by Asio.
///
/// With `--stack`, the body prints the call stack when its first chunk arrives, and
/// the program ends there: under the body, Asio's awaitable machinery and its
/// scheduler, where ours has the bridge, the transport and the reactor.
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdlib>
#include <iostream>
#include <map>
#include <new>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/stacktrace.hpp>

#include "common/address.hpp"
#include "common/command_line.hpp"
#include "common/duration.hpp"
#include "common/file_limit.hpp"
#include "common/messages.hpp"
#include "common/report.hpp"
#include "common/stack_trace.hpp"
#include "common/timeline.hpp"

namespace {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;
using boost::system::error_code;
using namespace asio::experimental::awaitable_operators;  // `||` on awaitables

// Asio's completion tokens: use_awaitable makes an operation something to co_await;
// as_tuple() gives its error code back as a value instead of throwing it. The end
// of a poem (eof) is no error, and a refused or reset connection is one of the
// outcomes a download expects, so they are values to look at, not exceptions.
constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

// What the downloads share (client 2.0's factory keeps the same).
struct Downloads {
    poetry::ClientReport& report;
    int nextTask = 1;
    std::map<int, std::string> poems{};
    std::optional<double> timeout{};  // --timeout, in seconds
    bool stack = false;               // --stack
};

// One download, as far as it got: its getPoem() and fetch() share it, so when the
// deadline wins, getPoem() can say how many bytes had come.
struct Download {
    poetry::Address address;  // as given on the command line
    poetry::Address peer{};   // the server's address, once connected
    int task = 0;             // 0 until connected
    std::string poem{};
};

[[noreturn]] void printStackAndExit(const boost::stacktrace::stacktrace& stack);

// An asynchronous read needs its buffer from the moment it starts until it
// completes, so each download needs one of its own. The poem is that buffer: each
// read goes into the free room at its end, which makeRoom() doubles when it runs
// low (4 KiB at first), so no byte is copied twice and no second buffer waits beside
// the poem. Returns false when there is no memory left for more room. (Beyond the
// article: a server that never stops sending fills memory, and that is one lost
// poem, not the end of the program.)
bool makeRoom(std::string& poem) {
    constexpr std::size_t kFirstRoom = 4096;
    constexpr std::size_t kLeastRoom = 512;
    try {
        if (poem.capacity() - poem.size() < kLeastRoom) {
            poem.reserve(std::max(2 * poem.capacity(), poem.size() + kFirstRoom));
        }
        return true;
    } catch (const std::bad_alloc&) {
        return false;
    }
}

// The server's address for async_connect: an IP address needs no lookup, a name is
// looked up without blocking (Asio does it on a thread of its own).
awaitable<std::pair<error_code, tcp::resolver::results_type>> resolve(
    const poetry::Address& address) {
    error_code notLiteral;
    auto ip = asio::ip::make_address(address.host, notLiteral);
    if (!notLiteral) {
        co_return std::pair{error_code{}, tcp::resolver::results_type::create(
                                              tcp::endpoint(ip, address.port), address.host,
                                              std::to_string(address.port))};
    }
    tcp::resolver resolver(co_await asio::this_coro::executor);
    auto [error, results] = co_await resolver.async_resolve(
        address.host, std::to_string(address.port), tcp::resolver::numeric_service, kAwait);
    co_return std::pair{error, std::move(results)};
}

// [fetch]
// One poem: connect, then read until the server closes. It reports how it ended,
// except when it was cancelled (by --timeout's deadline): getPoem() reports that.
awaitable<void> fetch(Downloads& downloads, Download& download) {
    poetry::ClientReport& report = downloads.report;
    auto [lookupError, servers] = co_await resolve(download.address);
    if (lookupError) {
        report.failedToConnect(download.address, "DNS lookup failed: address '" +
                                                     download.address.host +
                                                     "' not found: " + lookupError.message());
        co_return;
    }
    tcp::socket socket(co_await asio::this_coro::executor);
    auto [connectError, server] = co_await asio::async_connect(socket, servers, kAwait);
    // Beyond the article: a server that sends and resets at once can beat the
    // connect's own answer, which then says "reset". The connection was made, and
    // what came before the reset can still be read; the reset is reported at the end,
    // as client 2.0's transport does.
    const bool resetEarly = connectError == asio::error::connection_reset;
    if (resetEarly) {
        connectError = {};
        for (const auto& tried : servers) {
            server = tried.endpoint();  // the last one tried: the one that answered
        }
    }
    if (connectError == asio::error::operation_aborted) {
        co_return;  // cancelled by the deadline
    }
    if (connectError) {
        report.failedToConnect(download.address, poetry::describeErrorCode(connectError));
        co_return;
    }
    download.task = downloads.nextTask++;  // numbered in the order the connections were made
    download.peer = {server.address().to_string(), server.port()};

    std::string& poem = download.poem;
    for (;;) {
        const std::size_t size = poem.size();
        if (!makeRoom(poem)) {
            report.lost(download.task, download.peer, size, "out of memory");
            co_return;
        }
        poem.resize(poem.capacity());  // the free room, to read into
        auto [error, n] = co_await socket.async_read_some(
            asio::buffer(poem.data() + size, poem.size() - size), kAwait);
        poem.resize(size + n);  // what came, and no more
        if (error == asio::error::eof && resetEarly) {
            error = asio::error::connection_reset;  // that end was the reset
        }
        if (error == asio::error::eof) {
            break;  // the server closed: the poem is whole
        }
        if (error == asio::error::operation_aborted) {
            co_return;  // cancelled by the deadline
        }
        if (error) {
            report.lost(download.task, download.peer, size, error.message());
            co_return;
        }
        if (downloads.stack) {  // --stack, not the lesson: see printStackAndExit()
            printStackAndExit(boost::stacktrace::stacktrace());
        }
        report.chunk(download.task, n, download.peer);
    }
    report.poem(download.task, download.poem.size());
    downloads.poems[download.task] = std::move(download.poem);
}
// [fetch]

// [getPoem]
// A download, with --timeout's deadline if there is one. `a || b` runs both
// coroutines and returns as soon as one of them has finished, after cancelling the
// other: the deadline cancels a download that is too slow, a download that ends
// in time cancels its deadline. (ex1-timeout does the same with callLater() and
// cancel().)
awaitable<void> getPoem(Downloads& downloads, poetry::Address address) {
    Download download{.address = std::move(address)};
    if (!downloads.timeout) {
        co_await fetch(downloads, download);
        co_return;
    }
    asio::steady_timer deadline(co_await asio::this_coro::executor,
                                std::chrono::duration_cast<asio::steady_timer::duration>(
                                    std::chrono::duration<double>(*downloads.timeout)));
    auto first = co_await (fetch(downloads, download) || deadline.async_wait(asio::use_awaitable));
    if (first.index() == 1) {  // the deadline came first: fetch() was cancelled
        std::ostringstream why;
        why << "Timed out after " << *downloads.timeout << " s";
        if (download.task == 0) {
            downloads.report.failedToConnect(download.address, why.str());
        } else {
            downloads.report.lost(download.task, download.peer, download.poem.size(), why.str());
        }
    }
}
// [getPoem]

// --stack: prints the stack the body took and ends the program, as the part05
// stack demo does from its dataReceived(). Not inlined, so the stack's first frame
// is the body's own.
[[noreturn, gnu::noinline]] void printStackAndExit(const boost::stacktrace::stacktrace& stack) {
    poetry::printStack(std::cout, stack, false);
    std::_Exit(poetry::finishOutput("asio-get-poetry", poetry::kExitSuccess));
}

int run(int argc, char** argv) {
    poetry::CommandLine cl("asio-get-poetry", "[options] ADDRESS...",
                           "Downloads poems at the same time, one coroutine per poem, on Asio's "
                           "own coroutines and nothing of this project's (a look ahead).");
    poetry::addClientOptions(cl, {.timeline = true});
    cl.options()("timeout", poetry::po::value<double>()->value_name("SECONDS"),
                 "give up on a download (connecting included) not finished after SECONDS")(
        "stack",
        "print the call stack inside the coroutine body when the first chunk arrives, "
        "then exit");
    auto values = cl.parse(argc, argv, std::cout);
    if (!values) {
        return poetry::kExitSuccess;  // --help was printed
    }
    const poetry::ClientOptions options = poetry::clientOptions(*values);
    // Beyond the article: one descriptor per download, and the benchmarks open 10,000.
    poetry::raiseFileLimit();
    poetry::ClientReport report(options.quiet);
    Downloads downloads{.report = report};
    downloads.stack = values->count("stack") != 0;
    if (values->count("timeout") != 0) {
        double seconds = (*values)["timeout"].as<double>();
        if (!(seconds > 0) || seconds > 86400) {
            std::ostringstream text;
            text << "--timeout " << seconds << " must be more than 0 and at most 86400 seconds";
            throw poetry::UsageError(text.str());
        }
        downloads.timeout = seconds;
    }

    // [main]
    asio::io_context io;
    auto start = poetry::Stopwatch::now();
    poetry::Timeline timeline(options.timeline, start);  // --timeline
    report.recordTimeline(timeline);
    for (const poetry::Address& address : options.addresses) {
        // The io_context owns the coroutine until it ends; `detached`: nobody waits
        // for its result (each download reports its own).
        asio::co_spawn(io, getPoem(downloads, address), asio::detached);
    }
    io.run();  // returns when no coroutine has anything left to wait for
    auto elapsed = poetry::Stopwatch::now() - start;
    timeline.close();
    report.finish(elapsed);
    // [main]
    return report.failed() == 0 ? poetry::kExitSuccess : poetry::kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
    return poetry::runMain("asio-get-poetry", [&] { return run(argc, argv); });
}
