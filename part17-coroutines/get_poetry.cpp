/// \file
/// \brief coroutine-get-poetry: client 2.0's job, one coroutine per poem, on this
/// project's own reactor, transports and protocols.
///
/// Read it beside part05-protocols/get_poetry.cpp. Client 2.0 splits a download
/// into callbacks (dataReceived() appends a chunk, connectionLost() hands the poem
/// to the factory) and keeps what they share in objects (the protocol's poem, the
/// factory's count). Here one function, getPoem(), says the whole download from top
/// to bottom, and the poem is a local variable. The callbacks are still there, in the
/// bridge (bridge.hpp): each one resumes the function where it waits.
///
/// With `--stack`, the body prints the call stack when its first chunk arrives, and
/// the program ends there: under the body, the bridge's dataReceived(), the
/// transport's doRead(), and the reactor's dispatch(), as under client 2.0's
/// dataReceived().
#include <cstddef>
#include <cstdlib>
#include <iostream>
#include <map>
#include <new>
#include <optional>
#include <string>
#include <string_view>

#include <boost/stacktrace.hpp>

#include "common/address.hpp"
#include "common/command_line.hpp"
#include "common/duration.hpp"
#include "common/file_limit.hpp"
#include "common/report.hpp"
#include "common/stack_trace.hpp"
#include "common/timeline.hpp"
#include "part04-raw-reactor/reactor.hpp"
#include "part05-protocols/connect.hpp"
#include "part05-protocols/factory.hpp"
#include "part17-coroutines/bridge.hpp"
#include "part17-coroutines/task.hpp"
#include "trace/wrapping.hpp"

namespace {

using poetry::Address;
using poetry::coroutines::ClientCreator;
using poetry::coroutines::ConnectFailed;
using poetry::coroutines::Connection;
using poetry::coroutines::ConnectionLost;
using poetry::coroutines::Task;
using poetry::protocols::ClientFactory;
using poetry::reactor::Seconds;

// [Downloads]
// What the downloads share: where they connect from, where their lines go, the
// next task number, and the poems that arrived whole (client 2.0's factory keeps
// the same, for the same reasons).
struct Downloads {
    ClientCreator& creator;
    poetry::ClientReport& report;
    int nextTask = 1;
    std::map<int, std::string> poems{};
    bool stack = false;  // --stack
};
// [Downloads]

[[noreturn]] void printStackAndExit(const boost::stacktrace::stacktrace& stack);

// [getPoem]
// One poem, from connecting to the end, as the protocol runs: connect, then read
// chunks until the server closes. Each co_await returns when the reactor has
// called the bridge back; a failure comes back as an exception at the co_await.
Task getPoem(Downloads& downloads, Address address) {
    std::string poem;
    int task = 0;
    Address peer = address;
    try {
        Connection connection = co_await downloads.creator.connectTCP(address.host, address.port);
        task = downloads.nextTask++;  // numbered in the order the connections were made
        peer = connection.peer();
        while (std::optional<std::string_view> chunk = co_await connection.read()) {
            if (downloads.stack) {  // --stack, not the lesson: see printStackAndExit()
                printStackAndExit(boost::stacktrace::stacktrace());
            }
            poem.append(*chunk);  // the chunk is lent until the next co_await: copy it
            downloads.report.chunk(task, chunk->size(), peer);
        }
        downloads.report.poem(task, poem.size());  // a clean close: the poem is whole
        downloads.poems[task] = std::move(poem);
    } catch (const ConnectFailed& failure) {
        downloads.report.failedToConnect(address, failure.reason().message());
    } catch (const ConnectionLost& lost) {
        downloads.report.lost(task, peer, poem.size(), lost.reason().message());
    } catch (const std::bad_alloc&) {
        // Beyond the article: a server that never stops sending fills memory.
        downloads.report.lost(task, peer, poem.size(), "out of memory");
    }
}
// [getPoem]

// --stack: prints the stack the body took and ends the program, as the part05
// stack demo does from its dataReceived(). Not inlined, so the stack's first frame
// is the body's own.
[[noreturn, gnu::noinline]] void printStackAndExit(const boost::stacktrace::stacktrace& stack) {
    poetry::printStack(std::cout, stack, false);
    std::_Exit(poetry::finishOutput("coroutine-get-poetry", poetry::kExitSuccess));
}

int run(int argc, char** argv) {
    poetry::CommandLine cl("coroutine-get-poetry", "[options] ADDRESS...",
                           "Downloads poems at the same time, one coroutine per poem, on the "
                           "reactor, transports and protocols of Part 5 (a look ahead).");
    poetry::addClientOptions(cl, {.timeline = true, .trace = true});
    cl.options()("stack",
                 "print the call stack inside the coroutine body when the first chunk "
                 "arrives, then exit");
    auto values = cl.parse(argc, argv, std::cout);
    if (!values) {
        return poetry::kExitSuccess;  // --help was printed
    }
    const poetry::ClientOptions options = poetry::clientOptions(*values);
    // Beyond the article: one descriptor per download, and the benchmarks open 10,000.
    poetry::raiseFileLimit();

    // [main]
    poetry::reactor::Reactor reactor;
    poetry::trace::Tracing tracing(options.trace, reactor);  // --trace
    poetry::ClientReport report(options.quiet);
    // Each connection a coroutine awaits is part05's connectTCP(), with a factory of
    // the bridge's (wrapped for --trace, as client 2.0's factory is).
    ClientCreator creator([&](const Address& to, ClientFactory& factory, Seconds timeout) {
        poetry::protocols::connectTCP(reactor, to.host, to.port, tracing.wrap(factory), timeout);
    });
    Downloads downloads{.creator = creator, .report = report, .stack = values->count("stack") != 0};
    // Owns each download's frame until its body ends; the last one stops the reactor.
    poetry::coroutines::TaskGroup tasks([&reactor] { reactor.stop(); });
    auto start = poetry::Stopwatch::now();
    poetry::Timeline timeline(options.timeline, start);  // --timeline
    report.recordTimeline(timeline);
    for (const Address& address : options.addresses) {
        tasks.spawn(getPoem(downloads, address));  // runs up to its first co_await
    }
    reactor.run();
    auto elapsed = poetry::Stopwatch::now() - start;
    timeline.close();
    report.finish(elapsed);
    // [main]
    return report.failed() == 0 ? poetry::kExitSuccess : poetry::kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
    return poetry::runMain("coroutine-get-poetry", [&] { return run(argc, argv); });
}
