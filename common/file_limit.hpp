/// \file
/// \brief Raising the open-file limit, for programs with thousands of connections.
#pragma once

#include <cstdint>

namespace poetry {

/// Raises this process's soft limit on open files (RLIMIT_NOFILE) to its hard
/// limit, and returns the limit now in force. Called once at start by fastpoetry
/// and by the clients: every connection is a file descriptor, and the usual soft
/// limit of 1024 would stop them long before memory or CPU does. Beyond the
/// article: it is there for the benchmarks' 10,000 connections.
std::uint64_t raiseFileLimit();

}  // namespace poetry
