// End-to-end tests of faultpoetry's --fault modes, the failures the Part 5
// exercises are tested against. Labelled `exercise`.
#include <gtest/gtest.h>

#include <cerrno>
#include <csignal>
#include <regex>

#include "support/process.hpp"
#include "support/socket.hpp"

namespace poetry::test {
namespace {

TEST(FaultPoetry, ResetDropsTheConnectionHalfWay) {
    Server server("faultpoetry", {"--fault", "reset", poemPath("ecstasy.txt")});
    ClientSocket client(server.port());
    int error = 0;
    std::string got = client.readAll(&error);
    EXPECT_EQ(error, ECONNRESET);
    EXPECT_LT(got.size(), poemSize("ecstasy.txt"));
    // The server goes on serving.
    ClientSocket next(server.port());
    next.readAll(&error);
    EXPECT_EQ(error, ECONNRESET);
}

// The server says what it does, line by line, and every send has its "Sending"
// line: so what it sent a client is read from its stdout, without waiting to see
// whether bytes arrive.
TEST(FaultPoetry, StallSendsNothingAndKeepsTheConnectionOpen) {
    Server server("faultpoetry", {"--fault", "stall", poemPath("science.txt")});
    ClientSocket client(server.port());
    EXPECT_NE(server.process().readLine().find("Somebody at"), std::string::npos);
    EXPECT_EQ(server.process().readLine(), "Stalling");
    EXPECT_FALSE(client.readable()) << "no byte and no end of stream";
    client.close();
    // After the stalled client leaves, the next one is accepted (and stalled too),
    // with no "Sending" line in between: the first one was sent nothing.
    ClientSocket next(server.port());
    EXPECT_NE(server.process().readLine().find("Somebody at"), std::string::npos);
    EXPECT_EQ(server.process().readLine(), "Stalling");
}

TEST(FaultPoetry, EndlessRepeatsThePoemBeyondItsLength) {
    Server server("faultpoetry", {"--fault", "endless", poemPath("science.txt")});
    std::string poem = readFile(poemPath("science.txt"));
    std::string got;
    {
        ClientSocket client(server.port());
        got = client.readAtLeast(poem.size() * 5);
    }
    ASSERT_GE(got.size(), poem.size() * 5);
    for (std::size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(got.substr(i * poem.size(), poem.size()), poem) << "copy " << i;
    }
    // Leaving the endless stream does not kill the server.
    ClientSocket next(server.port());
    EXPECT_GE(next.readAtLeast(poem.size()).size(), poem.size());
}

TEST(FaultPoetry, EmptyClosesCleanlyWithoutAByte) {
    Server server("faultpoetry", {"--fault", "empty", poemPath("science.txt")});
    ClientSocket client(server.port());
    int error = -1;
    EXPECT_EQ(client.readAll(&error), "");
    EXPECT_EQ(error, 0);
}

TEST(FaultPoetry, ResetAtStartResetsBeforeAnyByte) {
    Server server("faultpoetry", {"--fault", "reset-at-start", poemPath("science.txt")});
    ClientSocket client(server.port());
    int error = 0;
    EXPECT_EQ(client.readAll(&error), "");
    EXPECT_EQ(error, ECONNRESET);
}

TEST(FaultPoetry, ResetAtEndSendsTheWholePoemThenResets) {
    Server server("faultpoetry", {"--fault", "reset-at-end", poemPath("science.txt")});
    ClientSocket client(server.port());
    int error = 0;
    EXPECT_TRUE(client.readAll(&error) == readFile(poemPath("science.txt")));
    EXPECT_EQ(error, ECONNRESET);
}

// The poem and a FIN; the server then waits for us to close before it serves
// the next client.
TEST(FaultPoetry, HalfCloseEndsThePoemAndWaitsForTheClient) {
    Server server("faultpoetry", {"--delay", "0", "--num-bytes", "100", "--fault", "half-close",
                                  poemPath("science.txt")});
    const std::string poem = readFile(poemPath("science.txt"));
    ClientSocket client(server.port());
    int error = -1;
    EXPECT_TRUE(client.readAll(&error) == poem);
    EXPECT_EQ(error, 0);
    client.send("still here\n");  // our half is open, and the server reads it
    client.close();
    ClientSocket next(server.port());
    EXPECT_TRUE(next.readAll(&error) == poem);
}

TEST(FaultPoetry, AnUnknownModeIsAUsageErrorListingTheModes) {
    auto result = run("faultpoetry", {"--fault", "sulk", poemPath("science.txt")});
    EXPECT_EQ(result.exitCode, 2);
    EXPECT_EQ(result.err,
              "faultpoetry: error: --fault 'sulk' is not one of none, empty, reset-at-start, "
              "reset, reset-at-end, half-close, stall, endless (see --help)\n");
}

// Without a fault it is slowpoetry: the same lines, the poem in chunks, a clean close.
TEST(FaultPoetry, NoneIsTheSlowServer) {
    Server server("faultpoetry", {"--delay", "0", "--num-bytes", "300", poemPath("science.txt")});
    ClientSocket client(server.port());
    int error = -1;
    EXPECT_TRUE(client.readAll(&error) == readFile(poemPath("science.txt")));
    EXPECT_EQ(error, 0);
    EXPECT_NE(server.process().readLine().find("Somebody at 127.0.0.1:"), std::string::npos);
    EXPECT_EQ(server.process().readLine(), "Sending 300 bytes");
    EXPECT_EQ(server.process().readLine(), "Sending 300 bytes");
    EXPECT_EQ(server.process().readLine(), "Sending 53 bytes");
    server.process().signal(SIGTERM);
    EXPECT_EQ(server.process().wait(), 0);
}

TEST(FaultPoetry, HelpListsEveryModeAndWhatItDoes) {
    RunResult r = run("faultpoetry", {"--help"});
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_EQ(r.out.rfind("Usage: faultpoetry [options] POETRY_FILE\n", 0), 0u) << r.out;
    // Boost wraps the help at 80 columns: read it as one line.
    const std::string text = std::regex_replace(r.out, std::regex(R"(\s+)"), " ");
    for (const char* mode : {"none", "empty", "reset-at-start", "reset", "reset-at-end",
                             "half-close", "stall", "endless"}) {
        EXPECT_NE(text.find(std::string(" ") + mode + " ("), std::string::npos) << mode;
    }
    for (const char* option : {"--port", "--iface", "--delay", "--num-bytes", "--quiet"}) {
        EXPECT_NE(text.find(option), std::string::npos) << option;
    }
}

}  // namespace
}  // namespace poetry::test
