#include "timeline.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <regex>
#include <stdexcept>

#include "process.hpp"

namespace poetry::test {

std::vector<TimelineRow> readTimeline(const std::string& path) {
    std::vector<TimelineRow> rows;
    std::string text;
    try {
        text = readFile(path);
    } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
        return rows;
    }
    auto lines = splitLines(text);
    if (lines.empty() || lines[0] != "task,peer,seconds,bytes") {
        ADD_FAILURE() << "not a timeline header in " << path << ":\n" << text;
        return rows;
    }
    const std::regex row(R"((\d+),([^,]+),(\d+\.\d{6}),(\d+))");
    std::smatch m;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        if (!std::regex_match(lines[i], m, row)) {
            ADD_FAILURE() << "not a timeline row: " << lines[i];
            return rows;
        }
        rows.push_back({std::stoi(m[1]), m[2], std::stod(m[3]), std::stoul(m[4])});
    }
    return rows;
}

std::vector<int> tasksOf(const std::vector<TimelineRow>& rows) {
    std::vector<int> tasks;
    for (const auto& row : rows) {
        tasks.push_back(row.task);
    }
    return tasks;
}

TempPath::TempPath(const std::string& name) {
    std::string pattern = (std::filesystem::temp_directory_path() / "poetry-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    dir_ = pattern;
    path_ = dir_ + "/" + name;
}

TempPath::~TempPath() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

}  // namespace poetry::test
