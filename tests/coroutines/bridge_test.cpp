// The bridge without sockets: the test plays the reactor. A ClientCreator whose
// connect function only writes the attempt down (as Twisted's MemoryReactor does)
// hands the test each attempt's factory; the test then builds the protocol, gives
// it a StringTransport, and calls its callbacks as a transport would, while part04's
// Clock plays time. The coroutines under test are small free functions that write
// down what they see.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "part04-raw-reactor/clock.hpp"
#include "part04-raw-reactor/reactor.hpp"
#include "part04-raw-reactor/reason.hpp"
#include "part05-protocols/connect.hpp"
#include "part05-protocols/factory.hpp"
#include "part05-protocols/protocol.hpp"
#include "part05-protocols/testing.hpp"
#include "part17-coroutines/bridge.hpp"
#include "part17-coroutines/task.hpp"
#include "support/process.hpp"

namespace {

using poetry::Address;
using poetry::coroutines::ClientCreator;
using poetry::coroutines::ConnectFailed;
using poetry::coroutines::Connection;
using poetry::coroutines::ConnectionLost;
using poetry::coroutines::Task;
using poetry::coroutines::TaskGroup;
using poetry::protocols::ClientFactory;
using poetry::protocols::Connector;
using poetry::protocols::Protocol;
using poetry::protocols::StringTransport;
using poetry::reactor::Clock;
using poetry::reactor::kindName;
using poetry::reactor::Reactor;
using poetry::reactor::Reason;
using poetry::reactor::ReasonKind;
using poetry::reactor::Seconds;

// What a coroutine under test saw, in order, as text.
using Log = std::vector<std::string>;

// Sets a flag when destroyed: a local of a body, to see its frame go.
struct Sentinel {
    bool* destroyed;
    ~Sentinel() { *destroyed = true; }
};

// Connects, then logs each chunk and how the connection ended.
Task readAll(ClientCreator& creator, Log& log) {
    try {
        Connection connection = co_await creator.connectTCP("127.0.0.1", 10000);
        log.push_back("connected to " + connection.peer().str());
        while (std::optional<std::string_view> chunk = co_await connection.read()) {
            log.push_back("chunk " + std::string(*chunk));
        }
        log.push_back("done");
    } catch (const ConnectFailed& failure) {
        log.push_back(std::string("failed ") + kindName(failure.reason().kind()) + ": " +
                      failure.what());
    } catch (const ConnectionLost& lost) {
        log.push_back(std::string("lost ") + kindName(lost.reason().kind()) + ": " + lost.what());
    }
}

// As readAll(), but sleeps on `clock` for one second between connecting and reading.
Task sleepThenReadAll(ClientCreator& creator, Clock& clock, Log& log) {
    try {
        Connection connection = co_await creator.connectTCP("127.0.0.1", 10000);
        log.push_back("connected");
        co_await poetry::coroutines::sleep(clock, Seconds(1));
        log.push_back("awake");
        while (std::optional<std::string_view> chunk = co_await connection.read()) {
            log.push_back("chunk " + std::string(*chunk));
        }
        log.push_back("done");
    } catch (const ConnectionLost& lost) {
        log.push_back(std::string("lost ") + kindName(lost.reason().kind()));
    }
}

// Keeps a Sentinel in its frame and reads until the end, logging nothing.
Task readWithSentinel(ClientCreator& creator, bool& destroyed) {
    Sentinel sentinel{&destroyed};
    Connection connection = co_await creator.connectTCP("127.0.0.1", 10000);
    while (co_await connection.read()) {
    }
}

// One attempt, as the bridge handed it to the connect function.
struct Attempt {
    Address to;
    ClientFactory* factory;
    Seconds timeout;
};

class Bridge : public ::testing::Test {
  protected:
    // Plays the reactor's side of attempt `n`: the connection is made.
    Protocol& connect(std::size_t n = 0) {
        protocols.push_back(attempts.at(n).factory->buildProtocol({"192.0.2.2", 10000}));
        Protocol& protocol = *protocols.back();
        protocol.makeConnection(transport);
        return protocol;
    }

    // Plays the connector's side of attempt `n`: no connection could be made.
    void fail(const Reason& reason, std::size_t n = 0) {
        Connector connector(reactor, attempts.at(n).to, *attempts.at(n).factory, Seconds(30));
        attempts.at(n).factory->clientConnectionFailed(connector, reason);
    }

    Reactor reactor;  // only for the Connector fail() passes; never run
    Clock clock;
    StringTransport transport;
    std::vector<std::unique_ptr<Protocol>> protocols;  // the transport's, played by the test
    std::vector<Attempt> attempts;
    ClientCreator creator{[this](const Address& to, ClientFactory& factory, Seconds timeout) {
        attempts.push_back({to, &factory, timeout});
    }};
    int allDone = 0;
    // Last, so it goes first: frames may refer to everything above.
    std::unique_ptr<TaskGroup> tasks = std::make_unique<TaskGroup>([this] { ++allDone; });
    Log log;
};

TEST_F(Bridge, TheBodyRunsUpToItsConnectAndWaitsThere) {
    tasks->spawn(readAll(creator, log));
    ASSERT_EQ(attempts.size(), 1u);
    EXPECT_EQ(attempts[0].to, (Address{"127.0.0.1", 10000}));
    EXPECT_EQ(attempts[0].timeout, poetry::protocols::kDefaultConnectTimeout);
    EXPECT_TRUE(log.empty());
    EXPECT_EQ(tasks->running(), 1u);
}

TEST_F(Bridge, ChunksResumeTheBodyInOrderAndACleanCloseEndsTheLoop) {
    tasks->spawn(readAll(creator, log));
    Protocol& protocol = connect();
    EXPECT_EQ(log, (Log{"connected to 192.0.2.2:10000"}));
    protocol.dataReceived("one");
    protocol.dataReceived("two");
    EXPECT_EQ(log.back(), "chunk two");  // each chunk resumed the body at once
    protocol.dataReceived("three");
    protocol.connectionLost(Reason::connectionDone());
    EXPECT_EQ(log, (Log{"connected to 192.0.2.2:10000", "chunk one", "chunk two", "chunk three",
                        "done"}));
    EXPECT_EQ(tasks->running(), 0u);
    EXPECT_EQ(allDone, 1);
    EXPECT_FALSE(transport.disconnecting());  // it ended by itself: nothing to close
}

// The poem in every chunk size, down to one byte at a time, comes out whole.
TEST_F(Bridge, AnyChunkSizeGivesTheWholePoem) {
    const std::string poem = poetry::test::readFile(poetry::test::poemPath("science.txt"));
    for (std::size_t size = 1; size <= poem.size(); size += size < 16 ? 1 : 97) {
        Log chunks;
        tasks->spawn(readAll(creator, chunks));
        Protocol& protocol = connect(attempts.size() - 1);
        for (std::size_t at = 0; at < poem.size(); at += size) {
            protocol.dataReceived(std::string_view(poem).substr(at, size));
        }
        protocol.connectionLost(Reason::connectionDone());
        std::string whole;
        for (const std::string& line : chunks) {
            if (line.starts_with("chunk ")) {
                whole += line.substr(6);
            }
        }
        EXPECT_EQ(whole, poem) << "chunks of " << size;
        EXPECT_EQ(chunks.back(), "done");
    }
}

TEST_F(Bridge, AChunkThatComesWhileTheBodyAwaitsSomethingElseIsKept) {
    tasks->spawn(sleepThenReadAll(creator, clock, log));
    Protocol& protocol = connect();
    protocol.dataReceived("a");
    protocol.dataReceived("b");
    EXPECT_EQ(log, (Log{"connected"}));  // asleep: the bytes wait in the Connection
    clock.advance(Seconds(1));
    EXPECT_EQ(log, (Log{"connected", "awake", "chunk ab"}));  // both, in one read
    protocol.dataReceived("c");
    protocol.connectionLost(Reason::connectionDone());
    EXPECT_EQ(log, (Log{"connected", "awake", "chunk ab", "chunk c", "done"}));
}

TEST_F(Bridge, AnEndThatComesWhileTheBodyAwaitsSomethingElseComesAfterTheKeptBytes) {
    tasks->spawn(sleepThenReadAll(creator, clock, log));
    Protocol& protocol = connect();
    protocol.dataReceived("last words");
    protocol.connectionLost(Reason(ReasonKind::ConnectionLost, "Connection reset by peer"));
    protocols.clear();  // the transport destroys its protocol after connectionLost()
    clock.advance(Seconds(1));
    EXPECT_EQ(log, (Log{"connected", "awake", "chunk last words", "lost ConnectionLost"}));
    EXPECT_EQ(allDone, 1);
}

TEST_F(Bridge, ConnectionLostWhileTheBodyWaitsEndsTheLoopWithTheReason) {
    tasks->spawn(readAll(creator, log));
    Protocol& protocol = connect();
    protocol.dataReceived("half a poem");
    protocol.connectionLost(Reason(ReasonKind::ConnectionLost, "Connection reset by peer"));
    EXPECT_EQ(log, (Log{"connected to 192.0.2.2:10000", "chunk half a poem",
                        "lost ConnectionLost: Connection reset by peer"}));
    EXPECT_EQ(tasks->running(), 0u);
}

TEST_F(Bridge, AnAbortedConnectionIsLostToo) {
    tasks->spawn(readAll(creator, log));
    connect().connectionLost(
        Reason(ReasonKind::ConnectionAborted, "Connection was aborted locally"));
    EXPECT_EQ(log.back(), "lost ConnectionAborted: Connection was aborted locally");
}

TEST_F(Bridge, NoConnectionComesBackAsConnectFailedWithPart05sReason) {
    tasks->spawn(readAll(creator, log));
    fail(Reason(ReasonKind::ConnectionRefusedError, "Connection refused"));
    EXPECT_EQ(log, (Log{"failed ConnectionRefusedError: Connection refused"}));
    EXPECT_EQ(allDone, 1);
}

TEST_F(Bridge, EachAttemptHasItsOwnFactoryAndAFinishedOneServesTheNext) {
    Log first;
    Log second;
    tasks->spawn(readAll(creator, first));
    tasks->spawn(readAll(creator, second));
    ASSERT_EQ(attempts.size(), 2u);
    EXPECT_NE(attempts[0].factory, attempts[1].factory);  // buildProtocol() tells them apart
    Protocol& protocol = connect(1);
    protocol.dataReceived("second's");
    EXPECT_TRUE(first.empty());
    EXPECT_EQ(second.back(), "chunk second's");
    fail(Reason(ReasonKind::ConnectionRefusedError, "Connection refused"), 0);
    EXPECT_EQ(first.back(), "failed ConnectionRefusedError: Connection refused");
    // The first attempt is over: its factory serves the next one, and the second's,
    // still connected, does not.
    Log third;
    tasks->spawn(readAll(creator, third));
    ASSERT_EQ(attempts.size(), 3u);
    EXPECT_EQ(attempts[2].factory, attempts[0].factory);
}

TEST_F(Bridge, AnExceptionThatLeavesABodyIsOneLineAndTheTaskEnds) {
    auto throws = [](ClientCreator& creator) -> Task {
        Connection connection = co_await creator.connectTCP("127.0.0.1", 10000);
        throw std::runtime_error("a bug in the body");
    };
    tasks->spawn(throws(creator));
    ::testing::internal::CaptureStderr();
    connect();
    EXPECT_EQ(::testing::internal::GetCapturedStderr(),
              "Unhandled error in a coroutine: a bug in the body\n");
    EXPECT_EQ(tasks->running(), 0u);
    EXPECT_EQ(allDone, 1);
    // The body's Connection went with it, and closed the connection it left open.
    EXPECT_TRUE(transport.disconnecting());
}

// The reactor stopped early: the group is destroyed with a body still waiting.
TEST_F(Bridge, AWaitingBodyIsDestroyedWithItsGroupAndThenHearsNothing) {
    bool destroyed = false;
    tasks->spawn(readWithSentinel(creator, destroyed));
    Protocol& protocol = connect();
    protocol.dataReceived("a first chunk");
    tasks.reset();
    EXPECT_TRUE(destroyed);                  // the frame went, its locals with it
    EXPECT_TRUE(transport.disconnecting());  // its Connection closed the connection
    EXPECT_EQ(allDone, 0);                   // nothing finished: the program is ending
    // The transport may still call the protocol: nobody is resumed (ASan would see it).
    protocol.dataReceived("a late chunk");
    protocol.connectionLost(Reason::connectionDone());
}

TEST_F(Bridge, ABodyDestroyedWhileConnectingRefusesTheConnectionThatComesLater) {
    bool destroyed = false;
    tasks->spawn(readWithSentinel(creator, destroyed));
    tasks.reset();
    EXPECT_TRUE(destroyed);
    // The attempt was under way: when it succeeds, the factory builds nothing (part05
    // then closes the connection) ...
    EXPECT_EQ(attempts.at(0).factory->buildProtocol({"192.0.2.2", 10000}), nullptr);
    // ... and when it fails, nobody is told.
    fail(Reason(ReasonKind::ConnectionRefusedError, "Connection refused"));
}

TEST_F(Bridge, SleepResumesAfterItsDelayOnlyAndLeavesNothingArmedWhenDestroyed) {
    tasks->spawn(sleepThenReadAll(creator, clock, log));
    connect();
    clock.advance(Seconds(0.5));
    EXPECT_EQ(log, (Log{"connected"}));
    clock.advance(Seconds(0.5));
    EXPECT_EQ(log, (Log{"connected", "awake"}));

    Log other;
    tasks->spawn(sleepThenReadAll(creator, clock, other));
    connect(1);
    EXPECT_EQ(clock.getDelayedCalls().size(), 1u);
    tasks.reset();  // destroyed asleep
    EXPECT_TRUE(clock.getDelayedCalls().empty());
}

TEST(TaskGroup, AllDoneRunsWhenTheLastBodyEndsAndATaskNeverSpawnedNeverRuns) {
    int allDone = 0;
    bool ran = false;
    auto body = [](bool& ran) -> Task {
        ran = true;
        co_return;
    };
    {
        Task unspawned = body(ran);  // made, never spawned: destroyed unrun
    }
    EXPECT_FALSE(ran);
    TaskGroup tasks([&] { ++allDone; });
    tasks.spawn(body(ran));
    EXPECT_TRUE(ran);
    EXPECT_EQ(allDone, 1);
    EXPECT_EQ(tasks.running(), 0u);
}

}  // namespace
