// End-to-end tests of slowpoetry, the blocking server: real process, real sockets.
#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>

#include "support/process.hpp"
#include "support/socket.hpp"

namespace poetry::test {
namespace {

const char* const kPoems[] = {"ecstasy.txt", "fascination.txt", "science.txt", "alla_sera.txt"};

TEST(SlowPoetry, FirstLineNamesFileAndRealPort) {
    Server server("slowpoetry", {"--delay", "0", poemPath("science.txt")});
    EXPECT_GT(server.port(), 0);
}

TEST(SlowPoetry, EveryPoemArrivesByteForByte) {
    for (const char* name : kPoems) {
        Server server("slowpoetry", {"--delay", "0", "--num-bytes", "7", poemPath(name)});
        ClientSocket client(server.port());
        int error = -1;
        EXPECT_EQ(client.readAll(&error), readFile(poemPath(name))) << name;
        EXPECT_EQ(error, 0) << "clean close expected";
    }
}

TEST(SlowPoetry, OneByteChunksSplitMultiByteCharactersYetTheBytesAreExact) {
    Server server("slowpoetry", {"--delay", "0", "--num-bytes", "1", poemPath("alla_sera.txt")});
    ClientSocket client(server.port());
    std::string poem = readFile(poemPath("alla_sera.txt"));
    ASSERT_NE(poem.find("\xc3"), std::string::npos) << "the poem should hold multi-byte UTF-8";
    EXPECT_EQ(client.readAll(), poem);
    // The server logged one chunk per byte.
    server.process().signal(SIGTERM);
    EXPECT_EQ(server.process().wait(), 0);
}

TEST(SlowPoetry, PrintsAChunkLinePerChunk) {
    Server server("slowpoetry", {"--delay", "0", "--num-bytes", "100", poemPath("science.txt")});
    ClientSocket(server.port()).readAll();
    EXPECT_NE(server.process().readLine().find("Somebody at 127.0.0.1:"), std::string::npos);
    std::size_t size = poemSize("science.txt");
    for (std::size_t sent = 0; sent < size; sent += 100) {
        EXPECT_EQ(server.process().readLine(),
                  "Sending " + std::to_string(std::min<std::size_t>(100, size - sent)) + " bytes");
    }
}

TEST(SlowPoetry, ServesClientsOneAfterTheOther) {
    Server server("slowpoetry",
                  {"--delay", "0.2", "--num-bytes", "200", poemPath("fascination.txt")});
    ClientSocket first(server.port());
    ClientSocket second(server.port());  // waits in the listen queue
    std::string start = first.readAtLeast(1);
    // The server is busy with the first client: nothing for the second yet.
    EXPECT_FALSE(second.readable());
    std::string poem = readFile(poemPath("fascination.txt"));
    EXPECT_EQ(start + first.readAll(), poem);
    EXPECT_EQ(second.readAll(), poem);
}

TEST(SlowPoetry, AClientThatLeavesEarlyDoesNotStopTheServer) {
    Server server("slowpoetry", {"--delay", "0.01", "--num-bytes", "10", poemPath("ecstasy.txt")});
    {
        ClientSocket quitter(server.port());
        quitter.readAtLeast(10);
    }  // closed after a few bytes, with most of the poem unsent
    ClientSocket next(server.port());
    EXPECT_EQ(next.readAll(), readFile(poemPath("ecstasy.txt")));
    EXPECT_TRUE(server.process().running());
}

TEST(SlowPoetry, ServesOverIpv6) {
    Server server("slowpoetry", {"--iface", "::1", "--delay", "0", poemPath("science.txt")});
    ClientSocket client(server.port(), "::1");
    EXPECT_EQ(client.readAll(), readFile(poemPath("science.txt")));
}

TEST(SlowPoetry, SigintAndSigtermExitZero) {
    for (int signo : {SIGINT, SIGTERM}) {
        Server server("slowpoetry", {poemPath("science.txt")});
        server.process().signal(signo);
        EXPECT_EQ(server.process().wait(), 0) << "signal " << signo;
    }
}

struct BadServerArgs {
    std::vector<std::string> args;
    const char* mentions;
};

class SlowPoetryUsage : public ::testing::TestWithParam<BadServerArgs> {};

TEST_P(SlowPoetryUsage, OneLineNamingTheArgumentAndExitTwo) {
    auto args = GetParam().args;
    for (auto& a : args) {
        if (a == "POEM") {
            a = poemPath("science.txt");
        }
    }
    RunResult r = run("slowpoetry", args);
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_EQ(r.out, "");
    auto lines = splitLines(r.err);
    ASSERT_EQ(lines.size(), 1u) << r.err;
    EXPECT_NE(lines[0].find(GetParam().mentions), std::string::npos) << lines[0];
    EXPECT_EQ(lines[0].rfind("slowpoetry: error: ", 0), 0u) << lines[0];
}

INSTANTIATE_TEST_SUITE_P(
    Table, SlowPoetryUsage,
    ::testing::Values(BadServerArgs{{}, "missing POETRY_FILE"},
                      BadServerArgs{{"/nonexistent/poem.txt"}, "/nonexistent/poem.txt"},
                      BadServerArgs{{"/tmp"}, "is a directory"},
                      BadServerArgs{{"--delay", "-1", "POEM"}, "--delay"},
                      BadServerArgs{{"--delay", "soon", "POEM"}, "--delay"},
                      BadServerArgs{{"--num-bytes", "0", "POEM"}, "--num-bytes"},
                      BadServerArgs{{"--num-bytes", "-3", "POEM"}, "--num-bytes"},
                      BadServerArgs{{"--port", "70000", "POEM"}, "--port"},
                      // The fault modes are faultpoetry's: not an option of the article's server.
                      BadServerArgs{{"--fault", "reset", "POEM"}, "unrecognised option '--fault'"},
                      BadServerArgs{{"--frobnicate", "POEM"}, "--frobnicate"}));

TEST(SlowPoetry, HelpExitsZero) {
    RunResult r = run("slowpoetry", {"--help"});
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_NE(r.out.find("Usage: slowpoetry"), std::string::npos);
    for (const char* option : {"--port", "--iface", "--delay", "--num-bytes", "--quiet"}) {
        EXPECT_NE(r.out.find(option), std::string::npos) << option;
    }
    EXPECT_EQ(r.out.find("--fault"), std::string::npos);
}

TEST(SlowPoetry, PortInUseIsOneLineAndExitOne) {
    Server first("slowpoetry", {poemPath("science.txt")});
    RunResult r =
        run("slowpoetry", {"--port", std::to_string(first.port()), poemPath("science.txt")});
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_EQ(splitLines(r.err).size(), 1u) << r.err;
    EXPECT_EQ(r.err, "slowpoetry: error: cannot listen on 127.0.0.1:" +
                         std::to_string(first.port()) + ": Address already in use\n");
}

TEST(SlowPoetry, UnknownInterfaceIsOneLineAndExitOne) {
    RunResult r = run("slowpoetry", {"--iface", "no-such-host.invalid", poemPath("science.txt")});
    EXPECT_EQ(r.exitCode, 1);
    ASSERT_EQ(splitLines(r.err).size(), 1u) << r.err;
    EXPECT_EQ(r.err.rfind("slowpoetry: error: cannot listen on no-such-host.invalid:0: ", 0), 0u)
        << r.err;
    EXPECT_EQ(r.err.find(".hpp"), std::string::npos) << "no library source locations: " << r.err;
}

}  // namespace
}  // namespace poetry::test
