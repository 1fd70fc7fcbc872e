#include <gtest/gtest.h>

#include "common/duration.hpp"

namespace poetry {
namespace {

using namespace std::chrono;

TEST(FormatDuration, Table) {
    EXPECT_EQ(formatDuration(nanoseconds::zero()), "0:00:00.000000");
    EXPECT_EQ(formatDuration(microseconds(1)), "0:00:00.000001");
    EXPECT_EQ(formatDuration(nanoseconds(999)), "0:00:00.000000");  // truncated, not rounded
    EXPECT_EQ(formatDuration(milliseconds(2'345)), "0:00:02.345000");
    EXPECT_EQ(formatDuration(seconds(61)), "0:01:01.000000");
    EXPECT_EQ(formatDuration(hours(1) + minutes(2) + seconds(3) + microseconds(4)),
              "1:02:03.000004");
    EXPECT_EQ(formatDuration(hours(27)), "27:00:00.000000");
}

TEST(FormatDuration, NegativeIsClampedToZero) {
    EXPECT_EQ(formatDuration(-seconds(3)), "0:00:00.000000");
}

}  // namespace
}  // namespace poetry
