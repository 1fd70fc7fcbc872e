// End-to-end tests of the look-ahead programs: coroutine-get-poetry (on our
// reactor, through the bridge), asio-get-poetry (on Asio alone) and the broken
// variant, as real processes over loopback. They must print what client 2.0
// prints; concurrency is shown by structure (the order of the lines), never by
// timing.
#include <gtest/gtest.h>

#include <cstddef>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "support/client_output.hpp"
#include "support/process.hpp"
#include "support/timeline.hpp"
#include "support/trace.hpp"

namespace poetry::test {
namespace {

const char* const kCoroutine = "coroutine-get-poetry";
const char* const kAsio = "asio-get-poetry";
const char* const kBroken = "asio-get-poetry-broken";

std::vector<std::string> slowArgs(const std::string& poem, const std::string& numBytes) {
    return {"--delay", "0.02", "--num-bytes", numBytes, "--quiet", poemPath(poem)};
}

// Each coroutine client, side by side with client 2.0.
class BothClients : public ::testing::TestWithParam<const char*> {};

INSTANTIATE_TEST_SUITE_P(Programs, BothClients, ::testing::Values(kCoroutine, kAsio),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                             return std::string(info.param) == kCoroutine ? "OnOurReactor"
                                                                          : "OnAsioAlone";
                         });

// Three slow servers and, in the middle, an address where nobody listens: the
// refused one is reported and counted, the others are downloaded side by side.
TEST_P(BothClients, ThreeSlowServersAndARefusedAddressAsClient20Does) {
    Server ecstasy("slowpoetry", slowArgs("ecstasy.txt", "300"));
    Server science("slowpoetry", slowArgs("science.txt", "60"));
    Server fascination("slowpoetry", slowArgs("fascination.txt", "60"));
    const std::string refused = "127.0.0.1:" + std::to_string(refusedPort());
    const std::vector<std::string> args = {ecstasy.address(), science.address(), refused,
                                           fascination.address()};
    auto result = run(GetParam(), args);

    EXPECT_EQ(result.exitCode, 1);
    EXPECT_EQ(result.err, "Failed to connect to: " + refused + " (Connection refused)\n");
    Output o = parse(result.out);
    EXPECT_EQ(counts(o.summary), std::make_pair(3, 1));
    std::map<std::uint16_t, std::size_t> expected = {
        {ecstasy.port(), poemSize("ecstasy.txt")},
        {science.port(), poemSize("science.txt")},
        {fascination.port(), poemSize("fascination.txt")}};
    expectWholePoems(o, expected);
    // Interleaved, not one after another: the chunk lines switch task many times.
    EXPECT_GT(switches(o.chunkTasks), 4);

    // Client 2.0 against the same servers (each serves one client at a time, so the
    // runs take turns): the same failure line, the same kinds of lines, the same
    // exit code. The task numbers may differ: they follow the order of the connects.
    auto client20 = run("protocol-get-poetry", args);
    EXPECT_EQ(client20.exitCode, result.exitCode);
    EXPECT_EQ(client20.err, result.err);
    Output c = parse(client20.out);
    EXPECT_EQ(counts(c.summary), counts(o.summary));
    std::multiset<std::size_t> ours;
    std::multiset<std::size_t> theirs;
    for (const auto& [task, total] : o.totals) {
        ours.insert(total);
    }
    for (const auto& [task, total] : c.totals) {
        theirs.insert(total);
    }
    EXPECT_EQ(ours, theirs);
}

// --timeline: one row per chunk line, same order, same bytes.
TEST_P(BothClients, TimelineRowsAreTheChunkLines) {
    Server ecstasy("slowpoetry", slowArgs("ecstasy.txt", "300"));
    Server science("slowpoetry", slowArgs("science.txt", "60"));
    TempPath csv("coroutines.csv");
    auto result = run(GetParam(), {"--timeline", csv.str(), ecstasy.address(), science.address()});
    ASSERT_EQ(result.exitCode, 0) << result.err;
    Output o = parse(result.out);
    auto rows = readTimeline(csv.str());
    EXPECT_EQ(tasksOf(rows), o.chunkTasks);
    std::map<int, std::size_t> bytes;
    for (const auto& row : rows) {
        bytes[row.task] += row.bytes;
        EXPECT_EQ(row.peer, "127.0.0.1:" + std::to_string(o.ports.at(row.task)));
    }
    EXPECT_EQ(bytes, o.chunkBytes);
}

TEST_P(BothClients, AServerThatResetsMidPoemIsLostNotDone) {
    Server reset("faultpoetry", {"--quiet", "--fault", "reset", poemPath("ecstasy.txt")});
    auto result = run(GetParam(), {reset.address()});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_EQ(result.err, "Lost poem from " + reset.address() + " after " +
                              std::to_string(poemSize("ecstasy.txt") / 2) +
                              " bytes (Connection reset by peer)\n");
    EXPECT_EQ(counts(parse(result.out).summary), std::make_pair(0, 1));
}

TEST_P(BothClients, ServesAsManyDownloadsAsClient20OneThousandAtOnce) {
    Server server("fastpoetry", {"--quiet", poemPath("ecstasy.txt")});
    std::vector<std::string> args(1000, server.address());
    args.insert(args.begin(), "-q");
    auto result = run(GetParam(), args);
    EXPECT_EQ(result.exitCode, 0) << result.err;
    EXPECT_EQ(result.err, "");
    auto lines = splitLines(result.out);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(counts(lines[0]), std::make_pair(1000, 0));
}

// The function names of a compact stack, innermost first: what each line has
// between its number and the column of files (a frame without debug information
// has no file).
std::vector<std::string> frames(const std::string& out) {
    static const std::regex frame(R"(^ ?\d+# (.+?)(?: {2,}\S+:\d+)?$)");
    std::vector<std::string> names;
    for (const auto& line : splitLines(out)) {
        std::smatch m;
        EXPECT_TRUE(std::regex_match(line, m, frame)) << "not a compact frame: " << line;
        names.push_back(m[1]);
    }
    return names;
}

// A coroutine body's frame: the function the compiler made of the body named
// `function`, which GCC calls its actor and clang its resume function.
std::regex body(const std::string& function) {
    return std::regex(function + R"( \[clone \.(actor|resume)\])");
}

// Where each of `wanted` is in `names`, each searched after the one before: a
// name's position, or names.size() when it is missing. What lies between depends on
// what the compiler inlined (the asan preset inlines nothing), the order does not.
std::vector<std::size_t> inOrder(const std::vector<std::string>& names,
                                 const std::vector<std::string>& wanted) {
    std::vector<std::size_t> found;
    std::size_t from = 0;
    for (const auto& name : wanted) {
        std::size_t at = from;
        while (at < names.size() && names[at].find(name) == std::string::npos) {
            ++at;
        }
        found.push_back(at);
        from = at < names.size() ? at + 1 : at;
    }
    return found;
}

// Where is the callback chain? Right under the coroutine body: the bridge's
// resume, its dataReceived(), the transport's doRead(), the reactor's dispatch.
TEST(CoroutineGetPoetry, StackFromTheBodyShowsTheCallbacksThatResumedIt) {
    Server server("slowpoetry", slowArgs("science.txt", "10"));
    auto result = run(kCoroutine, {"--stack", server.address()});
    EXPECT_EQ(result.exitCode, 0) << result.err;
    auto names = frames(result.out);
    ASSERT_FALSE(names.empty()) << result.out;
    // The body, as the function the compiler made of it: GCC's `.actor`, clang's `.resume`.
    EXPECT_TRUE(std::regex_match(names[0], body("getPoem"))) << "the stack starts in the body\n"
                                                             << result.out;
    const std::vector<std::string> chain = {
        "poetry::coroutines::Connection::received",
        "poetry::coroutines::detail::CoroutineProtocol::dataReceived",
        "poetry::protocols::TcpTransport::doRead",
        "poetry::reactor::Reactor::dispatch",
        "boost::asio::io_context::run",
        "poetry::reactor::Reactor::run",
    };
    auto at = inOrder(names, chain);
    for (std::size_t i = 0; i < chain.size(); ++i) {
        EXPECT_LT(at[i], names.size()) << chain[i] << " missing or out of order\n" << result.out;
    }
    EXPECT_EQ(names.back(), "main");
}

// On Asio alone: the body, resumed by Asio's awaitable machinery from its scheduler.
// The coroutine that called fetch() is not on the stack: it waits in its own frame.
TEST(AsioGetPoetry, StackFromTheBodyShowsAsiosSchedulerUnderIt) {
    Server server("slowpoetry", slowArgs("science.txt", "10"));
    auto result = run(kAsio, {"--stack", server.address()});
    EXPECT_EQ(result.exitCode, 0) << result.err;
    auto names = frames(result.out);
    ASSERT_FALSE(names.empty()) << result.out;
    EXPECT_TRUE(std::regex_match(names[0], body("fetch"))) << result.out;
    const std::vector<std::string> chain = {
        "boost::asio::detail::awaitable_thread::pump",
        "boost::asio::detail::scheduler::run",
        "boost::asio::io_context::run",
    };
    auto at = inOrder(names, chain);
    for (std::size_t i = 0; i < chain.size(); ++i) {
        EXPECT_LT(at[i], names.size()) << chain[i] << " missing or out of order\n" << result.out;
    }
    for (const auto& name : names) {
        EXPECT_EQ(name.find("getPoem"), std::string::npos) << result.out;
    }
    EXPECT_EQ(names.back(), "main");
}

// --trace: the reactor still makes every callback; the bridge's protocol is what
// it calls, and the end of the last download stops the reactor from inside
// connectionLost(), as client 2.0's does.
TEST(CoroutineGetPoetry, TraceShowsTheReactorDoingEveryDispatch) {
    Server science("slowpoetry", slowArgs("science.txt", "100"));
    auto result = run(kCoroutine, {"-q", "--trace", science.address()});
    ASSERT_EQ(result.exitCode, 0) << result.err;
    TraceOutput trace = parseTrace(result.err);
    EXPECT_TRUE(trace.others.empty()) << result.err;
    const std::string transport =
        "TcpTransport\\[" + std::regex_replace(science.address(), std::regex(R"(\.)"), "\\.") +
        "\\]";
    const std::regex connected(R"(fd \d+ writable -> )" + transport +
                               R"(\.doConnect -> CoroutineFactory\.buildProtocol\(.+\) )"
                               R"(-> CoroutineProtocol\.makeConnection\(\))");
    const std::regex chunk("fd \\d+ readable -> " + transport +
                           R"(\.doRead -> CoroutineProtocol\.dataReceived\((\d+) bytes\))");
    const std::regex lost(transport +
                          R"(\.connectionLost\(ConnectionDone\) -> )"
                          R"(CoroutineProtocol\.connectionLost\(ConnectionDone\) -> )"
                          R"(reactor\.stop\(\) -> )"
                          R"(CoroutineFactory\.clientConnectionLost\(ConnectionDone\))");
    bool sawConnect = false;
    bool sawLost = false;
    std::size_t bytes = 0;
    std::smatch m;
    for (const auto& line : trace.lines) {
        if (std::regex_match(line.text, connected)) {
            sawConnect = true;
        } else if (std::regex_match(line.text, m, chunk)) {
            EXPECT_TRUE(sawConnect) << line.text;
            bytes += std::stoul(m[1]);
        } else if (std::regex_match(line.text, lost)) {
            sawLost = true;
        }
    }
    EXPECT_TRUE(sawConnect) << result.err;
    EXPECT_TRUE(sawLost) << result.err;
    EXPECT_EQ(bytes, poemSize("science.txt"));
}

// The broken variant: the body's read blocks, so each download, once it starts
// reading, holds the thread until its poem is whole: one block of lines per task.
TEST(AsioGetPoetryBroken, EachTaskComesInOneBlock) {
    Server ecstasy("slowpoetry", slowArgs("ecstasy.txt", "300"));
    Server science("slowpoetry", slowArgs("science.txt", "60"));
    Server fascination("slowpoetry", slowArgs("fascination.txt", "60"));
    auto result = run(kBroken, {ecstasy.address(), science.address(), fascination.address()});
    ASSERT_EQ(result.exitCode, 0) << result.err;
    Output o = parse(result.out);
    EXPECT_EQ(counts(o.summary), std::make_pair(3, 0));
    EXPECT_EQ(switches(o.chunkTasks), 2) << result.out;
}

TEST(Programs, HelpAndUsageErrors) {
    for (const char* program : {kCoroutine, kAsio, kBroken}) {
        auto help = run(program, {"--help"});
        EXPECT_EQ(help.exitCode, 0) << program;
        EXPECT_NE(help.out.find("ADDRESS"), std::string::npos) << program;
        EXPECT_NE(help.out.find("--timeline FILE"), std::string::npos) << program;
        auto none = run(program, {});
        EXPECT_EQ(none.exitCode, 2) << program;
        auto badPort = run(program, {"70000"});
        EXPECT_EQ(badPort.exitCode, 2) << program;
        EXPECT_NE(badPort.err.find("70000"), std::string::npos) << program;
    }
    EXPECT_NE(run(kCoroutine, {"--help"}).out.find("--trace"), std::string::npos);
    EXPECT_NE(run(kCoroutine, {"--help"}).out.find("--stack"), std::string::npos);
    EXPECT_NE(run(kAsio, {"--help"}).out.find("--stack"), std::string::npos);
    // No reactor, no --trace: Asio's own loop has no observer of ours.
    auto trace = run(kAsio, {"--trace", "10000"});
    EXPECT_EQ(trace.exitCode, 2);
    EXPECT_NE(trace.err.find("--trace"), std::string::npos);
    auto name = run(kBroken, {"localhost:10000"});
    EXPECT_EQ(name.exitCode, 2);
    EXPECT_EQ(name.err,
              "asio-get-poetry-broken: error: invalid address 'localhost:10000': this broken "
              "variant takes IP addresses only (see --help)\n");
}

// Asio alone looks the name up itself: an unknown host is one line, as in client 2.0.
TEST(AsioGetPoetry, AnUnknownHostFailsWithADNSLookupLine) {
    auto result = run(kAsio, {"nosuch.invalid:10000"});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_EQ(result.err.rfind("Failed to connect to: nosuch.invalid:10000 (DNS lookup failed: "
                               "address 'nosuch.invalid' not found: ",
                               0),
              0u)
        << result.err;
    EXPECT_EQ(splitLines(result.err).size(), 1u) << result.err;
}

}  // namespace
}  // namespace poetry::test
