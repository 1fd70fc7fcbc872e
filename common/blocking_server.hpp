/// \file
/// \brief What Part 1's blocking servers need beyond the article's accept loop.
///
/// `slowpoetry` (the article's slow server) and `faultpoetry` (its sibling that
/// misbehaves on purpose) both build on this header, so that each program's file
/// holds only its own story: accept a client, serve it, close, accept the next.
/// What lives here is what a server needs once real people run it, and what the
/// article leaves out:
///   - the command line both servers share, the poem file included;
///   - listening, with a failure to start as one line;
///   - an accept() that waits out a shortage of file descriptors instead of dying;
///   - SIGPIPE ignored, so a client that leaves early never kills the server;
///   - SIGINT and SIGTERM ending the server with status 0, or 1 and one line on
///     stderr when its standard output could not be written, as every other
///     program of the project ends (poetry::finishOutput()).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iosfwd>
#include <string>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "common/command_line.hpp"

namespace poetry {

/// A blocking server's command line, read and checked, and the poem it serves
/// (ServerOptions::poem, read once at start-up).
struct BlockingServerOptions : ServerOptions {
    double delay = 0.7;         ///< `--delay`: seconds of rest between two chunks.
    std::size_t numBytes = 10;  ///< `--num-bytes`: bytes per chunk.
};

/// Adds addServerOptions()'s options, `--delay` and `--num-bytes` to a blocking
/// server's command line. Called by each blocking server's run() before it parses.
void addBlockingServerOptions(CommandLine& commandLine);

/// Reads the options addBlockingServerOptions() declared, and the poem the
/// POETRY_FILE argument names. Called by each blocking server's run() after it
/// parses. Throws UsageError for a value out of range or a poem file that cannot be
/// served (missing, not a regular file, empty); std::runtime_error when the file is
/// fine but cannot be read now (out of memory).
BlockingServerOptions blockingServerOptions(const po::variables_map& values);

/// One client, as BlockingServer::accept() hands it over.
struct Accepted {
    boost::asio::ip::tcp::socket socket;  ///< The connection (Nagle's algorithm off).
    boost::asio::ip::tcp::endpoint peer;  ///< Where the client connects from.
};

/// What to do after an accept() failed: the decision inside BlockingServer::accept(),
/// kept apart so that a test can drive it with made-up errors and no clock.
class AcceptFailures {
  public:
    /// How long to rest before trying again while out of descriptors or memory.
    static constexpr std::chrono::milliseconds kShortageRest{100};

    /// Reports on `err`, each line starting with `program`.
    AcceptFailures(std::string program, std::ostream& err);

    /// Called by BlockingServer::accept() after each accept() that failed, with its
    /// error; returns how long to rest before the next try.
    ///
    /// Out of descriptors (or memory), the client waits in the listen queue until one
    /// frees up: the first failure of such a shortage is said on `err`
    /// (`PROGRAM: cannot accept: too many open files (limit N)`), the tries after it
    /// are not, and each returns kShortageRest, so the server neither spins nor fills
    /// its log. Any other failure (a client that left before it was accepted) is said
    /// and forgotten, and returns zero: try again at once.
    std::chrono::milliseconds failed(const boost::system::error_code& error);

    /// Called by BlockingServer::accept() after each accept() that worked: a shortage,
    /// if there was one, is over, and the next one will be said again.
    void succeeded() { shortage_ = false; }

  private:
    std::string program_;
    std::ostream& err_;
    bool shortage_ = false;  ///< In a shortage that has been said already.
};

/// A blocking server's listening socket, with what the server needs beyond the article.
///
/// A blocking server's run() makes one once it has its options, and before it prints
/// its first line; one per process, as it takes over the process's signals and its
/// standard output. Then it calls accept() for each client, for ever. The process
/// ends in the signal thread this starts (see blocking_server.cpp), or in
/// poetry::runMain() if the server fails.
class BlockingServer {
  public:
    /// Ignores SIGPIPE, listens on `options.iface`:`options.port` (throws
    /// std::runtime_error `cannot listen on HOST:PORT: REASON` if it cannot), and
    /// from then on ends the process on SIGINT or SIGTERM, with status 0, or 1 and
    /// `PROGRAM: error: cannot write to standard output: REASON` on stderr when
    /// something printed on std::cout could not be written.
    BlockingServer(const std::string& program, boost::asio::io_context& io,
                   const ServerOptions& options);

    /// The port it listens on: the one asked for, or the one the system chose for 0.
    std::uint16_t port() const;

    /// Blocks until a client connects, and returns it. A failed accept() never ends
    /// the server: AcceptFailures says what happened, and it tries again.
    Accepted accept();

  private:
    boost::asio::ip::tcp::acceptor acceptor_;
    AcceptFailures failures_;
};

}  // namespace poetry
