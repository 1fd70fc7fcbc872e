/// \file
/// \brief Reading back what a client wrote with `--timeline FILE`.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace poetry::test {

/// One row of a timeline: a chunk a client received.
struct TimelineRow {
    int task = 0;           ///< The task number, from 1.
    std::string peer;       ///< The server, as HOST:PORT.
    double seconds = 0;     ///< Seconds from the client's start.
    std::size_t bytes = 0;  ///< The chunk's size.
};

/// Reads a timeline CSV. A missing file, a header other than
/// `task,peer,seconds,bytes`, or a row that is not four well-formed fields is a
/// test failure (and yields the rows read so far).
std::vector<TimelineRow> readTimeline(const std::string& path);

/// The task of each row, in order (for switches()).
std::vector<int> tasksOf(const std::vector<TimelineRow>& rows);

/// A path in a fresh temporary directory, for a program to write; the directory and
/// what is in it are removed by the destructor.
class TempPath {
  public:
    /// Makes the directory; the path is DIRECTORY/`name`.
    explicit TempPath(const std::string& name);
    ~TempPath();
    TempPath(const TempPath&) = delete;
    TempPath& operator=(const TempPath&) = delete;

    /// The file's path (the file itself does not exist until someone writes it).
    const std::string& str() const { return path_; }

  private:
    std::string dir_;
    std::string path_;
};

}  // namespace poetry::test
