#include <gtest/gtest.h>

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

}  // namespace
}  // namespace poetry
