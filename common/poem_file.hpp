/// \file
/// \brief Reading the poem a server will send.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace poetry {

/// Something is wrong with the poem file itself, as named on the command line:
/// the servers report it as a usage error (exit code 2).
class PoemFileError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// Reads a whole poem file into memory, byte for byte, to its end, whatever size
/// the file claims (a file under /proc claims 0).
///
/// Called by the servers once, at start-up, before they listen. Throws
/// PoemFileError, with a one-line message naming the file, when it is missing, is
/// a directory or anything else that is not a regular file (a FIFO would block
/// the server for ever in open(), /dev/zero would never end), cannot be read, or
/// is empty (an empty poem is almost always a mistake on the command line, so the
/// server refuses it rather than serve nothing). Throws std::runtime_error when
/// the file is fine but the process cannot read it now: out of descriptors or
/// out of memory.
std::string readPoemFile(const std::filesystem::path& path);

}  // namespace poetry
