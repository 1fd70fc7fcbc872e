#include "peak_memory.hpp"

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "support/process.hpp"

namespace poetry::test {

namespace {

// A temporary file that the child writes and we read back; removed at the end.
struct TempFile {
    TempFile() {
        char name[] = "/tmp/poetry-measured-XXXXXX";
        fd = ::mkstemp(name);
        if (fd < 0) {
            throw std::runtime_error("mkstemp failed");
        }
        path = name;
    }
    ~TempFile() {
        ::close(fd);
        ::unlink(path.c_str());
    }
    std::string contents() const {
        std::ifstream in(path, std::ios::binary);
        std::ostringstream text;
        text << in.rdbuf();
        return text.str();
    }
    int fd = -1;
    std::string path;
};

}  // namespace

MeasuredRun runMeasured(const std::string& name, const std::vector<std::string>& args,
                        std::chrono::milliseconds timeout) {
    const std::string program = binDir() + "/" + name;
    std::vector<std::string> all{program};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& arg : all) {
        argv.push_back(arg.data());
    }
    argv.push_back(nullptr);

    TempFile out;
    TempFile err;
    pid_t pid = ::fork();
    if (pid < 0) {
        throw std::runtime_error("fork failed");
    }
    if (pid == 0) {
        ::dup2(out.fd, STDOUT_FILENO);
        ::dup2(err.fd, STDERR_FILENO);
        ::execv(program.c_str(), argv.data());
        std::perror("execv");
        std::_Exit(127);
    }

    int status = 0;
    rusage usage{};
    if (!waitForExit(pid, timeout)) {
        ::kill(pid, SIGKILL);
        ::wait4(pid, &status, 0, &usage);
        throw std::runtime_error(name + " did not exit in time");
    }
    ::wait4(pid, &status, 0, &usage);

    MeasuredRun result;
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    result.out = out.contents();
    result.err = err.contents();
    result.peakRssKiB = usage.ru_maxrss;
    return result;
}

}  // namespace poetry::test
