/// \file
/// \brief Taking apart what an interleaving client printed (client 1.0, 2.0, the exercises).
#pragma once

#include <cstdint>
#include <map>
#include <regex>
#include <string>
#include <utility>
#include <vector>

namespace poetry::test {

/// `Task N: got K bytes of poetry from 127.0.0.1:PORT`: task, bytes, port.
extern const std::regex kChunk;

/// `Task N: K bytes of poetry`: task, bytes.
extern const std::regex kTotal;

/// `Got N poems in H:MM:SS.ffffff` and ` (F failed)`: poems, the failed part, F.
extern const std::regex kSummary;

/// A client's stdout, taken apart.
struct Output {
    std::vector<std::string> lines;         ///< Every line, in order.
    std::vector<int> chunkTasks;            ///< The task of each chunk line, in order.
    std::map<int, std::size_t> chunkBytes;  ///< Sum of the chunk lines, per task.
    std::map<int, std::uint16_t> ports;     ///< The peer port named in each task's lines.
    std::map<int, std::size_t> totals;      ///< The `Task N: K bytes of poetry` lines.
    std::string summary;                    ///< The last line.
};

/// Parses chunk lines, total lines and a final summary line; any other line, or a
/// summary that is not last, is a test failure.
Output parse(const std::string& out);

/// The summary's counts: poems received, and failures (0 when not shown).
std::pair<int, int> counts(const std::string& summary);

/// Checks that each task's poem arrived whole: one total line per server in
/// `expected` (port -> poem size), each equal to that poem's size and to the sum of
/// the task's chunk lines. A mismatch is a test failure.
void expectWholePoems(const Output& output, const std::map<std::uint16_t, std::size_t>& expected);

/// How often consecutive chunk lines belong to different tasks: 2 for three
/// downloads one after another, many more when they interleave.
int switches(const std::vector<int>& tasks);

}  // namespace poetry::test
