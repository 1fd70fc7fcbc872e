// End-to-end tests of slowpoetry's --fault modes, the failures the Part 5
// exercises are tested against. Labelled `exercise`.
#include <gtest/gtest.h>

#include <cerrno>

#include "support/process.hpp"
#include "support/socket.hpp"

namespace poetry::test {
namespace {

TEST(SlowPoetryFault, ResetDropsTheConnectionHalfWay) {
    Server server("slowpoetry", {"--fault", "reset", poemPath("ecstasy.txt")});
    ClientSocket client(server.port());
    int error = 0;
    std::string got = client.readAll(&error);
    EXPECT_EQ(error, ECONNRESET);
    EXPECT_LT(got.size(), readFile(poemPath("ecstasy.txt")).size());
    // The server goes on serving.
    ClientSocket next(server.port());
    next.readAll(&error);
    EXPECT_EQ(error, ECONNRESET);
}

// The server says what it does, line by line, and every send has its "Sending"
// line: so what it sent a client is read from its stdout, without waiting to see
// whether bytes arrive.
TEST(SlowPoetryFault, StallSendsNothingAndKeepsTheConnectionOpen) {
    Server server("slowpoetry", {"--fault", "stall", poemPath("science.txt")});
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

TEST(SlowPoetryFault, EndlessRepeatsThePoemBeyondItsLength) {
    Server server("slowpoetry", {"--fault", "endless", poemPath("science.txt")});
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

}  // namespace
}  // namespace poetry::test
