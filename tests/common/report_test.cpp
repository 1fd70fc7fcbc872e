#include <gtest/gtest.h>

#include <sstream>

#include "common/report.hpp"

namespace poetry {
namespace {

using namespace std::chrono;

TEST(Report, SummaryWithAndWithoutFailures) {
    EXPECT_EQ(summaryLine(3, 0, milliseconds(1500)), "Got 3 poems in 0:00:01.500000");
    EXPECT_EQ(summaryLine(2, 1, seconds(2)), "Got 2 poems in 0:00:02.000000 (1 failed)");
}

TEST(Report, FailureLines) {
    EXPECT_EQ(failedToConnectLine("127.0.0.1:9", "Connection refused"),
              "Failed to connect to: 127.0.0.1:9 (Connection refused)");
    EXPECT_EQ(lostPoemLine("[::1]:9", 42, "Connection reset by peer"),
              "Lost poem from [::1]:9 after 42 bytes (Connection reset by peer)");
}

TEST(Report, TaskLines) {
    EXPECT_EQ(chunkLine(2, 10, "127.0.0.1:10001"),
              "Task 2: got 10 bytes of poetry from 127.0.0.1:10001");
    EXPECT_EQ(taskTotalLine(3, 653), "Task 3: 653 bytes of poetry");
}

// What client 2.0 prints, in one run: chunk lines and a note as they come, the
// failures on the error stream, then the totals in task order and the summary.
TEST(ClientReport, PrintsProgressFailuresTotalsAndTheSummary) {
    std::ostringstream out;
    std::ostringstream err;
    ClientReport report(false, out, err);
    report.chunk(2, 10, {"127.0.0.1", 10001});
    report.chunk(1, 30, {"127.0.0.1", 10000});
    report.note("Task 1 line 1: Sonnet");
    report.poem(2, 10);
    report.lost(1, {"127.0.0.1", 10000}, 30, "Connection reset by peer");
    report.failedToConnect({"::1", 9}, "Connection refused");
    report.finish(milliseconds(1500));
    EXPECT_EQ(out.str(),
              "Task 2: got 10 bytes of poetry from 127.0.0.1:10001\n"
              "Task 1: got 30 bytes of poetry from 127.0.0.1:10000\n"
              "Task 1 line 1: Sonnet\n"
              "Task 1: 30 bytes of poetry\n"
              "Task 2: 10 bytes of poetry\n"
              "Got 1 poems in 0:00:01.500000 (2 failed)\n");
    EXPECT_EQ(err.str(),
              "Lost poem from 127.0.0.1:10000 after 30 bytes (Connection reset by peer)\n"
              "Failed to connect to: [::1]:9 (Connection refused)\n");
    EXPECT_EQ(report.poems(), 1u);
    EXPECT_EQ(report.failed(), 2u);
}

TEST(ClientReport, QuietKeepsOnlyTheFailuresAndTheSummary) {
    std::ostringstream out;
    std::ostringstream err;
    ClientReport report(true, out, err);
    report.chunk(1, 30, {"127.0.0.1", 10000});
    report.note("Task 1 line 1: Sonnet");
    report.poem(1, 30);
    report.failedToConnect({"127.0.0.1", 9}, "Connection refused");
    report.finish(seconds(2));
    EXPECT_EQ(out.str(), "Got 1 poems in 0:00:02.000000 (1 failed)\n");
    EXPECT_EQ(err.str(), "Failed to connect to: 127.0.0.1:9 (Connection refused)\n");
}

}  // namespace
}  // namespace poetry
