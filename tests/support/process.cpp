#include "process.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <regex>
#include <sstream>
#include <stdexcept>

extern char** environ;

namespace poetry::test {

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what + ": " + std::strerror(errno));
}

}  // namespace

std::string binDir() {
    return POETRY_BIN_DIR;
}
std::string poetryDir() {
    return POETRY_DIR;
}
std::string poemPath(const std::string& name) {
    return poetryDir() + "/" + name;
}

std::size_t poemSize(const std::string& name) {
    return readFile(poemPath(name)).size();
}

std::string readFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot open " + path);
    }
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

Process::Process(const std::string& program, const std::vector<std::string>& args,
                 Stdout stdoutTo) {
    int outPipe[2];
    int errPipe[2];
    if (pipe2(outPipe, O_CLOEXEC) != 0 || pipe2(errPipe, O_CLOEXEC) != 0) {
        fail("pipe");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    switch (stdoutTo) {
        case Stdout::pipe:
            posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1);
            break;
        case Stdout::devFull:
            posix_spawn_file_actions_addopen(&actions, 1, "/dev/full", O_WRONLY, 0);
            break;
        case Stdout::closed:
            posix_spawn_file_actions_addclose(&actions, 1);
            break;
    }
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2);
    // Nothing else: whatever the test runner left open (not close-on-exec) would
    // otherwise count against a child's descriptor limit, differently in each
    // runner.
    posix_spawn_file_actions_addclosefrom_np(&actions, 3);

    std::vector<char*> argv;
    argv.push_back(const_cast<char*>(program.c_str()));
    for (const auto& a : args) {
        argv.push_back(const_cast<char*>(a.c_str()));
    }
    argv.push_back(nullptr);
    int rc = posix_spawn(&pid_, program.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(outPipe[1]);
    close(errPipe[1]);
    if (rc != 0) {
        close(outPipe[0]);
        close(errPipe[0]);
        pid_ = -1;
        errno = rc;
        fail("cannot start " + program);
    }
    outFd_ = outPipe[0];
    errFd_ = errPipe[0];
    if (stdoutTo != Stdout::pipe) {
        close(outFd_);  // nothing will ever come out of it
        outFd_ = -1;
    }
}

Process::~Process() {
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        if (!waitForExit(pid_, 2s)) {
            ::kill(pid_, SIGKILL);
        }
        waitpid(pid_, &status_, 0);
    }
    if (outFd_ >= 0) {
        close(outFd_);
    }
    if (errFd_ >= 0) {
        close(errFd_);
    }
}

bool Process::pump(std::chrono::milliseconds timeout) {
    pollfd fds[2];
    int n = 0;
    if (outFd_ >= 0) {
        fds[n++] = {outFd_, POLLIN, 0};
    }
    if (errFd_ >= 0) {
        fds[n++] = {errFd_, POLLIN, 0};
    }
    if (n == 0) {
        return true;
    }
    int ready = poll(fds, n, static_cast<int>(timeout.count()));
    if (ready < 0) {
        if (errno == EINTR) {
            return true;
        }
        fail("poll");
    }
    if (ready == 0) {
        return false;
    }
    for (int i = 0; i < n; ++i) {
        if (fds[i].revents == 0) {
            continue;
        }
        char buffer[65536];
        ssize_t got = read(fds[i].fd, buffer, sizeof buffer);
        bool isOut = fds[i].fd == outFd_;
        if (got > 0) {
            (isOut ? out_ : err_).append(buffer, static_cast<std::size_t>(got));
        } else if (got == 0 || errno != EINTR) {
            close(fds[i].fd);
            (isOut ? outFd_ : errFd_) = -1;
        }
    }
    return true;
}

std::string Process::nextLine(const std::string& text, std::size_t& start, const int& fd,
                              std::chrono::milliseconds timeout, const char* stream) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
        auto end = text.find('\n', start);
        if (end != std::string::npos) {
            std::string line = text.substr(start, end - start);
            start = end + 1;
            return line;
        }
        if (fd < 0) {
            throw std::runtime_error(std::string(stream) +
                                     " closed before a full line; stderr: " + err_);
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left <= 0ms || !pump(left)) {
            throw std::runtime_error(std::string("no line on ") + stream +
                                     " in time; stderr: " + err_);
        }
    }
}

bool Process::waitForErr(const std::string& text, std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (err_.find(text) == std::string::npos) {
        if (outFd_ < 0 && errFd_ < 0) {
            return false;
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left <= 0ms || !pump(left)) {
            return false;
        }
    }
    return true;
}

std::string Process::readLine(std::chrono::milliseconds timeout) {
    return nextLine(out_, lineStart_, outFd_, timeout, "stdout");
}

std::string Process::readErrLine(std::chrono::milliseconds timeout) {
    return nextLine(err_, errLineStart_, errFd_, timeout, "stderr");
}

int Process::wait(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (outFd_ >= 0 || errFd_ >= 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left <= 0ms || !pump(left)) {
            throw std::runtime_error("process did not finish in time; stdout so far: " + out_);
        }
    }
    if (pid_ > 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (!waitForExit(pid_, std::max(left, 0ms))) {
            throw std::runtime_error("process closed its output but did not exit");
        }
        waitpid(pid_, &status_, 0);
        pid_ = -1;
    }
    if (WIFSIGNALED(status_)) {
        return 128 + WTERMSIG(status_);
    }
    return WEXITSTATUS(status_);
}

void Process::closeStdout() {
    if (outFd_ >= 0) {
        close(outFd_);
        outFd_ = -1;
    }
}

void Process::signal(int signo) {
    if (pid_ > 0) {
        ::kill(pid_, signo);
    }
}

RunResult run(const std::string& name, const std::vector<std::string>& args,
              std::chrono::milliseconds timeout, Stdout stdoutTo) {
    Process process(binDir() + "/" + name, args, stdoutTo);
    int code = process.wait(timeout);
    return {code, process.out(), process.err()};
}

Server::Server(const std::string& name, const std::vector<std::string>& args)
    : process_(name.find('/') == std::string::npos ? binDir() + "/" + name : name, args) {
    std::string first = process_.readLine();
    static const std::regex pattern(R"(Serving .* on port (\d+)\.)");
    std::smatch match;
    if (!std::regex_match(first, match, pattern)) {
        throw std::runtime_error("unexpected first line from " + name + ": " + first);
    }
    port_ = static_cast<std::uint16_t>(std::stoi(match[1]));
}

std::string Server::address() const {
    return "127.0.0.1:" + std::to_string(port_);
}

std::vector<std::string> splitLines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

bool waitForExit(pid_t pid, std::chrono::milliseconds timeout) {
    int exited = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (exited < 0) {
        fail("pidfd_open");
    }
    pollfd ready{exited, POLLIN, 0};  // readable once the process has exited
    int rc;
    do {
        rc = poll(&ready, 1, static_cast<int>(timeout.count()));
    } while (rc < 0 && errno == EINTR);
    close(exited);
    return rc == 1;
}

std::uint16_t refusedPort() {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        fail("bind");
    }
    socklen_t len = sizeof addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    close(fd);  // bound but never listening: a connect here is refused
    return ntohs(addr.sin_port);
}

}  // namespace poetry::test
