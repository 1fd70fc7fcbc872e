/// \file
/// \brief Reading a poem file, with one clear error line when it cannot (see poem_file.hpp).
#include "poem_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <new>

#include "messages.hpp"

namespace poetry {

namespace {

// Closes the descriptor however readPoemFile() leaves.
struct FileDescriptor {
    int fd;
    ~FileDescriptor() {
        if (fd >= 0) {
            ::close(fd);
        }
    }
};

// Errors that say nothing about the file, only about this process right now.
bool isShortage(int error) {
    return error == EMFILE || error == ENFILE || error == ENOMEM;
}

}  // namespace

std::string readPoemFile(const std::filesystem::path& path) {
    const std::string name = poetry::quote(path.string());
    auto cannotRead = [&](int error) -> std::string {
        std::string message = "cannot read poem file " + name + ": " + describeErrno(error);
        if (isShortage(error)) {
            throw std::runtime_error(message);
        }
        throw PoemFileError(message);
    };
    // O_NONBLOCK: opening a FIFO must not wait for a writer. We check what the
    // file is on the descriptor itself (fstat), so nothing can swap it in between.
    FileDescriptor file{::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC)};
    if (file.fd < 0) {
        if (errno == ENOENT || errno == ENOTDIR) {
            throw PoemFileError("poem file " + name + " does not exist");
        }
        cannotRead(errno);
    }
    struct stat status {};
    if (::fstat(file.fd, &status) != 0) {
        cannotRead(errno);
    }
    if (S_ISDIR(status.st_mode)) {
        throw PoemFileError("poem file " + name + " is a directory");
    }
    if (!S_ISREG(status.st_mode)) {
        throw PoemFileError("poem file " + name + " is not a regular file");
    }
    // The size is where the reading starts, not where it ends: a file that the
    // kernel makes up as it is read (under /proc) says 0, and a file may grow or
    // shrink while we read it. We read until read() says the end has come.
    std::string poem;
    std::size_t got = 0;
    try {
        poem.resize(static_cast<std::size_t>(status.st_size));
        char more[4096];  // past the size: read here, then appended
        for (;;) {
            const bool inPoem = got < poem.size();
            char* into = inPoem ? poem.data() + got : more;
            const std::size_t room = inPoem ? poem.size() - got : sizeof more;
            ssize_t n = ::read(file.fd, into, room);
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0) {
                cannotRead(errno);
            }
            if (n == 0) {
                break;
            }
            if (!inPoem) {
                poem.append(more, static_cast<std::size_t>(n));
            }
            got += static_cast<std::size_t>(n);
        }
    } catch (const std::bad_alloc&) {
        throw std::runtime_error("cannot read poem file " + name + ": out of memory (" +
                                 std::to_string(std::max<std::size_t>(got, status.st_size)) +
                                 " bytes)");
    }
    poem.resize(got);
    if (poem.empty()) {
        throw PoemFileError("poem file " + name + " is empty");
    }
    return poem;
}

}  // namespace poetry
