/// \file
/// \brief `--timeline FILE`: the CSV rows of a run (see timeline.hpp).
#include "timeline.hpp"

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <string_view>

#include "command_line.hpp"
#include "messages.hpp"

namespace poetry {

namespace {

// Rows are written once this many bytes are waiting.
constexpr std::size_t kBlock = 64 * 1024;

// Writes all of `data` to `fd`; returns 0, or the errno of the write that failed.
// A reader that closed its end of a FIFO makes write() raise SIGPIPE, which would
// end the client without a word: the signal is held back for the write, and the
// one it raised is taken back, so the failure is an EPIPE like any other.
int writeAll(int fd, std::string_view data) {
    sigset_t pipe;
    sigset_t before;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, &before);
    int error = 0;
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            error = errno;
            break;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    if (error == EPIPE && !sigismember(&before, SIGPIPE)) {
        const timespec now{};
        sigtimedwait(&pipe, nullptr, &now);  // ours, pending while blocked: drop it
    }
    pthread_sigmask(SIG_SETMASK, &before, nullptr);
    return error;
}

// Why `path` cannot be opened for writing, in words.
std::string whyNot(const std::string& path, int error) {
    struct stat status {};
    if (error == ENXIO && ::stat(path.c_str(), &status) == 0 && S_ISFIFO(status.st_mode)) {
        return "a FIFO that no process has open for reading";
    }
    return describeErrno(error);
}

}  // namespace

Timeline::Timeline(const std::string& path, Stopwatch::time_point start)
    : path_(path), start_(start) {
    if (path_.empty()) {
        return;
    }
    // O_NONBLOCK: opening a FIFO for writing would wait for a reader; this way it
    // fails at once (ENXIO) when there is none. Writes then block as usual, so a
    // reader that is slow is waited for, as a pipe on stdout is.
    fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NONBLOCK | O_CLOEXEC, 0666);
    if (fd_ < 0) {
        throw UsageError("cannot write --timeline " + path_ + ": " + whyNot(path_, errno));
    }
    ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) & ~O_NONBLOCK);
    rows_ = "task,peer,seconds,bytes\n";
}

Timeline::~Timeline() {
    close();
}

void Timeline::chunk(int task, const std::string& peer, std::size_t bytes) {
    if (fd_ < 0) {
        return;
    }
    const std::chrono::duration<double> seconds = Stopwatch::now() - start_;
    char number[32];
    std::snprintf(number, sizeof number, "%.6f", seconds.count());
    rows_ += std::to_string(task) + ',' + peer + ',' + number + ',' + std::to_string(bytes) + '\n';
    if (rows_.size() >= kBlock) {
        flush();
    }
}

// Writes the rows waiting in memory. After a failure nothing more is written: the
// file is incomplete whatever comes next, and close() says so.
void Timeline::flush() {
    if (writeError_ == 0) {
        writeError_ = writeAll(fd_, rows_);
    }
    rows_.clear();
}

void Timeline::close() {
    if (fd_ < 0) {
        return;
    }
    flush();
    if (::close(fd_) != 0 && writeError_ == 0 && errno != EINTR) {
        writeError_ = errno;  // some file systems report a lost write only here
    }
    fd_ = -1;
    if (writeError_ != 0) {
        outputFailed("cannot write --timeline " + path_ + ": " + describeErrno(writeError_));
    }
}

}  // namespace poetry
