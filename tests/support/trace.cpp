#include "trace.hpp"

#include <gtest/gtest.h>

#include <regex>

#include "process.hpp"

namespace poetry::test {

TraceOutput parseTrace(const std::string& err) {
    static const std::regex stamped(
        R"(\+(\d+\.\d{6}) (.+?)(?: \[held the loop (\d+\.\d{6}) s\])?)");
    TraceOutput result;
    std::smatch m;
    for (const auto& line : splitLines(err)) {
        if (!std::regex_match(line, m, stamped)) {
            result.others.push_back(line);
            continue;
        }
        double seconds = std::stod(m[1]);
        if (!result.lines.empty()) {
            EXPECT_GE(seconds, result.lines.back().seconds) << "stamps out of order at: " << line;
        }
        TraceLine parsed{seconds, m[2], std::nullopt};
        if (m[3].matched) {
            parsed.held = std::stod(m[3]);
        }
        result.lines.push_back(std::move(parsed));
    }
    return result;
}

}  // namespace poetry::test
