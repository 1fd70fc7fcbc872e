/// \file
/// \brief The command-line set-up every program shares: `--help`, usage errors, exit codes.
///
/// Options are declared and parsed with Boost.Program_options; this header only adds
/// the conventions of this project on top, so each program's `main` reads as a list
/// of its options followed by the story of the part.
#pragma once

#include <cstddef>
#include <functional>
#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "address.hpp"

namespace poetry {

namespace po = boost::program_options;

/// Exit codes shared by all programs (SPEC "Programs").
enum ExitCode : int {
    kExitSuccess = 0,  ///< Everything asked for was done.
    kExitFailure = 1,  ///< A download or the run failed.
    kExitUsage = 2,    ///< The command line was wrong.
};

/// A command-line mistake. Its message names the bad argument; runMain() prints it
/// as one line and exits with kExitUsage.
class UsageError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// One program's command line: its options, its positional arguments, its help text.
///
/// A program's `main` creates one, declares options through options() and
/// positional(), then calls parse() inside runMain().
class CommandLine {
  public:
    /// \param program  the program's name, as typed (`slowpoetry`).
    /// \param synopsis the usage line after the name (`[options] POETRY_FILE`).
    /// \param summary  one or two sentences for `--help`.
    CommandLine(std::string program, std::string synopsis, std::string summary);

    /// Declares named options; `-h/--help` is already there.
    po::options_description_easy_init options();

    /// Declares a positional argument; `maxCount` -1 means "any number".
    /// Positional arguments are required: parse() rejects a command line without one.
    CommandLine& positional(const std::string& name, const std::string& help, int maxCount);

    /// Parses `argv`. Returns nothing when `--help` was asked for (the help has been
    /// printed to `out`); throws UsageError naming the bad argument otherwise. An
    /// option given an empty value (`--port ''`, `--port=`) is one of those: the
    /// message names the option and says its value is empty, so no option that
    /// takes a value is ever read back empty.
    std::optional<po::variables_map> parse(int argc, const char* const argv[],
                                           std::ostream& out) const;

    /// The full help text: usage line, summary, options, positional arguments.
    std::string help() const;

    /// The program's name, as given to the constructor.
    const std::string& program() const { return program_; }

  private:
    struct Positional {
        std::string name;
        std::string help;
        int maxCount;
    };

    std::string program_;
    std::string synopsis_;
    std::string summary_;
    po::options_description options_;
    std::vector<Positional> positional_;
};

/// Runs a program's body and turns what escapes it into one stderr line and an exit code.
///
/// UsageError becomes `PROGRAM: error: MESSAGE (see --help)` and kExitUsage; any other
/// std::exception becomes `PROGRAM: error: MESSAGE` and kExitFailure, with the message
/// in plain words (describeError(): `out of memory`, not `std::bad_alloc`). Control
/// characters in a message are escaped, so it stays one line. Called by every `main`
/// in the project, so no program ever dies of an uncaught exception.
///
/// It also keeps the promise that a program's output arrived: before the body, a
/// closed stdin, stdout or stderr is replaced by a descriptor that fails every
/// write (so no socket takes its number); after it, finishOutput() reports any
/// output that could not be written (stdout to `/dev/full` or closed, a
/// `--timeline` file) and turns a success into kExitFailure.
int runMain(const std::string& program, const std::function<int()>& body);

/// Flushes stdout and checks that everything written to it arrived, and that no
/// other output failed; returns the exit status to end with.
///
/// Each output that outputFailed() was told of is one line, `PROGRAM: error:
/// MESSAGE`; if a write to stdout failed, `PROGRAM: error: cannot write to standard
/// output: REASON`. Either turns kExitSuccess into kExitFailure; a failure already
/// reported keeps its code. runMain() calls it when the body returns. A program that
/// ends itself from inside its run (the stack demo's `std::_Exit`, which skips
/// runMain()) calls it first, so its output is checked too.
int finishOutput(const std::string& program, int status);

/// Tells finishOutput() that an output the program was asked to write, beside
/// stdout, could not be written; `message` names it and says why (`cannot write
/// --timeline FILE: REASON`). Kept until the program ends, so the line is printed
/// whatever else failed in the run. Called by the writer of that output when it
/// finds out (Timeline::close()).
void outputFailed(std::string message);

/// What every poetry client takes: addresses and `-q/--quiet`, and the ways to watch
/// a run that some clients offer (ClientExtras).
struct ClientOptions {
    std::vector<Address> addresses;  ///< The servers, in command-line order.
    bool quiet = false;              ///< Print only the summary line (and errors).
    std::string timeline;            ///< `--timeline FILE`; empty when not given.
    bool trace = false;              ///< `--trace`: a line on stderr per reactor dispatch.
};

/// The options beyond addresses and `-q` that a client offers, to watch its run.
struct ClientExtras {
    bool timeline = false;  ///< `--timeline FILE` (the blocking client, clients 1.0 and 2.0).
    bool trace = false;     ///< `--trace` (every client built on the reactor).
};

/// Adds `-q/--quiet`, the `ADDRESS...` positional argument and the chosen `extras`
/// to a client's command line.
void addClientOptions(CommandLine& commandLine, ClientExtras extras = {});

/// Adds `--trace` (to a client through addClientOptions(), or to fastpoetry).
void addTraceOption(CommandLine& commandLine);

/// Reads the options addClientOptions() declared; throws UsageError for a bad address.
ClientOptions clientOptions(const po::variables_map& values);

/// The whole command line of a client that takes only addresses, `-q` and `extras`:
/// declares them, parses `argv`, and returns the options, or nothing when `--help`
/// was printed. Throws UsageError like CommandLine::parse(). Clients with options of
/// their own (the exercises) build a CommandLine and call addClientOptions().
std::optional<ClientOptions> parseClientCommandLine(const std::string& program,
                                                    const std::string& summary, int argc,
                                                    const char* const argv[],
                                                    ClientExtras extras = {});

/// What every poetry server takes: where to listen, what to serve, how loud to be.
struct ServerOptions {
    std::uint16_t port = 0;           ///< 0 lets the system pick a free port.
    std::string iface = "127.0.0.1";  ///< The interface to listen on.
    bool quiet = false;               ///< Do not print per-client and per-chunk lines.
    std::string poetryFile;           ///< The poem to serve, as named on the command line.
    std::string poem;                 ///< Its bytes: readPoemArgument(poetryFile).
    bool trace = false;               ///< `--trace` (fastpoetry).
};

/// Adds `--port`, `--iface`, `--quiet` and the `POETRY_FILE` argument to a server's command line.
void addServerOptions(CommandLine& commandLine);

/// Reads the options addServerOptions() declared (and `--trace`, if declared); throws
/// UsageError for a bad port. Leaves `poem` empty.
ServerOptions serverOptions(const po::variables_map& values);

/// The bytes of the poem a server was given as POETRY_FILE, read once at start-up.
/// Throws UsageError for a file that cannot be served (missing, not a regular file,
/// empty: see readPoemFile()); std::runtime_error when it is fine but cannot be read
/// now (out of memory). Called by the servers' command lines.
std::string readPoemArgument(const std::string& path);

/// The whole command line of a server that takes only addServerOptions()' options and,
/// with `trace`, `--trace`: declares them, parses `argv`, reads the poem into `poem`,
/// and returns the options, or nothing when `--help` was printed. Throws UsageError
/// like CommandLine::parse(), and for a poem file that cannot be served (missing, not
/// a regular file, empty: see readPoemFile()). A server with options of its own
/// builds its own CommandLine.
std::optional<ServerOptions> parseServerCommandLine(const std::string& program,
                                                    const std::string& summary, int argc,
                                                    const char* const argv[], bool trace);

}  // namespace poetry
