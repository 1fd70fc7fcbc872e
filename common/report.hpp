/// \file
/// \brief The lines every client prints about its downloads, in one place so all
/// clients print them identically, and a test or a reader compares them line for line.
#pragma once

#include <chrono>
#include <cstddef>
#include <iosfwd>
#include <map>
#include <string>

#include "address.hpp"

namespace poetry {

class Timeline;

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

/// Everything an interleaving client prints about its downloads (client 2.0 and
/// the exercises): the lines above, on the right stream, counted.
///
/// The program makes one, with `-q` and its streams, and hands it to its factory;
/// the factory and the protocols call chunk(), poem(), lost() and failedToConnect()
/// as the downloads go, and the program calls finish() once after reactor.run().
/// It is not the lesson: it keeps the protocol and the factory about poems, not
/// about streams and flags.
class ClientReport {
  public:
    /// Prints progress and the summary on `out`, failures on `err`; with `quiet`,
    /// only the summary and the failures.
    explicit ClientReport(bool quiet, std::ostream& out, std::ostream& err);

    /// Reports to std::cout and std::cerr.
    explicit ClientReport(bool quiet);

    /// `Task N: got K bytes of poetry from HOST:PORT`, unless quiet: called by a
    /// protocol for each chunk. Also a row of the timeline, if there is one.
    void chunk(int task, std::size_t bytes, const Address& from);

    /// For `--timeline FILE`: chunk() records each chunk in `timeline` too. Called
    /// by the program before the reactor runs; the timeline must outlive the run.
    void recordTimeline(Timeline& timeline) { timeline_ = &timeline; }

    /// Any other progress line (an exercise's own), unless quiet.
    void note(const std::string& line);

    /// A poem that arrived whole, `bytes` long: counted, and its total printed by finish().
    void poem(int task, std::size_t bytes);

    /// A poem cut short after `bytes`: `Lost poem from HOST:PORT after K bytes
    /// (REASON)` on the error stream, counted as failed; its total printed by finish().
    void lost(int task, const Address& from, std::size_t bytes, const std::string& reason);

    /// No connection at all: `Failed to connect to: HOST:PORT (REASON)` on the error
    /// stream, counted as failed.
    void failedToConnect(const Address& to, const std::string& reason);

    /// After the run: `Task N: K bytes of poetry` for each task, in task order
    /// (unless quiet), then the summary line, `elapsed` being the whole run.
    void finish(std::chrono::nanoseconds elapsed);

    /// How many poems arrived whole so far.
    std::size_t poems() const { return poems_; }

    /// How many downloads failed so far (no connection, or a poem cut short).
    std::size_t failed() const { return failed_; }

  private:
    bool quiet_;
    std::ostream& out_;
    std::ostream& err_;
    std::size_t poems_ = 0;
    std::size_t failed_ = 0;
    std::map<int, std::size_t> taskBytes_;
    Timeline* timeline_ = nullptr;
};

}  // namespace poetry
