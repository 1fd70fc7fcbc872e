/// \file
/// \brief Taking apart what a program printed on stderr with `--trace`.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace poetry::test {

/// One `--trace` line: `+SECONDS TEXT`, possibly ending in `[held the loop S s]`.
///
/// That note says the step kept the loop 10 ms or more, which is a matter of
/// timing: on a loaded machine, or under the sanitizers, any step may earn it. So
/// `text` comes without it, and a test that matches lines is not at its mercy.
struct TraceLine {
    double seconds = 0;          ///< The stamp: seconds since the trace began.
    std::string text;            ///< What follows the stamp, without the note.
    std::optional<double> held;  ///< The S of `[held the loop S s]`, if the line has one.
};

/// A program's stderr, split into its trace lines and the rest.
struct TraceOutput {
    std::vector<TraceLine> lines;     ///< The stamped lines, in order.
    std::vector<std::string> others;  ///< Every other line (failure lines, ...).
};

/// Splits `err`; a stamp that goes back in time is a test failure.
TraceOutput parseTrace(const std::string& err);

}  // namespace poetry::test
