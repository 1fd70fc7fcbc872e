/// \file
/// \brief Taking apart what a program printed on stderr with `--trace`.
#pragma once

#include <string>
#include <vector>

namespace poetry::test {

/// One `--trace` line: `+SECONDS TEXT`.
struct TraceLine {
    double seconds = 0;  ///< The stamp: seconds since the trace began.
    std::string text;    ///< What follows the stamp.
};

/// A program's stderr, split into its trace lines and the rest.
struct TraceOutput {
    std::vector<TraceLine> lines;     ///< The stamped lines, in order.
    std::vector<std::string> others;  ///< Every other line (failure lines, ...).
};

/// Splits `err`; a stamp that goes back in time is a test failure.
TraceOutput parseTrace(const std::string& err);

}  // namespace poetry::test
