/// \file
/// \brief Reading the poem a server will send.
#pragma once

#include <filesystem>
#include <string>

namespace poetry {

/// Reads a whole poem file into memory, byte for byte.
///
/// Called by the servers once, at start-up, before they listen. Throws
/// std::runtime_error with a one-line message naming the file when it is missing,
/// is a directory, cannot be read, or is empty (an empty poem is almost always a
/// mistake on the command line, so the server refuses it rather than serve nothing).
std::string readPoemFile(const std::filesystem::path& path);

}  // namespace poetry
