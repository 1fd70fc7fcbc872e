// End-to-end tests of blocking-get-poetry against real slowpoetry servers.
#include <gtest/gtest.h>

#include <map>
#include <regex>

#include "support/client_output.hpp"
#include "support/process.hpp"
#include "support/timeline.hpp"

namespace poetry::test {
namespace {

TEST(BlockingClient, DownloadsEveryPoemInOrderWithExactByteCounts) {
    Server a("slowpoetry", {"--delay", "0", "--num-bytes", "30", poemPath("ecstasy.txt")});
    Server b("slowpoetry", {"--delay", "0", poemPath("fascination.txt")});
    Server c("slowpoetry", {"--delay", "0", "--num-bytes", "1", poemPath("alla_sera.txt")});
    RunResult r = run("blocking-get-poetry", {std::to_string(a.port()), b.address(),
                                              "127.0.0.1:" + std::to_string(c.port())});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.err, "");
    auto lines = splitLines(r.out);
    ASSERT_EQ(lines.size(), 7u) << r.out;
    const Server* servers[] = {&a, &b, &c};
    const char* poems[] = {"ecstasy.txt", "fascination.txt", "alla_sera.txt"};
    for (int i = 0; i < 3; ++i) {
        std::string task = "Task " + std::to_string(i + 1) + ": ";
        EXPECT_EQ(lines[2 * i], task + "get poetry from: " + servers[i]->address());
        std::regex got(task + "got " + std::to_string(poemSize(poems[i])) +
                       " bytes of poetry from 127\\.0\\.0\\.1:" +
                       std::to_string(servers[i]->port()) + R"( in \d+:\d\d:\d\d\.\d{6})");
        EXPECT_TRUE(std::regex_match(lines[2 * i + 1], got)) << lines[2 * i + 1];
    }
    EXPECT_TRUE(std::regex_match(lines[6], std::regex(R"(Got 3 poems in \d+:\d\d:\d\d\.\d{6})")))
        << lines[6];
}

// The timeline of a blocking run: every chunk of task 1, then every chunk of task 2,
// then task 3's, one lane after another (structure, not timing).
TEST(BlockingClient, TimelineRowsComeTaskAfterTask) {
    Server a("slowpoetry", {"--delay", "0.01", "--num-bytes", "300", poemPath("ecstasy.txt")});
    Server b("slowpoetry", {"--delay", "0.01", "--num-bytes", "100", poemPath("fascination.txt")});
    Server c("slowpoetry", {"--delay", "0.01", "--num-bytes", "100", poemPath("science.txt")});
    TempPath csv("blocking.csv");
    RunResult r = run("blocking-get-poetry",
                      {"-q", "--timeline", csv.str(), a.address(), b.address(), c.address()});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto rows = readTimeline(csv.str());
    ASSERT_GT(rows.size(), 6u);
    EXPECT_EQ(switches(tasksOf(rows)), 2);
    EXPECT_EQ(rows.front().task, 1);
    EXPECT_EQ(rows.back().task, 3);
    const Server* servers[] = {&a, &b, &c};
    const char* poems[] = {"ecstasy.txt", "fascination.txt", "science.txt"};
    std::map<int, std::size_t> bytes;
    for (const auto& row : rows) {
        ASSERT_GE(row.task, 1);
        ASSERT_LE(row.task, 3);
        EXPECT_EQ(row.peer, servers[row.task - 1]->address());
        bytes[row.task] += row.bytes;
    }
    for (int task = 1; task <= 3; ++task) {
        EXPECT_EQ(bytes[task], poemSize(poems[task - 1])) << "task " << task;
    }
}

TEST(BlockingClient, ATimelineThatCannotBeWrittenIsAUsageError) {
    TempPath csv("missing-directory/blocking.csv");
    RunResult r = run("blocking-get-poetry", {"--timeline", csv.str(), "10000"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_EQ(r.err, "blocking-get-poetry: error: cannot write --timeline " + csv.str() +
                         ": No such file or directory (see --help)\n");
    EXPECT_EQ(r.out, "");
}

TEST(BlockingClient, QuietPrintsOnlyTheSummary) {
    Server a("slowpoetry", {"--delay", "0", poemPath("science.txt")});
    RunResult r = run("blocking-get-poetry", {"-q", a.address()});
    EXPECT_EQ(r.exitCode, 0);
    auto lines = splitLines(r.out);
    ASSERT_EQ(lines.size(), 1u) << r.out;
    EXPECT_EQ(lines[0].rfind("Got 1 poems in ", 0), 0u);
}

TEST(BlockingClient, ARefusedAddressFailsAloneAndExitsOne) {
    Server a("slowpoetry", {"--delay", "0", poemPath("science.txt")});
    Server b("slowpoetry", {"--delay", "0", poemPath("fascination.txt")});
    std::string refused = "127.0.0.1:" + std::to_string(refusedPort());
    RunResult r = run("blocking-get-poetry", {a.address(), refused, b.address()});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_EQ(r.err, "Failed to connect to: " + refused + " (Connection refused)\n");
    EXPECT_NE(r.out.find("Task 1: got " + std::to_string(poemSize("science.txt")) + " bytes"),
              std::string::npos);
    EXPECT_NE(r.out.find("Task 3: got " + std::to_string(poemSize("fascination.txt")) + " bytes"),
              std::string::npos);
    auto lines = splitLines(r.out);
    EXPECT_TRUE(std::regex_match(lines.back(),
                                 std::regex(R"(Got 2 poems in \d+:\d\d:\d\d\.\d{6} \(1 failed\))")))
        << lines.back();
}

TEST(BlockingClient, AResetMidPoemIsALostPoemNotAPoem) {
    Server a("faultpoetry", {"--fault", "reset", poemPath("ecstasy.txt")});
    RunResult r = run("blocking-get-poetry", {a.address()});
    EXPECT_EQ(r.exitCode, 1);
    std::regex lost("Lost poem from " +
                    std::regex_replace(a.address(), std::regex(R"(\.)"), "\\.") +
                    R"( after \d+ bytes \(Connection reset by peer\)\n)");
    EXPECT_TRUE(std::regex_match(r.err, lost)) << r.err;
    EXPECT_NE(r.out.find("Got 0 poems in "), std::string::npos);
    EXPECT_NE(r.out.find("(1 failed)"), std::string::npos);
}

TEST(BlockingClient, Ipv6Address) {
    Server a("slowpoetry", {"--iface", "::1", "--delay", "0", poemPath("science.txt")});
    RunResult r = run("blocking-get-poetry", {"[::1]:" + std::to_string(a.port())});
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("from [::1]:" + std::to_string(a.port()) + " in "), std::string::npos);
}

struct BadClientArgs {
    std::vector<std::string> args;
    const char* mentions;
};

class BlockingClientUsage : public ::testing::TestWithParam<BadClientArgs> {};

TEST_P(BlockingClientUsage, OneLineNamingTheArgumentAndExitTwo) {
    RunResult r = run("blocking-get-poetry", GetParam().args);
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_EQ(r.out, "");
    auto lines = splitLines(r.err);
    ASSERT_EQ(lines.size(), 1u) << r.err;
    EXPECT_NE(lines[0].find(GetParam().mentions), std::string::npos) << lines[0];
}

INSTANTIATE_TEST_SUITE_P(Table, BlockingClientUsage,
                         ::testing::Values(BadClientArgs{{}, "missing ADDRESS"},
                                           BadClientArgs{{"0"}, "'0'"},
                                           BadClientArgs{{"65536"}, "'65536'"},
                                           BadClientArgs{{"localhost:http"}, "'localhost:http'"},
                                           BadClientArgs{{"::1:80"}, "'::1:80'"},
                                           BadClientArgs{{"--nope", "10000"}, "--nope"}));

TEST(BlockingClient, HelpExitsZero) {
    RunResult r = run("blocking-get-poetry", {"-h"});
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_NE(r.out.find("Usage: blocking-get-poetry [options] ADDRESS..."), std::string::npos);
    EXPECT_NE(r.out.find("--timeline FILE"), std::string::npos);
}

// There is no reactor to trace in Part 1.
TEST(BlockingClient, HasNoTrace) {
    RunResult r = run("blocking-get-poetry", {"--trace", "10000"});
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.err.find("--trace"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace poetry::test
