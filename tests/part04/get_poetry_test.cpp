// End-to-end tests of client 1.0 (reactor-get-poetry) and its broken variant
// against real slowpoetry servers on loopback. Concurrency is shown by the order
// of the task lines, never by timing.
#include <gtest/gtest.h>

#include <map>
#include <regex>
#include <string>
#include <vector>

#include "support/client_output.hpp"
#include "support/process.hpp"
#include "support/timeline.hpp"
#include "support/trace.hpp"

namespace poetry::test {
namespace {

/// The tutorial's three slow servers, fast enough for a test: each sends its poem
/// in 20 to 30 chunks, 50 ms apart, so a download takes one to two seconds.
struct ThreeServers {
    Server ecstasy{"slowpoetry",
                   {"--delay", "0.05", "--num-bytes", "100", "--quiet", poemPath("ecstasy.txt")}};
    Server fascination{
        "slowpoetry",
        {"--delay", "0.05", "--num-bytes", "30", "--quiet", poemPath("fascination.txt")}};
    Server allaSera{"slowpoetry",
                    {"--delay", "0.05", "--num-bytes", "21", "--quiet", poemPath("alla_sera.txt")}};

    std::vector<std::string> addresses() const {
        return {ecstasy.address(), std::to_string(fascination.port()), allaSera.address()};
    }
};

TEST(ReactorClient, DownloadsThreePoemsByteExactAndInterleaved) {
    ThreeServers servers;
    RunResult r = run("reactor-get-poetry", servers.addresses());
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.err, "");
    Output o = parse(r.out);

    const std::size_t sizes[] = {poemSize("ecstasy.txt"), poemSize("fascination.txt"),
                                 poemSize("alla_sera.txt")};
    const std::uint16_t ports[] = {servers.ecstasy.port(), servers.fascination.port(),
                                   servers.allaSera.port()};
    for (int task = 1; task <= 3; ++task) {
        EXPECT_EQ(o.totals[task], sizes[task - 1]) << "task " << task;
        EXPECT_EQ(o.chunkBytes[task], sizes[task - 1]) << "task " << task;
        EXPECT_EQ(o.ports[task], ports[task - 1]) << "task " << task;
    }
    // The three totals come after every chunk line, in task order, then the summary.
    ASSERT_GE(o.lines.size(), 4u);
    const std::size_t n = o.lines.size();
    EXPECT_EQ(o.lines[n - 4], "Task 1: " + std::to_string(sizes[0]) + " bytes of poetry");
    EXPECT_EQ(o.lines[n - 3], "Task 2: " + std::to_string(sizes[1]) + " bytes of poetry");
    EXPECT_EQ(o.lines[n - 2], "Task 3: " + std::to_string(sizes[2]) + " bytes of poetry");
    std::smatch m;
    ASSERT_TRUE(std::regex_match(o.lines[n - 1], m, kSummary)) << o.lines[n - 1];
    EXPECT_EQ(m[1], "3");
    EXPECT_FALSE(m[2].matched);

    // Interleaved: run sequentially, the chunk lines would switch task only twice.
    EXPECT_GE(switches(o.chunkTasks), 6) << r.out;
}

// One timeline row per chunk line, in the same order: the reactor's lanes interleave.
TEST(ReactorClient, TimelineRowsAreTheChunkLinesAndInterleave) {
    ThreeServers servers;
    TempPath csv("client10.csv");
    auto args = servers.addresses();
    args.insert(args.begin(), {"--timeline", csv.str()});
    RunResult r = run("reactor-get-poetry", args);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    Output o = parse(r.out);
    auto rows = readTimeline(csv.str());
    ASSERT_EQ(rows.size(), o.chunkTasks.size());
    EXPECT_EQ(tasksOf(rows), o.chunkTasks);
    std::map<int, std::size_t> bytes;
    for (const auto& row : rows) {
        bytes[row.task] += row.bytes;
        EXPECT_EQ(row.peer, "127.0.0.1:" + std::to_string(o.ports[row.task]));
    }
    EXPECT_EQ(bytes, o.chunkBytes);
    EXPECT_GE(switches(tasksOf(rows)), 6);
}

/// The doRead dispatches of a --trace, per peer port: how many, and whether the
/// last one returned ConnectionDone and was followed by that socket's connectionLost.
struct SocketTrace {
    int doReads = 0;
    bool endedDone = false;
    bool lostDone = false;
};

std::map<std::uint16_t, SocketTrace> socketTraces(const std::string& err) {
    const std::regex doRead(
        R"(fd \d+ readable -> PoetrySocket\[127\.0\.0\.1:(\d+)\]\.doRead( returns (\w+))?.*)");
    const std::regex lost(R"(PoetrySocket\[127\.0\.0\.1:(\d+)\]\.connectionLost\((\w+)\).*)");
    std::map<std::uint16_t, SocketTrace> sockets;
    std::smatch m;
    TraceOutput trace = parseTrace(err);
    EXPECT_TRUE(trace.others.empty()) << err;
    for (const auto& line : trace.lines) {
        if (std::regex_match(line.text, m, doRead)) {
            auto& socket = sockets[static_cast<std::uint16_t>(std::stoul(m[1]))];
            EXPECT_FALSE(socket.endedDone) << "a doRead after the end: " << line.text;
            ++socket.doReads;
            socket.endedDone = m[3] == "ConnectionDone";
        } else if (std::regex_match(line.text, m, lost)) {
            auto& socket = sockets[static_cast<std::uint16_t>(std::stoul(m[1]))];
            EXPECT_TRUE(socket.endedDone) << line.text;
            socket.lostDone = m[2] == "ConnectionDone";
        } else {
            ADD_FAILURE() << "unexpected trace line: " << line.text;
        }
    }
    return sockets;
}

// --trace of client 1.0: many doReads per socket (one per readiness), the last one
// returning ConnectionDone; the reactor then calls connectionLost.
TEST(ReactorClient, TraceShowsManyDoReadsPerSocket) {
    ThreeServers servers;
    auto args = servers.addresses();
    args.insert(args.begin(), {"-q", "--trace"});
    RunResult r = run("reactor-get-poetry", args);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto sockets = socketTraces(r.err);
    ASSERT_EQ(sockets.size(), 3u) << r.err;
    for (const auto& [port, socket] : sockets) {
        EXPECT_GT(socket.doReads, 3) << "port " << port;
        EXPECT_TRUE(socket.endedDone) << "port " << port;
        EXPECT_TRUE(socket.lostDone) << "port " << port;
    }
    EXPECT_NE(r.err.find("-> reactor.stop()"), std::string::npos) << r.err;
}

TEST(ReactorClient, CountsBytesOfAUtf8PoemSplitMidCharacter) {
    // 7-byte chunks split the poem's two-byte characters across reads.
    Server server("slowpoetry",
                  {"--delay", "0.01", "--num-bytes", "7", "--quiet", poemPath("alla_sera.txt")});
    RunResult r = run("reactor-get-poetry", {server.address()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    Output o = parse(r.out);
    EXPECT_EQ(o.totals[1], poemSize("alla_sera.txt"));
    EXPECT_EQ(o.totals[1], 577u);
    EXPECT_EQ(o.chunkBytes[1], 577u);
}

TEST(ReactorClient, QuietPrintsOnlyTheSummary) {
    Server server("slowpoetry", {"--delay", "0", "--quiet", poemPath("science.txt")});
    RunResult r = run("reactor-get-poetry", {"-q", server.address()});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    auto lines = splitLines(r.out);
    ASSERT_EQ(lines.size(), 1u) << r.out;
    EXPECT_TRUE(std::regex_match(lines[0], std::regex(R"(Got 1 poems in \d+:\d\d:\d\d\.\d{6})")))
        << lines[0];
}

TEST(ReactorClient, ARefusedAddressAbortsTheWholeRunWithOneClearLine) {
    Server server("slowpoetry", {"--delay", "0.05", "--quiet", poemPath("science.txt")});
    const std::string refused = "127.0.0.1:" + std::to_string(refusedPort());
    RunResult r = run("reactor-get-poetry", {server.address(), refused});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_EQ(r.err, "Failed to connect to: " + refused + " (Connection refused)\n");
    EXPECT_EQ(r.out, "") << "nothing downloads: the connect happens before the reactor runs";
}

TEST(ReactorClient, ALostPoemIsReportedAndCountsAsFailed) {
    Server good("slowpoetry", {"--delay", "0", "--quiet", poemPath("science.txt")});
    Server bad("faultpoetry",
               {"--delay", "0", "--fault", "reset", "--quiet", poemPath("ecstasy.txt")});
    RunResult r = run("reactor-get-poetry", {good.address(), bad.address()});
    EXPECT_EQ(r.exitCode, 1);
    std::smatch m;
    ASSERT_TRUE(std::regex_match(r.err, m,
                                 std::regex(R"(Lost poem from 127\.0\.0\.1:(\d+) after (\d+) )"
                                            R"(bytes \(Connection reset by peer\)\n)")))
        << r.err;
    EXPECT_EQ(m[1], std::to_string(bad.port()));
    Output o = parse(r.out);
    EXPECT_EQ(o.totals[1], poemSize("science.txt"));
    EXPECT_EQ(std::to_string(o.totals[2]), m[2]);
    EXPECT_LT(o.totals[2], poemSize("ecstasy.txt"));
    EXPECT_TRUE(std::regex_match(o.lines.back(), m, kSummary));
    EXPECT_EQ(m[1], "1");
    EXPECT_EQ(m[2], " (1 failed)");
}

TEST(ReactorClient, UsageErrorsExitTwo) {
    RunResult none = run("reactor-get-poetry", {});
    EXPECT_EQ(none.exitCode, 2);
    EXPECT_NE(none.err.find("ADDRESS"), std::string::npos) << none.err;
    RunResult bad = run("reactor-get-poetry", {"127.0.0.1:99999"});
    EXPECT_EQ(bad.exitCode, 2);
    EXPECT_NE(bad.err.find("99999"), std::string::npos) << bad.err;
    RunResult help = run("reactor-get-poetry", {"--help"});
    EXPECT_EQ(help.exitCode, 0);
    EXPECT_NE(help.out.find("reactor-get-poetry"), std::string::npos);
    for (const char* program : {"reactor-get-poetry", "reactor-get-poetry-broken"}) {
        RunResult watched = run(program, {"--help"});
        EXPECT_NE(watched.out.find("--trace"), std::string::npos) << program;
        EXPECT_NE(watched.out.find("--timeline FILE"), std::string::npos) << program;
    }
}

TEST(BrokenReactorClient, DownloadsEverythingButNeverInterleaves) {
    ThreeServers servers;
    RunResult r = run("reactor-get-poetry-broken", servers.addresses());
    ASSERT_EQ(r.exitCode, 0) << r.err;
    Output o = parse(r.out);
    EXPECT_EQ(o.totals[1], poemSize("ecstasy.txt"));
    EXPECT_EQ(o.totals[2], poemSize("fascination.txt"));
    EXPECT_EQ(o.totals[3], poemSize("alla_sera.txt"));
    // Each task's chunk lines form one block: the first doRead held the loop
    // until its poem was complete.
    EXPECT_EQ(switches(o.chunkTasks), 2) << r.out;
}

// The broken variant's timeline: each lane is one block.
TEST(BrokenReactorClient, TimelineLanesComeInBlocks) {
    ThreeServers servers;
    TempPath csv("broken.csv");
    auto args = servers.addresses();
    args.insert(args.begin(), {"-q", "--timeline", csv.str()});
    RunResult r = run("reactor-get-poetry-broken", args);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto rows = readTimeline(csv.str());
    ASSERT_GT(rows.size(), 3u);
    EXPECT_EQ(switches(tasksOf(rows)), 2);
    std::map<int, std::size_t> bytes;
    for (const auto& row : rows) {
        bytes[row.task] += row.bytes;
    }
    EXPECT_EQ(bytes[1], poemSize("ecstasy.txt"));
    EXPECT_EQ(bytes[2], poemSize("fascination.txt"));
    EXPECT_EQ(bytes[3], poemSize("alla_sera.txt"));
}

// --trace of the broken variant: one doRead per socket, and it returns
// ConnectionDone: the whole poem was read inside that one call.
TEST(BrokenReactorClient, TraceShowsOneDoReadPerPoem) {
    ThreeServers servers;
    auto args = servers.addresses();
    args.insert(args.begin(), "--trace");
    RunResult r = run("reactor-get-poetry-broken", args);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto sockets = socketTraces(r.err);
    ASSERT_EQ(sockets.size(), 3u) << r.err;
    for (const auto& [port, socket] : sockets) {
        EXPECT_EQ(socket.doReads, 1) << "port " << port << "\n" << r.err;
        EXPECT_TRUE(socket.endedDone) << "port " << port;
        EXPECT_TRUE(socket.lostDone) << "port " << port;
    }
    // The first doRead blocked until its server, sleeping between chunks, had sent
    // the whole poem (a second or more): the trace says the loop was held meanwhile.
    for (const auto& line : parseTrace(r.err).lines) {
        if (line.text.find(" readable -> ") != std::string::npos) {
            EXPECT_TRUE(line.held.has_value()) << "the first doRead: " << line.text;
            break;
        }
    }
    // And that one call read all of it: every chunk line of the task.
    Output o = parse(r.out);
    EXPECT_EQ(o.chunkBytes[1], poemSize("ecstasy.txt"));
    EXPECT_EQ(o.chunkBytes[2], poemSize("fascination.txt"));
    EXPECT_EQ(o.chunkBytes[3], poemSize("alla_sera.txt"));
}

TEST(BrokenReactorClient, ARefusedAddressAbortsTooWithOneClearLine) {
    const std::string refused = "127.0.0.1:" + std::to_string(refusedPort());
    RunResult r = run("reactor-get-poetry-broken", {refused});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_EQ(r.err, "Failed to connect to: " + refused + " (Connection refused)\n");
}

}  // namespace
}  // namespace poetry::test
