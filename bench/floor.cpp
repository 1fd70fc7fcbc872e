// bench-floor: the physical floor of the benchmark's job, with no abstraction.
//
// It downloads COUNT poems from HOST:PORT at once the way a C programmer would
// without any library: COUNT non-blocking sockets, one epoll instance, one
// epoll_wait loop, recv() until EOF, close. It keeps no poem, only a byte count
// per descriptor. Nothing can do this job with less work on this machine, so
// bench/run measures every client against it.
//
// It is not part of the lesson. The project's rule that nothing writes its own
// epoll loop is about the tutorial, whose loop is always Asio's; this file is the
// one exception, a ruler to measure the lesson against.
//
//   bench-floor HOST PORT COUNT        HOST is an IPv4 address
//
// Prints one line, `Got N poems (B bytes) in S s`, with ` (F failed)` when some
// connection failed or ended before sending anything. Exit 0 when none failed.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

[[noreturn]] void die(const std::string& what) {
    std::fprintf(stderr, "bench-floor: %s: %s\n", what.c_str(), std::strerror(errno));
    std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::fprintf(stderr, "usage: bench-floor HOST PORT COUNT\n");
        return 2;
    }
    sockaddr_in server{};
    server.sin_family = AF_INET;
    const long port = std::strtol(argv[2], nullptr, 10);
    const long count = std::strtol(argv[3], nullptr, 10);
    if (inet_pton(AF_INET, argv[1], &server.sin_addr) != 1 || port < 1 || port > 65535 ||
        count < 1) {
        std::fprintf(stderr,
                     "bench-floor: bad HOST, PORT or COUNT (want an IPv4 address, "
                     "1..65535, at least 1)\n");
        return 2;
    }
    server.sin_port = htons(static_cast<std::uint16_t>(port));

    const auto start = std::chrono::steady_clock::now();
    const int epoll = epoll_create1(EPOLL_CLOEXEC);
    if (epoll < 0) {
        die("epoll_create1");
    }
    std::vector<std::size_t> bytes;  // bytes received so far, by descriptor number
    long failed = 0;
    for (long i = 0; i < count; ++i) {
        const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            die("socket");
        }
        if (connect(fd, reinterpret_cast<const sockaddr*>(&server), sizeof server) != 0 &&
            errno != EINPROGRESS) {
            ++failed;  // refused at once; a later failure shows up as a read error
            close(fd);
            continue;
        }
        // Readable means connected and data (or EOF, or an error) is waiting.
        epoll_event event{};
        event.events = EPOLLIN;
        event.data.fd = fd;
        if (epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event) != 0) {
            die("epoll_ctl");
        }
        if (static_cast<std::size_t>(fd) >= bytes.size()) {
            bytes.resize(fd + 1);
        }
        bytes[fd] = 0;
    }

    long open = count - failed;
    long poems = 0;
    std::size_t total = 0;
    static char buffer[65536];  // one buffer for every read: nothing is kept
    epoll_event events[256];
    while (open > 0) {
        const int ready = epoll_wait(epoll, events, 256, -1);
        if (ready < 0) {
            if (errno == EINTR) {
                continue;
            }
            die("epoll_wait");
        }
        for (int i = 0; i < ready; ++i) {
            const int fd = events[i].data.fd;
            ssize_t n;
            while ((n = recv(fd, buffer, sizeof buffer, 0)) > 0) {
                bytes[fd] += static_cast<std::size_t>(n);
            }
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                continue;  // all read for now; epoll says when there is more
            }
            // End of file (n == 0) is a poem, if anything came; an error is a failure.
            if (n == 0 && bytes[fd] > 0) {
                ++poems;
                total += bytes[fd];
            } else {
                ++failed;
            }
            close(fd);  // also takes it out of the epoll set
            --open;
        }
    }
    close(epoll);

    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    std::printf("Got %ld poems (%zu bytes) in %.6f s", poems, total, elapsed.count());
    if (failed > 0) {
        std::printf(" (%ld failed)", failed);
    }
    std::printf("\n");
    return failed == 0 ? 0 : 1;
}
