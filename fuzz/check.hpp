/// \file
/// \brief What a fuzz target does when a property does not hold: say which, and crash.
///
/// libFuzzer keeps the input of any crash; abort() makes one, in every build type
/// (an assert() would vanish under NDEBUG).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace poetry::fuzz {

/// Called by the fuzz targets for each property they check: if `holds` is false,
/// prints `property` (and `detail`) to stderr and aborts, so libFuzzer keeps the input.
inline void check(bool holds, std::string_view property, std::string_view detail = {}) {
    if (!holds) {
        std::fprintf(stderr, "property broken: %.*s\n%.*s\n", static_cast<int>(property.size()),
                     property.data(), static_cast<int>(detail.size()), detail.data());
        std::abort();
    }
}

/// True if `text` holds no control character: it prints as one line.
inline bool oneLine(std::string_view text) {
    for (unsigned char c : text) {
        if (c < 0x20 || c == 0x7f) {
            return false;
        }
    }
    return true;
}

}  // namespace poetry::fuzz
