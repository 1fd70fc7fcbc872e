/// \file
/// \brief Reading a poem file, with one clear error line when it cannot (see poem_file.hpp).
#include "poem_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

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
    if (status.st_size == 0) {
        throw PoemFileError("poem file " + name + " is empty");
    }

    std::string poem;
    try {
        poem.resize(static_cast<std::size_t>(status.st_size));
    } catch (const std::bad_alloc&) {
        throw std::runtime_error("cannot read poem file " + name + ": out of memory (" +
                                 std::to_string(status.st_size) + " bytes)");
    }
    // A regular file that shrinks while we read it ends early; one that grows is
    // read up to the size it had when we looked.
    std::size_t got = 0;
    while (got < poem.size()) {
        ssize_t n = ::read(file.fd, poem.data() + got, poem.size() - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            cannotRead(errno);
        }
        if (n == 0) {
            break;
        }
        got += static_cast<std::size_t>(n);
    }
    poem.resize(got);
    if (poem.empty()) {
        throw PoemFileError("poem file " + name + " is empty");
    }
    return poem;
}

}  // namespace poetry
