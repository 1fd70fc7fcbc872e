/// \file
/// \brief Elapsed times printed as `H:MM:SS.ffffff`, like Python's `timedelta`.
#pragma once

#include <chrono>
#include <string>

namespace poetry {

/// Formats an elapsed time as `H:MM:SS.ffffff` (hours are not padded, microseconds are).
///
/// Called by every client for its summary line and by the blocking client per poem.
/// Negative durations are clamped to zero: an elapsed time cannot be negative.
std::string formatDuration(std::chrono::nanoseconds elapsed);

/// The clock the clients time themselves with: monotonic, so a clock change cannot
/// make a download look negative.
using Stopwatch = std::chrono::steady_clock;

}  // namespace poetry
