/// \file
/// \brief The lines every client prints about its downloads, in one place so all
/// clients print them identically (SPEC "Clients").
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

namespace poetry {

/// `Got N poems in H:MM:SS.ffffff`, with ` (F failed)` when some downloads failed.
/// The last line every client prints on stdout.
std::string summaryLine(std::size_t poems, std::size_t failed, std::chrono::nanoseconds elapsed);

/// `Failed to connect to: HOST:PORT (REASON)`: printed on stderr when no connection was made.
std::string failedToConnectLine(const std::string& address, const std::string& reason);

/// `Lost poem from HOST:PORT after K bytes (REASON)`: printed on stderr when a
/// connection ended before the poem was whole.
std::string lostPoemLine(const std::string& address, std::size_t bytes, const std::string& reason);

/// `Task N: got K bytes of poetry from HOST:PORT`: one per chunk, in the interleaving clients.
std::string chunkLine(int task, std::size_t bytes, const std::string& address);

/// `Task N: K bytes of poetry`: one per task at the end, in the interleaving clients.
std::string taskTotalLine(int task, std::size_t bytes);

}  // namespace poetry
