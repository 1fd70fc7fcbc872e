#include "client_output.hpp"

#include <gtest/gtest.h>

#include "process.hpp"

namespace poetry::test {

const std::regex kChunk(R"(Task (\d+): got (\d+) bytes of poetry from 127\.0\.0\.1:(\d+))");
const std::regex kTotal(R"(Task (\d+): (\d+) bytes of poetry)");
const std::regex kSummary(R"(Got (\d+) poems in \d+:\d\d:\d\d\.\d{6}( \((\d+) failed\))?)");

Output parse(const std::string& out) {
    Output o;
    o.lines = splitLines(out);
    EXPECT_FALSE(o.lines.empty());
    std::smatch m;
    for (std::size_t i = 0; i < o.lines.size(); ++i) {
        const auto& line = o.lines[i];
        if (std::regex_match(line, m, kChunk)) {
            int task = std::stoi(m[1]);
            o.chunkTasks.push_back(task);
            o.chunkBytes[task] += std::stoul(m[2]);
            o.ports[task] = static_cast<std::uint16_t>(std::stoul(m[3]));
        } else if (std::regex_match(line, m, kTotal)) {
            o.totals[std::stoi(m[1])] = std::stoul(m[2]);
        } else {
            EXPECT_EQ(i + 1, o.lines.size()) << "unexpected line: " << line;
            EXPECT_TRUE(std::regex_match(line, kSummary)) << "not a summary: " << line;
            o.summary = line;
        }
    }
    return o;
}

std::pair<int, int> counts(const std::string& summary) {
    std::smatch m;
    if (!std::regex_match(summary, m, kSummary)) {
        ADD_FAILURE() << "not a summary: " << summary;
        return {-1, -1};
    }
    return {std::stoi(m[1]), m[3].matched ? std::stoi(m[3]) : 0};
}

int switches(const std::vector<int>& tasks) {
    int n = 0;
    for (std::size_t i = 1; i < tasks.size(); ++i) {
        n += tasks[i] != tasks[i - 1] ? 1 : 0;
    }
    return n;
}

void expectWholePoems(const Output& o, const std::map<std::uint16_t, std::size_t>& expected) {
    ASSERT_EQ(o.totals.size(), expected.size());
    for (const auto& [task, total] : o.totals) {
        ASSERT_TRUE(o.ports.count(task)) << "task " << task << " has no chunk line";
        EXPECT_EQ(total, expected.at(o.ports.at(task))) << "task " << task;
        EXPECT_EQ(o.chunkBytes.at(task), total) << "task " << task;
    }
}

}  // namespace poetry::test
