// At the edges of what a program promises: an output that is a FIFO nobody reads,
// an output that fails while a download fails too, a stack demo that prints its
// stack after another download has failed, a server log that nobody reads. Each ends in one clear
// line per thing that went wrong and the exit code that says so, and never hangs.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/process.hpp"
#include "support/timeline.hpp"

namespace poetry::test {
namespace {

// The three clients that take --timeline.
const char* const kTimelineClients[] = {"blocking-get-poetry", "reactor-get-poetry",
                                        "protocol-get-poetry"};

// A listening socket on 127.0.0.1 that accepts only when the test says so: a
// client connects at once (the kernel completes the handshake), and gets its
// first byte only when send() is called.
class Listener {
  public:
    Listener() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address;
        if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), length) != 0 ||
            ::listen(fd_, 4) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
            throw std::runtime_error(std::string("listener: ") + std::strerror(errno));
        }
        port_ = ntohs(address.sin_port);
    }
    ~Listener() {
        for (int fd : {fd_, client_}) {
            if (fd >= 0) {
                ::close(fd);
            }
        }
    }
    Listener(const Listener&) = delete;
    Listener& operator=(const Listener&) = delete;

    std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

    // Accepts the client waiting in the backlog and sends it `data`.
    void send(const std::string& data) {
        client_ = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
        ASSERT_GE(client_, 0) << std::strerror(errno);
        ASSERT_EQ(::send(client_, data.data(), data.size(), MSG_NOSIGNAL),
                  static_cast<ssize_t>(data.size()));
    }

  private:
    int fd_;
    int client_ = -1;
    std::uint16_t port_ = 0;
};

// ---- --timeline on a FIFO ----------------------------------------------------

// Opening a FIFO for writing waits until some process opens it for reading. A
// client must not wait there: with nobody reading, it says so at once.
TEST(TimelineFifo, WithNoReaderIsOneLineAtOnce) {
    TempPath fifo("timeline.fifo");
    ASSERT_EQ(::mkfifo(fifo.str().c_str(), 0600), 0);
    for (const char* client : kTimelineClients) {
        auto result = run(client, {"--timeline", fifo.str(), "10000"}, 10s);
        EXPECT_EQ(result.exitCode, 2) << client;
        EXPECT_EQ(result.err, std::string(client) + ": error: cannot write --timeline " +
                                  fifo.str() +
                                  ": a FIFO that no process has open for reading (see --help)\n");
        EXPECT_EQ(result.out, "");
    }
}

// With a reader, a FIFO is as good as a file: the rows arrive through it.
TEST(TimelineFifo, WithAReaderGetsTheRows) {
    Server server("slowpoetry", {"--delay", "0", "--num-bytes", "100", poemPath("science.txt")});
    TempPath fifo("timeline.fifo");
    ASSERT_EQ(::mkfifo(fifo.str().c_str(), 0600), 0);
    int reader = ::open(fifo.str().c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    ASSERT_GE(reader, 0) << std::strerror(errno);
    auto result = run("protocol-get-poetry", {"-q", "--timeline", fifo.str(), server.address()});
    std::string rows;
    char buffer[65536];
    for (ssize_t n; (n = ::read(reader, buffer, sizeof buffer)) > 0;) {
        rows.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(reader);
    EXPECT_EQ(result.exitCode, 0) << result.err;
    EXPECT_EQ(result.err, "");
    auto lines = splitLines(rows);
    ASSERT_GE(lines.size(), 2u) << rows;
    EXPECT_EQ(lines[0], "task,peer,seconds,bytes");
    std::size_t bytes = 0;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        std::smatch m;
        ASSERT_TRUE(
            std::regex_match(lines[i], m, std::regex(R"(1,127\.0\.0\.1:\d+,[0-9.]+,(\d+))")))
            << lines[i];
        bytes += std::stoul(m[1]);
    }
    EXPECT_EQ(bytes, poemSize("science.txt"));
}

// ---- an output that fails while a download fails too --------------------------

// Each thing that went wrong gets its line: the refused address, and the timeline
// that could not be written. The exit code is 1 for both.
TEST(TimelineWriteError, IsReportedWhenADownloadFailedToo) {
    const std::string refused = "127.0.0.1:" + std::to_string(refusedPort());
    for (const char* client : kTimelineClients) {
        auto result = run(client, {"--timeline", "/dev/full", refused}, 20s);
        EXPECT_EQ(result.exitCode, 1) << client;
        EXPECT_EQ(result.err, "Failed to connect to: " + refused + " (Connection refused)\n" +
                                  client +
                                  ": error: cannot write --timeline /dev/full: No space left on "
                                  "device\n");
    }
}

// A poem that arrived is still reported (its summary line), and the timeline
// that could not be written turns the run's exit code to 1.
TEST(TimelineWriteError, AfterAPoemKeepsTheSummaryAndExitsOne) {
    Server server("slowpoetry", {"--delay", "0", "--num-bytes", "100", poemPath("science.txt")});
    for (const char* client : kTimelineClients) {
        auto result = run(client, {"-q", "--timeline", "/dev/full", server.address()}, 20s);
        EXPECT_EQ(result.exitCode, 1) << client;
        EXPECT_TRUE(std::regex_match(result.out, std::regex(R"(Got 1 poems in \S+\n)")))
            << client << ": " << result.out;
        EXPECT_EQ(result.err, std::string(client) +
                                  ": error: cannot write --timeline /dev/full: No space left on "
                                  "device\n");
    }
}

// ---- the stack demo after a failed download -----------------------------------

// The first address is refused; only once the client has said so does the second
// server send its first byte, whose dataReceived() prints the stack and ends the
// program. A download failed, so the exit code is 1, as with every client.
TEST(StackDemo, ExitsOneWhenADownloadFailedBeforeTheStack) {
    Listener second;
    const std::string refused = "127.0.0.1:" + std::to_string(refusedPort());
    Process client(binDir() + "/protocol-get-poetry-stack", {refused, second.address()});
    const std::string failed = "Failed to connect to: " + refused + " (Connection refused)\n";
    ASSERT_TRUE(client.waitForErr(failed)) << client.err();
    second.send("The first line of a poem\n");
    EXPECT_EQ(client.wait(), 1);
    EXPECT_EQ(client.err(), failed);
    EXPECT_TRUE(
        std::regex_search(client.out(), std::regex(R"(^ *0# StackProtocol::dataReceived )")))
        << client.out();
}

TEST(StackDemo, HelpSaysWhenItExitsOne) {
    auto result = run("protocol-get-poetry-stack", {"--help"});
    EXPECT_EQ(result.exitCode, 0);
    EXPECT_NE(result.out.find("Exits with 1 if a download failed"), std::string::npos)
        << result.out;
}

// ---- a server log that nobody reads -------------------------------------------

// fastpoetry writes its log from the loop, as the article's print does: a full
// pipe on stdout holds every client. Its --help says so where it says how to avoid it.
TEST(Fastpoetry, HelpSaysTheLogCanHoldEveryClientAndQuietAvoidsIt) {
    auto result = run("fastpoetry", {"--help"});
    EXPECT_EQ(result.exitCode, 0);
    // The help wraps its lines: read it as one line, one space between words.
    const std::string help = std::regex_replace(result.out, std::regex(R"(\s+)"), " ");
    const auto quiet = help.find("--quiet");
    ASSERT_NE(quiet, std::string::npos) << result.out;
    EXPECT_NE(
        help.find("a stdout pipe nobody reads makes the server wait, and every client with it",
                  quiet),
        std::string::npos)
        << result.out;
}

// ---- what the sanitizer build needs ------------------------------------------

// The tests that run a program out of descriptors are skipped under UBSan, which
// needs a pipe of its own to check a virtual call (tests/support/sanitizers.hpp).
// Here is that need, on --help, which needs no descriptor of its own: with stdio
// and one descriptor free, the sanitizer build reports a false type error; with
// two, it does not; the plain build needs neither. Once a sanitizer runtime no
// longer needs the pipe, this test fails, and the skips can go.
TEST(Sanitizers, UbsanNeedsTwoFreeDescriptors) {
    auto helpAt = [](int limit) {
        const std::string nofile =
            "--nofile=" + std::to_string(limit) + ":" + std::to_string(limit);
        Process process("/usr/bin/prlimit", {nofile, binDir() + "/blocking-get-poetry", "--help"});
        return RunResult{process.wait(), process.out(), process.err()};
    };
    const RunResult oneFree = helpAt(4);
#ifdef POETRY_SANITIZED
    EXPECT_NE(oneFree.exitCode, 0);
    EXPECT_NE(oneFree.err.find("runtime error: member access within address"), std::string::npos)
        << oneFree.err;
    EXPECT_NE(oneFree.err.find("which does not point to an object of type"), std::string::npos)
        << oneFree.err;
    const RunResult twoFree = helpAt(5);
    EXPECT_EQ(twoFree.exitCode, 0) << twoFree.err;
    EXPECT_EQ(twoFree.err, "");
#else
    EXPECT_EQ(oneFree.exitCode, 0) << oneFree.err;
    EXPECT_EQ(oneFree.err, "");
#endif
}

}  // namespace
}  // namespace poetry::test
