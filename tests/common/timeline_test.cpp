// The --timeline recorder: a CSV header, one row per chunk, clear errors.
#include "common/timeline.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <string>
#include <utility>

#include "common/command_line.hpp"
#include "support/process.hpp"
#include "support/timeline.hpp"

namespace poetry {
namespace {

using test::readTimeline;
using test::TempPath;

TEST(Timeline, WritesAHeaderAndOneRowPerChunk) {
    TempPath path("run.csv");
    Timeline timeline(path.str(), Stopwatch::now());
    timeline.chunk(1, "127.0.0.1:10000", 30);
    timeline.chunk(2, "[::1]:10001", 10);
    timeline.chunk(1, "127.0.0.1:10000", 7);
    timeline.close();

    auto rows = readTimeline(path.str());
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].task, 1);
    EXPECT_EQ(rows[0].peer, "127.0.0.1:10000");
    EXPECT_EQ(rows[0].bytes, 30u);
    EXPECT_EQ(rows[1].task, 2);
    EXPECT_EQ(rows[1].peer, "[::1]:10001");
    EXPECT_EQ(rows[1].bytes, 10u);
    EXPECT_EQ(rows[2].bytes, 7u);
    // Seconds are counted from the start given, on a monotonic clock.
    EXPECT_GE(rows[0].seconds, 0.0);
    EXPECT_LE(rows[0].seconds, rows[1].seconds);
    EXPECT_LE(rows[1].seconds, rows[2].seconds);
}

TEST(Timeline, SecondsCountFromTheStartGiven) {
    TempPath path("run.csv");
    Timeline timeline(path.str(), Stopwatch::now() - std::chrono::seconds(100));
    timeline.chunk(1, "127.0.0.1:10000", 1);
    timeline.close();
    auto rows = readTimeline(path.str());
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_GE(rows[0].seconds, 100.0);
}

TEST(Timeline, AnEmptyPathRecordsNothing) {
    Timeline timeline("", Stopwatch::now());
    timeline.chunk(1, "127.0.0.1:10000", 30);  // goes nowhere, throws nothing
    EXPECT_NO_THROW(timeline.close());
}

TEST(Timeline, AFileThatCannotBeCreatedIsAUsageErrorNamingTheOption) {
    TempPath path("no-such-directory/run.csv");
    try {
        Timeline timeline(path.str(), Stopwatch::now());
        ADD_FAILURE() << "no error";
    } catch (const UsageError& e) {
        EXPECT_EQ(std::string(e.what()),
                  "cannot write --timeline " + path.str() + ": No such file or directory");
    }
}

// A FIFO is opened without waiting for a reader: with none, it is refused at once.
TEST(Timeline, AFifoThatNobodyReadsIsAUsageErrorAtOnce) {
    TempPath fifo("run.fifo");
    ASSERT_EQ(::mkfifo(fifo.str().c_str(), 0600), 0);
    try {
        Timeline timeline(fifo.str(), Stopwatch::now());
        ADD_FAILURE() << "no error";
    } catch (const UsageError& e) {
        EXPECT_EQ(std::string(e.what()), "cannot write --timeline " + fifo.str() +
                                             ": a FIFO that no process has open for reading");
    }
}

// What finishOutput() prints and returns for a run that succeeded otherwise.
std::pair<int, std::string> finishedRun() {
    testing::internal::CaptureStderr();
    int status = finishOutput("client", kExitSuccess);
    return {status, testing::internal::GetCapturedStderr()};
}

TEST(Timeline, AWriteThatFailsIsReportedAtTheEndOfTheRun) {
    if (!std::filesystem::exists("/dev/full")) {
        GTEST_SKIP() << "no /dev/full here";
    }
    Timeline timeline("/dev/full", Stopwatch::now());
    timeline.chunk(1, "127.0.0.1:10000", 30);
    timeline.close();
    timeline.close();  // once is enough: nothing more to say
    EXPECT_EQ(finishedRun(), std::make_pair(int(kExitFailure),
                                            std::string("client: error: cannot write --timeline "
                                                        "/dev/full: No space left on device\n")));
    EXPECT_EQ(finishedRun(), std::make_pair(int(kExitSuccess), std::string())) << "reported once";
}

// A run that ends early (an exception, a return before close()) still reports it.
TEST(Timeline, AWriteThatFailsIsReportedEvenWithoutClose) {
    if (!std::filesystem::exists("/dev/full")) {
        GTEST_SKIP() << "no /dev/full here";
    }
    { Timeline timeline("/dev/full", Stopwatch::now()); }
    EXPECT_EQ(finishedRun().second,
              "client: error: cannot write --timeline /dev/full: No space left on device\n");
}

}  // namespace
}  // namespace poetry
