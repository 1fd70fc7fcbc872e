/// \file
/// \brief asio-get-poetry-broken: asio-get-poetry with one blocking call in its
/// coroutine body.
///
/// The same download as asio-get-poetry's fetch() (diff the two), with one change,
/// the easiest mistake to make with Asio: `socket.read_some(...)` where the correct
/// body has `co_await socket.async_read_some(...)`. Both read what has arrived;
/// the first waits for it in the kernel, holding the thread, the second lets go of
/// the thread until Asio resumes it. So the first body that reads keeps the thread
/// until its whole poem is in, and only then does Asio get to resume the next one:
/// each task's lines come in one block, as with part04's reactor-get-poetry-broken,
/// whose doRead() blocks the same way.
///
/// The lesson: a coroutine is a callback spelled as a loop. It runs on the loop's
/// thread, between two `co_await`s, and a call that blocks there blocks every
/// download, whatever the syntax around it.
#include <array>
#include <cstddef>
#include <iostream>
#include <map>
#include <string>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "common/address.hpp"
#include "common/command_line.hpp"
#include "common/duration.hpp"
#include "common/messages.hpp"
#include "common/report.hpp"
#include "common/timeline.hpp"

namespace {

namespace asio = boost::asio;
using asio::awaitable;
using asio::ip::tcp;
using boost::system::error_code;

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);

// What the downloads share.
struct Downloads {
    poetry::ClientReport& report;
    int nextTask = 1;
    std::map<int, std::string> poems{};
};

// The broken variant connects to IP addresses only (the lesson is elsewhere).
tcp::endpoint endpointOf(const poetry::Address& address) {
    error_code notLiteral;
    auto ip = asio::ip::make_address(address.host, notLiteral);
    if (notLiteral) {
        throw poetry::UsageError("invalid address " + poetry::quote(address.str()) +
                                 ": this broken variant takes IP addresses only");
    }
    return tcp::endpoint(ip, address.port);
}

// [fetch]
// One poem: connect (without blocking), then read until the server closes, with a
// read that blocks.
awaitable<void> getPoem(Downloads& downloads, poetry::Address address, tcp::endpoint server) {
    poetry::ClientReport& report = downloads.report;
    tcp::socket socket(co_await asio::this_coro::executor);
    auto [connectError] = co_await socket.async_connect(server, kAwait);
    if (connectError) {
        report.failedToConnect(address, poetry::describeErrorCode(connectError));
        co_return;
    }
    const int task = downloads.nextTask++;
    std::string poem;
    std::array<char, 4096> buffer;
    for (;;) {
        error_code error;
        // The broken part: no co_await. read_some() waits, in the kernel, for the
        // server's next chunk, and nothing else runs meanwhile.
        std::size_t n = socket.read_some(asio::buffer(buffer), error);
        if (error == asio::error::eof) {
            break;
        }
        if (error) {
            report.lost(task, address, poem.size(), error.message());
            co_return;
        }
        poem.append(buffer.data(), n);
        report.chunk(task, n, address);
    }
    report.poem(task, poem.size());
    downloads.poems[task] = std::move(poem);
}
// [fetch]

int run(int argc, char** argv) {
    auto parsed = poetry::parseClientCommandLine(
        "asio-get-poetry-broken",
        "asio-get-poetry with a blocking read in its coroutine body: one slow server "
        "freezes the others (a look ahead, the broken variant).",
        argc, argv, {.timeline = true});
    if (!parsed) {
        return poetry::kExitSuccess;  // --help was printed
    }
    const poetry::ClientOptions& options = *parsed;
    poetry::ClientReport report(options.quiet);
    Downloads downloads{.report = report};

    asio::io_context io;
    auto start = poetry::Stopwatch::now();
    poetry::Timeline timeline(options.timeline, start);  // --timeline
    report.recordTimeline(timeline);
    for (const poetry::Address& address : options.addresses) {
        asio::co_spawn(io, getPoem(downloads, address, endpointOf(address)), asio::detached);
    }
    io.run();
    auto elapsed = poetry::Stopwatch::now() - start;
    timeline.close();
    report.finish(elapsed);
    return report.failed() == 0 ? poetry::kExitSuccess : poetry::kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
    return poetry::runMain("asio-get-poetry-broken", [&] { return run(argc, argv); });
}
