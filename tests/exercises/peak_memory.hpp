// Runs a program and reports how much memory it used at its peak, for the test
// that a client stays small against a server that never stops sending.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace poetry::test {

/// What a measured run did: as RunResult, plus the child's peak resident set.
struct MeasuredRun {
    int exitCode = -1;    ///< The exit code, or 128 + the signal that killed it.
    std::string out;      ///< All of stdout.
    std::string err;      ///< All of stderr.
    long peakRssKiB = 0;  ///< getrusage's ru_maxrss of this child alone, in KiB.
};

/// Runs program `name` from binDir() to completion and reads its peak RSS with
/// wait4(), which reports the usage of that one child (not of every child the
/// test started, as getrusage(RUSAGE_CHILDREN) would). Kills it and throws
/// std::runtime_error if it has not exited within `timeout`.
MeasuredRun runMeasured(const std::string& name, const std::vector<std::string>& args,
                        std::chrono::milliseconds timeout);

}  // namespace poetry::test
