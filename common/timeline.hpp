/// \file
/// \brief `--timeline FILE`: one CSV row per chunk a client receives, so a run can be drawn.
#pragma once

#include <cstddef>
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
/// FILE may be anything a process can write: a file (created or emptied), a
/// device, or a FIFO that another process reads. Rows are kept in memory and
/// written a block at a time, so recording costs no system call per chunk.
///
/// A write that fails (a full disk, a reader that left the FIFO) is never lost:
/// close(), or the destructor on a run that ended early, hands it to
/// outputFailed(), and the program's last word (finishOutput()) prints it as
/// `PROGRAM: error: cannot write --timeline FILE: REASON` and exits 1, whatever
/// else went wrong in the run.
class Timeline {
  public:
    /// Opens `path` and writes the header row; `seconds` will count from `start`.
    /// An empty `path` makes a timeline that records nothing. Throws UsageError
    /// (`cannot write --timeline FILE: REASON`) when the file cannot be opened for
    /// writing, a FIFO that no process reads included: opening never waits.
    Timeline(const std::string& path, Stopwatch::time_point start);

    /// Closes the file, if close() has not (a run that ended early), reporting a
    /// failed write as close() does.
    ~Timeline();

    Timeline(const Timeline&) = delete;             ///< One file, one owner.
    Timeline& operator=(const Timeline&) = delete;  ///< Not assignable either.

    /// One row: the task number, the peer as HOST:PORT, the seconds from start to
    /// now, and the chunk's size in bytes. Does nothing when recording nothing.
    void chunk(int task, const std::string& peer, std::size_t bytes);

    /// Writes out the rows still in memory and closes the file. A failed write is
    /// passed to outputFailed(), once. Called by the client when its run is over;
    /// calling it again does nothing.
    void close();

  private:
    void flush();

    std::string path_;
    Stopwatch::time_point start_;
    int fd_ = -1;         ///< The open file, or -1.
    std::string rows_;    ///< Rows not written yet.
    int writeError_ = 0;  ///< The errno of the first write that failed, or 0.
};

}  // namespace poetry
