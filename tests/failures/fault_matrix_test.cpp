// The fault matrix: every client against every way a poetry server can let it
// down, one row each, read as a table (kMatrix, below).
//
// Each row starts one server (faultpoetry with a --fault mode, or nothing at all
// for a refused address), runs one client against it, and checks three things:
//   - the exit code;
//   - stderr: nothing, or exactly the one line every client prints for a failure,
//     `Failed to connect to: HOST:PORT (REASON)` or
//     `Lost poem from HOST:PORT after K bytes (REASON)`;
//   - the bytes the client reports (its `Task 1: K bytes` line, the poem 2.1
//     prints, the K of its lost-poem line; all of them, and they must agree)
//     against the bytes the server sent.
// A client that cannot notice a failure (the article's clients against a server
// that stalls) is a row too: the test ends the server once it is failing the
// client, and the client must then end as it does when a server closes after what
// it sent, silently until then. (That it would wait for ever cannot be shown in
// finite time; that it had not given up, and says nothing of a failure, can.)
// Every row is its own test, so CTest runs them side by side.
#include <gtest/gtest.h>

#include <csignal>
#include <cstddef>
#include <optional>
#include <ostream>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "support/process.hpp"

namespace poetry::test {
namespace {

// ---- the clients -----------------------------------------------------------

enum class Client {
    blocking,
    c10,
    c20,
    c21,
    stack,
    ex1,
    ex2,
    ex3,
    ex4,
    ex5,
    coro,
    asio,
    asioTimeout
};

struct ClientSpec {
    const char* program;
    std::vector<std::string> options;  // before the address, unless the row has its own
};

ClientSpec spec(Client client) {
    switch (client) {
        case Client::blocking:
            return {"blocking-get-poetry", {}};
        case Client::c10:
            return {"reactor-get-poetry", {}};
        case Client::c20:
            return {"protocol-get-poetry", {}};
        case Client::c21:
            return {"protocol-get-poetry-simple", {}};
        case Client::stack:
            return {"protocol-get-poetry-stack", {}};
        case Client::ex1:
            return {"ex1-timeout", {"--timeout", "30"}};
        case Client::ex2:
            return {"ex2-connection-lost-stack", {}};
        case Client::ex3:
            return {"ex3-max-size", {}};
        case Client::ex4:
            return {"ex4-done-or-lost", {}};
        case Client::ex5:
            return {"ex5-lines", {}};
        case Client::coro:
            return {"coroutine-get-poetry", {}};
        case Client::asio:
            return {"asio-get-poetry", {}};
        case Client::asioTimeout:
            return {"asio-get-poetry", {"--timeout", "30"}};
    }
    return {};
}

// ---- the peers -------------------------------------------------------------

enum class Peer {
    refuse,           // nobody listens
    empty,            // accepts, then closes without a byte
    resetAtStart,     // accepts, then resets before any byte
    resetMidPoem,     // half the poem, then a reset
    resetAtEnd,       // the whole poem, then a reset instead of a clean close
    halfClose,        // the whole poem and a FIN, then waits for the client to close
    byteAtATime,      // the whole poem, one byte per send
    stall,            // accepts, then sends nothing, for ever
    endless,          // sends the poem again and again, for ever
    stallThenQuit,    // as stall, until the test kills it once it has the client
    endlessThenQuit,  // as endless, until the test kills it once it is sending
};

// The poem every row serves: 653 bytes, 20 lines.
const std::string kPoem = "science.txt";

// faultpoetry's arguments for a peer (no delay, unless the row is about timing).
std::vector<std::string> serverArgs(Peer peer) {
    const std::vector<std::string> fast = {"--delay", "0", "--num-bytes", "100000"};
    auto with = [&](std::vector<std::string> args) {
        args.push_back(poemPath(kPoem));
        return args;
    };
    auto fault = [&](const char* mode) {
        auto args = fast;
        args.insert(args.end(), {"--fault", mode});
        return with(args);
    };
    switch (peer) {
        case Peer::refuse:
            return {};
        case Peer::empty:
            return fault("empty");
        case Peer::resetAtStart:
            return fault("reset-at-start");
        case Peer::resetMidPoem:
            return fault("reset");
        case Peer::resetAtEnd:
            return fault("reset-at-end");
        case Peer::halfClose:
            return fault("half-close");
        case Peer::byteAtATime:
            return with({"--delay", "0.001", "--num-bytes", "1"});
        case Peer::stall:
        case Peer::stallThenQuit:
            return fault("stall");
        case Peer::endless:
        case Peer::endlessThenQuit:
            return fault("endless");
    }
    return {};
}

// A peer that the test ends itself, once it is failing the client.
bool quitsWhenFailing(Peer peer) {
    return peer == Peer::stallThenQuit || peer == Peer::endlessThenQuit;
}

// The line faultpoetry prints once it has a client and has started to fail it:
// from then on, a client that has not ended is waiting for a server that will
// never finish.
const char* failingLine(Peer peer) {
    return peer == Peer::stallThenQuit ? "Stalling" : "Sending the poem forever";
}

// How many bytes of the poem the peer sends before it fails (or finishes).
std::size_t bytesSent(Peer peer, std::size_t poem) {
    switch (peer) {
        case Peer::refuse:
        case Peer::empty:
        case Peer::resetAtStart:
        case Peer::stall:
        case Peer::stallThenQuit:
            return 0;
        case Peer::resetMidPoem:
            return poem / 2;
        case Peer::resetAtEnd:
        case Peer::halfClose:
        case Peer::byteAtATime:
        case Peer::endless:  // at least
            return poem;
        case Peer::endlessThenQuit:  // any number: what came before the test killed it
            return 0;
    }
    return 0;
}

// ---- what a row expects -----------------------------------------------------

// The one stderr line, if any.
enum class Err { none, failed, lost };

// The bytes the client reports.
enum class Bytes {
    none,       // no count anywhere: no connection, or only a stack trace
    sent,       // exactly what the server sent, byte for byte where it prints them
    some,       // more than the poem: all it could hold before memory ran out
    pastLimit,  // ex3: past --max-bytes by at most one read (64 KiB)
};

const char* const kRefused = "Connection refused";
const char* const kNoStack = "Connection closed before the first byte: no stack to show";
const char* const kReset = "Connection reset by peer";
const char* const kOutOfMemory = "out of memory";
const char* const kTimedOut = "Timed out after 0.5 s";
const char* const kTooBig =
    "dropped: the poem is longer than the limit of 100000 bytes (--max-bytes)";
constexpr std::size_t kMaxBytes = 100000;

struct Row {
    Client client;
    Peer peer;
    int exit;                               // the exit code
    Err err;                                // which line on stderr ...
    const char* reason;                     // ... with which REASON
    Bytes bytes;                            // what the reported count must be
    const char* why = "";                   // for a row that is not the obvious one
    std::vector<std::string> options = {};  // the client's options in this row, if not its usual
};

using C = Client;
using P = Peer;
using E = Err;
using B = Bytes;

// Against an endless server, a client that keeps the poem grows until memory
// runs out: those rows run it under a 100 MB address-space limit (prlimit --as),
// with -q, as a line per chunk (or per line, for ex5) of 50 MB is no use to anyone.
const char* const kGrows = "keeps the poem: runs out of memory, and says so";

// Against a server that stalls, a client without a timeout waits until the server
// quits; then, as against an empty poem, nothing tells it a poem is missing.
const char* const kWaits = "no timeout: waits until the server quits, and takes it for the end";

// clang-format off
const Row kMatrix[] = {
//   client      peer                exit  stderr    REASON        bytes     why
    {C::blocking, P::refuse,           1, E::failed, kRefused,     B::none},
    {C::blocking, P::empty,            0, E::none,   "",           B::sent,  "an empty poem is a poem: nothing tells them apart"},
    {C::blocking, P::resetAtStart,     1, E::lost,   kReset,       B::sent},
    {C::blocking, P::resetMidPoem,     1, E::lost,   kReset,       B::sent},
    {C::blocking, P::resetAtEnd,       1, E::lost,   kReset,       B::sent,  "a reset is no end of poem, even after the last byte"},
    {C::blocking, P::halfClose,        0, E::none,   "",           B::sent},
    {C::blocking, P::byteAtATime,      0, E::none,   "",           B::sent},
    {C::blocking, P::stallThenQuit,    0, E::none,   "",           B::sent,  kWaits},
    {C::blocking, P::endless,          1, E::lost,   kOutOfMemory, B::some,  kGrows, {"-q"}},

    {C::c10,      P::refuse,           1, E::failed, kRefused,     B::none,  "the article's lesson: one refused address ends the run"},
    {C::c10,      P::empty,            0, E::none,   "",           B::sent,  "an empty poem is a poem: nothing tells them apart"},
    {C::c10,      P::resetAtStart,     1, E::lost,   kReset,       B::sent},
    {C::c10,      P::resetMidPoem,     1, E::lost,   kReset,       B::sent},
    {C::c10,      P::resetAtEnd,       1, E::lost,   kReset,       B::sent},
    {C::c10,      P::halfClose,        0, E::none,   "",           B::sent},
    {C::c10,      P::byteAtATime,      0, E::none,   "",           B::sent},
    {C::c10,      P::stallThenQuit,    0, E::none,   "",           B::sent,  kWaits},
    {C::c10,      P::endless,          1, E::lost,   kOutOfMemory, B::some,  kGrows, {"-q"}},

    {C::c20,      P::refuse,           1, E::failed, kRefused,     B::none},
    {C::c20,      P::empty,            0, E::none,   "",           B::sent,  "an empty poem is a poem: nothing tells them apart"},
    {C::c20,      P::resetAtStart,     1, E::lost,   kReset,       B::sent},
    {C::c20,      P::resetMidPoem,     1, E::lost,   kReset,       B::sent},
    {C::c20,      P::resetAtEnd,       1, E::lost,   kReset,       B::sent},
    {C::c20,      P::halfClose,        0, E::none,   "",           B::sent},
    {C::c20,      P::byteAtATime,      0, E::none,   "",           B::sent},
    {C::c20,      P::stallThenQuit,    0, E::none,   "",           B::sent,  kWaits},
    {C::c20,      P::endless,          1, E::lost,   kOutOfMemory, B::some,  kGrows, {"-q"}},

    {C::c21,      P::refuse,           1, E::failed, kRefused,     B::none},
    {C::c21,      P::empty,            0, E::none,   "",           B::sent,  "an empty poem is a poem: nothing tells them apart"},
    {C::c21,      P::resetAtStart,     1, E::lost,   kReset,       B::sent},
    {C::c21,      P::resetMidPoem,     1, E::lost,   kReset,       B::sent},
    {C::c21,      P::resetAtEnd,       1, E::lost,   kReset,       B::sent},
    {C::c21,      P::halfClose,        0, E::none,   "",           B::sent},
    {C::c21,      P::byteAtATime,      0, E::none,   "",           B::sent},
    {C::c21,      P::stallThenQuit,    0, E::none,   "",           B::sent,  kWaits},
    {C::c21,      P::endless,          1, E::lost,   kOutOfMemory, B::some,  kGrows, {"-q"}},

    {C::stack,    P::refuse,           1, E::failed, kRefused,     B::none},
    {C::stack,    P::empty,            1, E::lost,   kNoStack,     B::sent,  "ended before a first byte: nothing to trace"},
    {C::stack,    P::resetAtStart,     1, E::lost,   kReset,       B::sent,  "ended before a first byte: nothing to trace"},
    {C::stack,    P::resetMidPoem,     0, E::none,   "",           B::none,  "traces the first bytes and stops: the reset comes later"},
    {C::stack,    P::resetAtEnd,       0, E::none,   "",           B::none,  "traces the first bytes and stops"},
    {C::stack,    P::halfClose,        0, E::none,   "",           B::none,  "traces the first bytes and stops"},
    {C::stack,    P::byteAtATime,      0, E::none,   "",           B::none,  "traces the first byte and stops"},
    {C::stack,    P::stallThenQuit,    1, E::lost,   kNoStack,     B::sent,  "no timeout: waits for a first byte until the server quits"},
    {C::stack,    P::endless,          0, E::none,   "",           B::none,  "traces the first bytes and stops"},

    {C::ex1,      P::refuse,           1, E::failed, kRefused,     B::none},
    {C::ex1,      P::empty,            0, E::none,   "",           B::sent,  "an empty poem is a poem: nothing tells them apart"},
    {C::ex1,      P::resetAtStart,     1, E::lost,   kReset,       B::sent},
    {C::ex1,      P::resetMidPoem,     1, E::lost,   kReset,       B::sent},
    {C::ex1,      P::resetAtEnd,       1, E::lost,   kReset,       B::sent},
    {C::ex1,      P::halfClose,        0, E::none,   "",           B::sent},
    {C::ex1,      P::byteAtATime,      0, E::none,   "",           B::sent},
    {C::ex1,      P::stall,            1, E::lost,   kTimedOut,    B::sent,  "its exercise: a deadline per download", {"--timeout", "0.5"}},
    {C::ex1,      P::endless,          1, E::lost,   kOutOfMemory, B::some,  kGrows, {"-q", "--timeout", "30"}},

    {C::ex2,      P::refuse,           1, E::failed, kRefused,     B::none},
    {C::ex2,      P::empty,            0, E::none,   "",           B::sent,  "an empty poem is a poem: nothing tells them apart"},
    {C::ex2,      P::resetAtStart,     1, E::lost,   kReset,       B::sent},
    {C::ex2,      P::resetMidPoem,     1, E::lost,   kReset,       B::sent},
    {C::ex2,      P::resetAtEnd,       1, E::lost,   kReset,       B::sent},
    {C::ex2,      P::halfClose,        0, E::none,   "",           B::sent},
    {C::ex2,      P::byteAtATime,      0, E::none,   "",           B::sent},
    {C::ex2,      P::stallThenQuit,    0, E::none,   "",           B::sent,  kWaits},
    {C::ex2,      P::endless,          1, E::lost,   kOutOfMemory, B::some,  kGrows},

    {C::ex3,      P::refuse,           1, E::failed, kRefused,     B::none},
    {C::ex3,      P::empty,            0, E::none,   "",           B::sent,  "an empty poem is a poem: nothing tells them apart"},
    {C::ex3,      P::resetAtStart,     1, E::lost,   kReset,       B::sent},
    {C::ex3,      P::resetMidPoem,     1, E::lost,   kReset,       B::sent},
    {C::ex3,      P::resetAtEnd,       1, E::lost,   kReset,       B::sent},
    {C::ex3,      P::halfClose,        0, E::none,   "",           B::sent},
    {C::ex3,      P::byteAtATime,      0, E::none,   "",           B::sent},
    {C::ex3,      P::stallThenQuit,    0, E::none,   "",           B::sent,  kWaits},
    {C::ex3,      P::endless,          1, E::lost,   kTooBig,      B::pastLimit, "its exercise: a size limit", {"--max-bytes", "100000"}},

    {C::ex4,      P::refuse,           1, E::failed, kRefused,     B::none},
    {C::ex4,      P::empty,            0, E::none,   "",           B::sent,  "an empty poem is a poem: nothing tells them apart"},
    {C::ex4,      P::resetAtStart,     1, E::lost,   kReset,       B::sent},
    {C::ex4,      P::resetMidPoem,     1, E::lost,   kReset,       B::sent},
    {C::ex4,      P::resetAtEnd,       1, E::lost,   kReset,       B::sent},
    {C::ex4,      P::halfClose,        0, E::none,   "",           B::sent},
    {C::ex4,      P::byteAtATime,      0, E::none,   "",           B::sent},
    {C::ex4,      P::stallThenQuit,    0, E::none,   "",           B::sent,  kWaits},
    {C::ex4,      P::endless,          1, E::lost,   kOutOfMemory, B::some,  kGrows, {"-q"}},

    {C::ex5,      P::refuse,           1, E::failed, kRefused,     B::none},
    {C::ex5,      P::empty,            0, E::none,   "",           B::sent,  "an empty poem is a poem: nothing tells them apart"},
    {C::ex5,      P::resetAtStart,     1, E::lost,   kReset,       B::sent},
    {C::ex5,      P::resetMidPoem,     1, E::lost,   kReset,       B::sent},
    {C::ex5,      P::resetAtEnd,       1, E::lost,   kReset,       B::sent},
    {C::ex5,      P::halfClose,        0, E::none,   "",           B::sent},
    {C::ex5,      P::byteAtATime,      0, E::none,   "",           B::sent},
    {C::ex5,      P::stallThenQuit,    0, E::none,   "",           B::sent,  kWaits},
    {C::ex5,      P::endless,          1, E::lost,   kOutOfMemory, B::some,  kGrows, {"-q"}},

    // The look ahead: client 2.0's job as coroutines, on our reactor and on Asio alone.
    {C::coro,     P::refuse,           1, E::failed, kRefused,     B::none},
    {C::coro,     P::empty,            0, E::none,   "",           B::sent,  "an empty poem is a poem: nothing tells them apart"},
    {C::coro,     P::resetAtStart,     1, E::lost,   kReset,       B::sent},
    {C::coro,     P::resetMidPoem,     1, E::lost,   kReset,       B::sent},
    {C::coro,     P::resetAtEnd,       1, E::lost,   kReset,       B::sent},
    {C::coro,     P::halfClose,        0, E::none,   "",           B::sent},
    {C::coro,     P::byteAtATime,      0, E::none,   "",           B::sent},
    {C::coro,     P::stallThenQuit,    0, E::none,   "",           B::sent,  kWaits},
    {C::coro,     P::endless,          1, E::lost,   kOutOfMemory, B::some,  kGrows, {"-q"}},

    {C::asio,     P::refuse,           1, E::failed, kRefused,     B::none},
    {C::asio,     P::empty,            0, E::none,   "",           B::sent,  "an empty poem is a poem: nothing tells them apart"},
    {C::asio,     P::resetAtStart,     1, E::lost,   kReset,       B::sent,  "a reset before the connect's answer is still a lost poem"},
    {C::asio,     P::resetMidPoem,     1, E::lost,   kReset,       B::sent},
    {C::asio,     P::resetAtEnd,       1, E::lost,   kReset,       B::sent},
    {C::asio,     P::halfClose,        0, E::none,   "",           B::sent},
    {C::asio,     P::byteAtATime,      0, E::none,   "",           B::sent},
    {C::asio,     P::stallThenQuit,    0, E::none,   "",           B::sent,  kWaits},
    {C::asio,     P::endless,          1, E::lost,   kOutOfMemory, B::some,  kGrows, {"-q"}},

    {C::asioTimeout, P::refuse,        1, E::failed, kRefused,     B::none,  "refused, not timed out"},
    {C::asioTimeout, P::resetMidPoem,  1, E::lost,   kReset,       B::sent,  "reset, not timed out"},
    {C::asioTimeout, P::halfClose,     0, E::none,   "",           B::sent,  "in time: the deadline is cancelled"},
    {C::asioTimeout, P::stall,         1, E::lost,   kTimedOut,    B::sent,  "exercise 1 the coroutine way: download || deadline", {"--timeout", "0.5"}},
    {C::asioTimeout, P::endless,       1, E::lost,   kOutOfMemory, B::some,  kGrows, {"-q", "--timeout", "30"}},
};
// clang-format on

// ---- running a row ---------------------------------------------------------

const char* name(Client client) {
    switch (client) {
        case Client::blocking:
            return "Blocking";
        case Client::c10:
            return "Client10";
        case Client::c20:
            return "Client20";
        case Client::c21:
            return "Client21";
        case Client::stack:
            return "StackDemo";
        case Client::ex1:
            return "Ex1";
        case Client::ex2:
            return "Ex2";
        case Client::ex3:
            return "Ex3";
        case Client::ex4:
            return "Ex4";
        case Client::ex5:
            return "Ex5";
        case Client::coro:
            return "Coroutine";
        case Client::asio:
            return "AsioCoroutine";
        case Client::asioTimeout:
            return "AsioCoroutineTimeout";
    }
    return "?";
}

const char* name(Peer peer) {
    switch (peer) {
        case Peer::refuse:
            return "Refuse";
        case Peer::empty:
            return "CloseWithoutAByte";
        case Peer::resetAtStart:
            return "ResetBeforeAnyByte";
        case Peer::resetMidPoem:
            return "ResetMidPoem";
        case Peer::resetAtEnd:
            return "WholePoemThenReset";
        case Peer::halfClose:
            return "HalfClose";
        case Peer::byteAtATime:
            return "AByteAtATime";
        case Peer::stall:
            return "Stall";
        case Peer::endless:
            return "Endless";
        case Peer::stallThenQuit:
            return "StallThenQuit";
        case Peer::endlessThenQuit:
            return "EndlessThenQuit";
    }
    return "?";
}

// The count a client prints on stdout for its one task, if it prints one.
std::optional<std::size_t> countOnStdout(Client client, const RunResult& result,
                                         const std::string& poem) {
    std::smatch m;
    if (client == Client::blocking) {
        static const std::regex got(R"((?:^|\n)Task 1: got (\d+) bytes of poetry from \S+ in )");
        if (std::regex_search(result.out, m, got)) {
            return std::stoul(m[1]);
        }
        return std::nullopt;
    }
    if (client == Client::c21) {
        if (result.exitCode != 0) {
            return std::nullopt;  // prints poems only when they arrived whole
        }
        // The poem as printed, then the summary line; byte for byte the poem.
        auto summary = result.out.rfind("Got 1 poems in ");
        if (summary == std::string::npos) {
            return std::nullopt;
        }
        std::string text = result.out.substr(0, summary);
        EXPECT_TRUE(text == poem.substr(0, text.size())) << "not the poem's bytes:\n" << text;
        return text.size();
    }
    // The others, the stack demo too when it failed before a first byte (it has
    // nothing else to show then), print their task's total.
    static const std::regex total(R"((?:^|\n)Task 1: (\d+) bytes of poetry\n)");
    if (std::regex_search(result.out, m, total)) {
        return std::stoul(m[1]);
    }
    return std::nullopt;
}

class FaultMatrix : public ::testing::TestWithParam<Row> {};

TEST_P(FaultMatrix, Row) {
    const Row& row = GetParam();
    const ClientSpec client = spec(row.client);
    const std::string poem = readFile(poemPath(kPoem));
    const bool memoryLimit = std::string_view(row.reason) == kOutOfMemory;
#ifdef POETRY_SANITIZED
    if (memoryLimit) {
        GTEST_SKIP() << "needs an address-space limit, which the sanitizers' shadow memory cannot "
                        "live under";
    }
#endif
    SCOPED_TRACE(row.why);

    // The peer.
    std::optional<Server> server;
    std::string address;
    if (row.peer == Peer::refuse) {
        address = "127.0.0.1:" + std::to_string(refusedPort());
    } else {
        server.emplace("faultpoetry", serverArgs(row.peer));
        address = server->address();
    }

    // The client.
    std::vector<std::string> args;
    std::string program = binDir() + "/" + client.program;
    if (memoryLimit) {
        args = {"--as=100000000", program};
        program = "/usr/bin/prlimit";
    }
    const auto& options = row.options.empty() ? client.options : row.options;
    args.insert(args.end(), options.begin(), options.end());
    args.push_back(address);
    Process process(program, args);

    if (quitsWhenFailing(row.peer)) {
        // Once the server is failing the client, it quits: its socket closes,
        // after whatever it had sent, and the client hears of that only now.
        while (server->process().readLine() != failingLine(row.peer)) {
        }
        server->process().signal(SIGKILL);
    }

    RunResult result{process.wait(40s), process.out(), process.err()};
    SCOPED_TRACE("stdout:\n" + result.out + "\nstderr:\n" + result.err);

    EXPECT_EQ(result.exitCode, row.exit);

    // stderr: nothing, or the one line, and the count in a lost-poem line.
    std::optional<std::size_t> countOnStderr;
    switch (row.err) {
        case Err::none:
            EXPECT_EQ(result.err, "");
            break;
        case Err::failed:
            EXPECT_EQ(result.err, "Failed to connect to: " + address + " (" + row.reason + ")\n");
            break;
        case Err::lost: {
            std::smatch m;
            const std::regex lost("Lost poem from " +
                                  std::regex_replace(address, std::regex(R"(\.)"), R"(\.)") +
                                  R"( after (\d+) bytes \((.*)\)\n)");
            ASSERT_TRUE(std::regex_match(result.err, m, lost)) << "not one lost-poem line";
            EXPECT_EQ(m[2], row.reason);
            countOnStderr = std::stoul(m[1]);
            break;
        }
    }

    // The count: on stdout, on stderr, or both, and then the same.
    auto count = countOnStdout(row.client, result, poem);
    if (count && countOnStderr) {
        EXPECT_EQ(*count, *countOnStderr) << "stdout and stderr disagree";
    }
    if (!count) {
        count = countOnStderr;
    }
    const std::size_t sent = bytesSent(row.peer, poem.size());
    switch (row.bytes) {
        case Bytes::none:
            EXPECT_FALSE(count.has_value()) << "reported " << *count << " bytes";
            break;
        case Bytes::sent:
            ASSERT_TRUE(count.has_value()) << "no byte count reported";
            EXPECT_EQ(*count, sent);
            break;
        case Bytes::some:
            ASSERT_TRUE(count.has_value()) << "no byte count reported";
            EXPECT_GT(*count, sent);
            break;
        case Bytes::pastLimit:
            ASSERT_TRUE(count.has_value()) << "no byte count reported";
            EXPECT_GT(*count, kMaxBytes);
            EXPECT_LE(*count, kMaxBytes + 65536);
            break;
    }

    // The stack demo, when a byte came: the stack of the dataReceived() it came
    // to, and nothing else; no total, no summary, as the program ends in there.
    const bool traced = row.client == Client::stack && row.exit == 0;
    if (traced) {
        auto lines = splitLines(result.out);
        ASSERT_FALSE(lines.empty()) << "no stack";
        EXPECT_TRUE(
            std::regex_search(lines.front(), std::regex(R"(^ *0# StackProtocol::dataReceived )")))
            << "the stack starts elsewhere: " << lines.front();
    }

    // The summary, from every client that gets as far as one.
    const bool summary = !traced && !(row.client == Client::c10 && row.peer == Peer::refuse);
    if (summary) {
        const std::string expected =
            row.exit == 0 ? R"(Got 1 poems in \S+)" : R"(Got 0 poems in \S+ \(1 failed\))";
        auto lines = splitLines(result.out);
        ASSERT_FALSE(lines.empty());
        EXPECT_TRUE(std::regex_match(lines.back(), std::regex(expected))) << lines.back();
    }
}

// How GoogleTest names a failing row: by its client and peer, not its bytes.
void PrintTo(const Row& row, std::ostream* out) {
    *out << name(row.client) << " against " << name(row.peer);
}

INSTANTIATE_TEST_SUITE_P(Table, FaultMatrix, ::testing::ValuesIn(kMatrix),
                         [](const ::testing::TestParamInfo<Row>& info) {
                             return std::string(name(info.param.client)) + "_" +
                                    name(info.param.peer);
                         });

}  // namespace
}  // namespace poetry::test
