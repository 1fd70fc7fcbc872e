// asio-get-poetry --timeout: the article's exercise 1 written the coroutine way
// (the download races a timer with `||`), tested as ex1-timeout is
// (tests/exercises/exercises_test.cpp), against real servers that stall (faultpoetry)
// or crawl (slowpoetry). Every server is stopped by its Server object.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/socket.hpp"

namespace poetry::test {
namespace {

const std::string kQuiet = "--quiet";
const char* const kAsio = "asio-get-poetry";

// Seconds in the summary line `Got N poems in H:MM:SS.ffffff ...`, or -1.
double summarySeconds(const std::string& out) {
    std::smatch match;
    static const std::regex summary(R"(Got \d+ poems in (\d+):(\d\d):(\d\d\.\d{6}))");
    if (!std::regex_search(out, match, summary)) {
        return -1;
    }
    return std::stod(match[1]) * 3600 + std::stod(match[2]) * 60 + std::stod(match[3]);
}

std::string lastLine(const std::string& text) {
    auto lines = splitLines(text);
    return lines.empty() ? "" : lines.back();
}

TEST(AsioTimeout, AStalledServerTimesOutAndTheOtherPoemArrives) {
    Server normal("slowpoetry", {kQuiet, "--delay", "0.01", poemPath("science.txt")});
    Server stalled("faultpoetry", {kQuiet, "--fault", "stall", poemPath("fascination.txt")});
    auto result = run(kAsio, {"--timeout", "2", normal.address(), stalled.address()});
    EXPECT_EQ(result.exitCode, 1);
    // The same line as ex1-timeout's: the timeout, with what it got (nothing).
    EXPECT_EQ(result.err,
              "Lost poem from " + stalled.address() + " after 0 bytes (Timed out after 2 s)\n");
    EXPECT_NE(result.out.find("Task 1: 653 bytes of poetry"), std::string::npos) << result.out;
    EXPECT_EQ(lastLine(result.out).rfind("Got 1 poems in ", 0), 0u) << result.out;
    EXPECT_NE(lastLine(result.out).find("(1 failed)"), std::string::npos);
    // It gave up when the timeout was over, not before.
    EXPECT_GE(summarySeconds(result.out), 1.9);
}

TEST(AsioTimeout, ATimedOutDownloadReportsItsPartialCount) {
    // One 10-byte chunk at once, then a pause far longer than the timeout.
    Server slow("slowpoetry",
                {kQuiet, "--delay", "30", "--num-bytes", "10", poemPath("science.txt")});
    auto result = run(kAsio, {"--timeout", "1", slow.address()});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_EQ(result.err,
              "Lost poem from " + slow.address() + " after 10 bytes (Timed out after 1 s)\n");
    EXPECT_NE(result.out.find("Task 1: got 10 bytes of poetry from " + slow.address()),
              std::string::npos);
    EXPECT_NE(result.out.find("Task 1: 10 bytes of poetry"), std::string::npos);
    EXPECT_EQ(lastLine(result.out).rfind("Got 0 poems in ", 0), 0u) << result.out;
}

// A download that ends in time cancels its deadline: io_context::run() returns as
// soon as the poems are in, with no timer left to wait for.
TEST(AsioTimeout, AllOnTimeExitsZeroAtOnceNotAtTheDeadline) {
    Server a("slowpoetry", {kQuiet, "--delay", "0.01", poemPath("science.txt")});
    Server b("slowpoetry",
             {kQuiet, "--delay", "0.01", "--num-bytes", "30", poemPath("ecstasy.txt")});
    Process process(binDir() + "/" + kAsio, {"-q", "--timeout", "3600", a.address(), b.address()});
    EXPECT_EQ(process.wait(30s), 0) << process.err();
    EXPECT_EQ(process.err(), "");
    EXPECT_EQ(lastLine(process.out()).rfind("Got 2 poems in ", 0), 0u) << process.out();
    EXPECT_EQ(splitLines(process.out()).size(), 1u);  // -q: the summary only
}

TEST(AsioTimeout, ARefusedAddressIsAFailureNotATimeout) {
    Server a("slowpoetry", {kQuiet, "--delay", "0", poemPath("science.txt")});
    std::string refused = "127.0.0.1:" + std::to_string(refusedPort());
    auto result = run(kAsio, {"-q", "--timeout", "5", refused, a.address()});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_EQ(result.err, "Failed to connect to: " + refused + " (Connection refused)\n");
    EXPECT_EQ(lastLine(result.out).rfind("Got 1 poems in ", 0), 0u) << result.out;
}

// The deadline covers the connect too: a server whose queue is full never answers.
TEST(AsioTimeout, AConnectWithNoAnswerTimesOutAsAFailureToConnect) {
    FullListener silent;
    const std::string address = "127.0.0.1:" + std::to_string(silent.port());
    auto result = run(kAsio, {"--timeout", "0.5", address});
    EXPECT_EQ(result.exitCode, 1);
    EXPECT_EQ(result.err, "Failed to connect to: " + address + " (Timed out after 0.5 s)\n");
    EXPECT_EQ(lastLine(result.out).rfind("Got 0 poems in ", 0), 0u) << result.out;
}

TEST(AsioTimeout, ABadTimeoutIsAUsageError) {
    for (const char* bad : {"0", "-1", "86401", "nan"}) {
        auto result = run(kAsio, {"--timeout", bad, "10000"});
        EXPECT_EQ(result.exitCode, 2) << bad;
        EXPECT_NE(result.err.find("--timeout"), std::string::npos) << bad << ": " << result.err;
    }
}

}  // namespace
}  // namespace poetry::test
