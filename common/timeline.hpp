/// \file
/// \brief `--timeline FILE`: one CSV row per chunk a client receives, so a run can be drawn.
#pragma once

#include <cstddef>
#include <fstream>
#include <string>

#include "duration.hpp"

namespace poetry {

/// The chunks of one client run, written as CSV: `task,peer,seconds,bytes`.
///
/// Made by the blocking client and clients 1.0 and 2.0 when given `--timeline FILE`,
/// right after they start their stopwatch; each chunk they report on stdout they also
/// pass to chunk(). The docs build draws the files with gnuplot (docs/timeline.gp):
/// one lane per task, one mark per row. Not the lesson: a recorder beside it.
///
/// Rows go through a buffered file stream, so recording costs no system call per
/// chunk; close() writes them out and reports a failed write.
class Timeline {
  public:
    /// Opens `path` and writes the header row; `seconds` will count from `start`.
    /// An empty `path` makes a timeline that records nothing. Throws UsageError
    /// (`cannot write --timeline FILE: REASON`) when the file cannot be created.
    Timeline(const std::string& path, Stopwatch::time_point start);

    /// One row: the task number, the peer as HOST:PORT, the seconds from start to
    /// now, and the chunk's size in bytes. Does nothing when recording nothing.
    void chunk(int task, const std::string& peer, std::size_t bytes);

    /// Writes out the buffered rows and closes the file. Throws std::runtime_error
    /// when a row could not be written (a full disk). Called by the client before its
    /// summary line; without it the destructor closes the file and says nothing.
    void close();

  private:
    std::string path_;
    Stopwatch::time_point start_;
    std::ofstream out_;
};

}  // namespace poetry
