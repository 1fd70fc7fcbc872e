/// \file
/// \brief Formatting durations as `H:MM:SS.ffffff` (see duration.hpp).
#include "duration.hpp"

#include <cstdio>

namespace poetry {

std::string formatDuration(std::chrono::nanoseconds elapsed) {
    using namespace std::chrono;
    if (elapsed < nanoseconds::zero()) {
        elapsed = nanoseconds::zero();
    }
    long long micros = duration_cast<microseconds>(elapsed).count();
    long long hours = micros / 3'600'000'000LL;
    micros %= 3'600'000'000LL;
    long long minutes = micros / 60'000'000LL;
    micros %= 60'000'000LL;
    long long seconds = micros / 1'000'000LL;
    micros %= 1'000'000LL;
    char text[64];
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld.%06lld", hours, minutes, seconds, micros);
    return text;
}

}  // namespace poetry
