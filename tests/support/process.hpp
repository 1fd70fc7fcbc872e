/// \file
/// \brief Child processes for end-to-end tests: start a real program, read its output,
/// and always stop it, even when an assertion fails.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace poetry::test {

using namespace std::chrono_literals;

/// The directory the build put the programs in (`build/bin`).
std::string binDir();

/// The directory with the shipped poems.
std::string poetryDir();

/// The full path of a shipped poem, e.g. poemPath("ecstasy.txt").
std::string poemPath(const std::string& name);

/// The size in bytes of a shipped poem, e.g. poemSize("ecstasy.txt").
std::size_t poemSize(const std::string& name);

/// Reads a whole file as bytes (a test failure if it cannot).
std::string readFile(const std::string& path);

/// Where a child process's stdout goes.
enum class Stdout {
    pipe,     ///< A pipe the test reads (out(), readLine()).
    devFull,  ///< /dev/full: every write fails with "No space left on device".
    closed,   ///< Closed, as the shell's `>&-` does.
};

/// A running child process with its stdout and stderr captured through pipes.
///
/// The destructor kills the process (SIGTERM, then SIGKILL) if it still runs and
/// reaps it, so a test that fails half way leaves nothing behind.
class Process {
  public:
    /// Starts `program` (a path) with `args`; stdin is /dev/null, stdout as `stdoutTo` says.
    Process(const std::string& program, const std::vector<std::string>& args,
            Stdout stdoutTo = Stdout::pipe);
    ~Process();
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    /// The next line of stdout, without its newline. Throws std::runtime_error if the
    /// line does not come within `timeout` or stdout closes first.
    std::string readLine(std::chrono::milliseconds timeout = 20s);

    /// Reads the output until stderr contains `text`, at most `timeout`: true when
    /// it does, false if it did not come in time or the output closed first.
    bool waitForErr(const std::string& text, std::chrono::milliseconds timeout = 20s);

    /// The next line of stderr, as readLine() does for stdout.
    std::string readErrLine(std::chrono::milliseconds timeout = 20s);

    /// Waits for the process to exit, collecting all its output; returns the exit code,
    /// or 128 + the signal number if a signal killed it. Kills it and throws
    /// std::runtime_error if it has not exited within `timeout`.
    int wait(std::chrono::milliseconds timeout = 50s);

    /// Closes the test's end of the stdout pipe: from then on every write the
    /// process makes to its stdout fails (EPIPE), as it does when whoever read its
    /// output has gone. What it printed before stays in out().
    void closeStdout();

    /// Sends a signal (SIGINT, SIGTERM, ...).
    void signal(int signo);

    /// True until wait() has seen the process exit.
    bool running() const { return pid_ > 0; }

    /// The process id.
    pid_t pid() const { return pid_; }

    /// Everything read from stdout so far (including lines readLine() returned).
    const std::string& out() const { return out_; }

    /// Everything read from stderr so far.
    const std::string& err() const { return err_; }

  private:
    /// Reads what is available on the pipes, waiting at most `timeout`; false on timeout.
    bool pump(std::chrono::milliseconds timeout);

    /// The next line of `text` from `start` on, pumping while `fd` is open.
    std::string nextLine(const std::string& text, std::size_t& start, const int& fd,
                         std::chrono::milliseconds timeout, const char* stream);

    pid_t pid_ = -1;
    int outFd_ = -1;
    int errFd_ = -1;
    int status_ = 0;
    std::string out_;
    std::string err_;
    std::size_t lineStart_ = 0;     ///< Where the next readLine() starts in out_.
    std::size_t errLineStart_ = 0;  ///< Where the next readErrLine() starts in err_.
};

/// The outcome of a program that ran to the end.
struct RunResult {
    int exitCode;     ///< As Process::wait() reports it.
    std::string out;  ///< All of stdout.
    std::string err;  ///< All of stderr.
};

/// Runs a program from binDir() to completion and returns what it did.
RunResult run(const std::string& name, const std::vector<std::string>& args,
              std::chrono::milliseconds timeout = 50s, Stdout stdoutTo = Stdout::pipe);

/// A poetry server started for a test: reads the port from its first line.
class Server {
  public:
    /// Starts program `name` from binDir() (or `name` itself when it is a path, such
    /// as a wrapper like /usr/bin/prlimit) with `args` and waits for
    /// `Serving FILE on port P.`.
    Server(const std::string& name, const std::vector<std::string>& args);

    /// The port the server listens on.
    std::uint16_t port() const { return port_; }

    /// `127.0.0.1:PORT`, as a client's argument.
    std::string address() const;

    /// The server process, to signal it or read its output.
    Process& process() { return process_; }

  private:
    Process process_;
    std::uint16_t port_ = 0;
};

/// The lines of a text, without newlines.
std::vector<std::string> splitLines(const std::string& text);

/// A port on 127.0.0.1 where nothing listens (bound, then closed at once).
std::uint16_t refusedPort();

/// Waits at most `timeout` for our child `pid` to exit, without reaping it (the
/// caller's waitpid() or wait4() then returns at once): true when it has exited.
/// It sleeps on the exit itself (a pidfd), so it returns the moment that happens.
bool waitForExit(pid_t pid, std::chrono::milliseconds timeout);

}  // namespace poetry::test
