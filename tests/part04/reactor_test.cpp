// The reactor on socket pairs and timers: readiness becomes doRead()/doWrite(),
// reasons reach connectionLost() once, delayed calls run from inside run(), stop() is
// prompt. Nothing here waits for wall-clock time to pass: a test that shows a
// callback does not come stops the reactor two turns later (stopAfterTwoTurns).
#include "part04-raw-reactor/reactor.hpp"

#include <fcntl.h>

#include <gtest/gtest.h>

#include <boost/asio/local/connect_pair.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/write.hpp>

#include <csignal>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "support/reactor.hpp"

namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using boost::system::error_code;
using poetry::reactor::AlreadyCalled;
using poetry::reactor::AlreadyCancelled;
using poetry::reactor::DelayedCall;
using poetry::reactor::FileDescriptor;
using poetry::reactor::Reactor;
using poetry::reactor::ReactorNotRunning;
using poetry::reactor::ReadDescriptor;
using poetry::reactor::ReadyHandler;
using poetry::reactor::Reason;
using poetry::reactor::ReasonKind;
using poetry::reactor::Seconds;
using poetry::reactor::WriteDescriptor;
using poetry::test::runUntilStopped;
using poetry::test::stopAfterTwoTurns;
using LocalSocket = asio::local::stream_protocol::socket;

/// A connected pair of Unix stream sockets, made on the reactor's io_context (or
/// another one): `ours` for a test descriptor to watch, `theirs` for the test to write.
struct SocketPair {
    LocalSocket ours;
    LocalSocket theirs;

    explicit SocketPair(asio::io_context& context) : ours(context), theirs(context) {
        asio::local::connect_pair(ours, theirs);
        ours.non_blocking(true);
    }
    explicit SocketPair(Reactor& reactor) : SocketPair(reactor.context()) {}

    void send(const std::string& text) { asio::write(theirs, asio::buffer(text)); }
};

/// A read descriptor on a socket the test owns, whose doRead() the test scripts.
/// By default it reads what is there and returns ConnectionDone at end of file.
class TestReader : public ReadDescriptor {
  public:
    explicit TestReader(LocalSocket& socket) : socket_(socket) {}

    int fileno() override { return socket_.native_handle(); }

    void asyncWait(asio::socket_base::wait_type type, ReadyHandler ready) override {
        socket_.async_wait(type, std::move(ready));
    }

    std::optional<Reason> doRead() override {
        ++reads;
        if (onRead) {
            return onRead();
        }
        return drain();
    }

    void connectionLost(const Reason& reason) override {
        lost.push_back(reason);
        if (onLost) {
            onLost(reason);
        }
    }

    std::string logPrefix() const override { return "TestReader"; }

    /// Reads until the socket would block; EOF is ConnectionDone.
    std::optional<Reason> drain() {
        char buffer[256];
        for (;;) {
            error_code error;
            std::size_t n = socket_.read_some(asio::buffer(buffer), error);
            if (!error) {
                data.append(buffer, n);
            } else if (error == asio::error::would_block) {
                return std::nullopt;
            } else {
                return Reason::connectionEnded(error);
            }
        }
    }

    int reads = 0;
    std::string data;
    std::vector<Reason> lost;
    std::function<std::optional<Reason>()> onRead;
    std::function<void(const Reason&)> onLost;

  private:
    LocalSocket& socket_;
};

/// Both a reader and a writer on one socket, as part05's transports are.
class TestReadWriter : public TestReader, public WriteDescriptor {
  public:
    using TestReader::TestReader;
    int fileno() override { return TestReader::fileno(); }
    void asyncWait(asio::socket_base::wait_type type, ReadyHandler ready) override {
        TestReader::asyncWait(type, std::move(ready));
    }
    void connectionLost(const Reason& reason) override { TestReader::connectionLost(reason); }
    std::optional<Reason> doWrite() override {
        ++writes;
        return onWrite ? onWrite() : std::nullopt;
    }
    int writes = 0;
    std::function<std::optional<Reason>()> onWrite;
};

/// The reactor's list as a vector, to index.
std::vector<std::shared_ptr<FileDescriptor>> listed(
    const std::list<std::shared_ptr<FileDescriptor>>& list) {
    return {list.begin(), list.end()};
}

// --- read descriptors -------------------------------------------------------------

TEST(Reactor, ReadableDescriptorGetsDoRead) {
    Reactor reactor;
    SocketPair pair(reactor);
    auto reader = std::make_shared<TestReader>(pair.ours);
    reader->onRead = [&] {
        auto why = reader->drain();
        reactor.stop();
        return why;
    };
    reactor.addReader(reader);
    pair.send("hello");
    runUntilStopped(reactor);
    EXPECT_EQ(reader->reads, 1);
    EXPECT_EQ(reader->data, "hello");
}

TEST(Reactor, DescriptorWithNothingToReadGetsNoDoRead) {
    Reactor reactor;
    SocketPair pair(reactor);
    auto reader = std::make_shared<TestReader>(pair.ours);
    reactor.addReader(reader);
    stopAfterTwoTurns(reactor);
    runUntilStopped(reactor);
    EXPECT_EQ(reader->reads, 0);
    EXPECT_EQ(reactor.getReaders().size(), 1u);
}

TEST(Reactor, DoReadIsCalledAgainForMoreData) {
    Reactor reactor;
    SocketPair pair(reactor);
    auto reader = std::make_shared<TestReader>(pair.ours);
    reader->onRead = [&] {
        auto why = reader->drain();
        if (reader->data == "one") {
            pair.send("two");
        } else if (reader->data == "onetwo") {
            reactor.stop();
        }
        return why;
    };
    reactor.addReader(reader);
    pair.send("one");
    runUntilStopped(reactor);
    EXPECT_EQ(reader->data, "onetwo");
    EXPECT_EQ(reader->reads, 2);
}

TEST(Reactor, RemoveReaderStopsCallbacks) {
    Reactor reactor;
    SocketPair pair(reactor);
    auto reader = std::make_shared<TestReader>(pair.ours);
    reader->onRead = [&] {
        // Leave the data unread: a reactor still watching would call again and again.
        reactor.removeReader(*reader);
        stopAfterTwoTurns(reactor);
        return std::nullopt;
    };
    reactor.addReader(reader);
    pair.send("unread");
    runUntilStopped(reactor);
    EXPECT_EQ(reader->reads, 1);
    EXPECT_TRUE(reactor.getReaders().empty());
    EXPECT_TRUE(reader->lost.empty()) << "removing is not losing the connection";
}

TEST(Reactor, RemoveReaderBeforeRunMeansNoCallback) {
    Reactor reactor;
    SocketPair pair(reactor);
    auto reader = std::make_shared<TestReader>(pair.ours);
    reactor.addReader(reader);
    pair.send("x");
    reactor.removeReader(*reader);
    reactor.removeReader(*reader);  // removing twice does nothing
    stopAfterTwoTurns(reactor);
    runUntilStopped(reactor);
    EXPECT_EQ(reader->reads, 0);
}

// A descriptor whose owner closes its socket while the reactor still waits on it:
// Asio ends the wait with operation_aborted, and the reactor reports that very
// error as a lost connection, once, and stops watching the descriptor.
TEST(Reactor, SocketClosedUnderAWaitIsALostConnection) {
    Reactor reactor;
    SocketPair pair(reactor);
    auto reader = std::make_shared<TestReader>(pair.ours);
    reader->onLost = [&](const Reason&) { stopAfterTwoTurns(reactor); };
    reactor.addReader(reader);
    reactor.callLater(Seconds(0), [&] { pair.ours.close(); });  // nothing to read: it waits
    runUntilStopped(reactor);
    EXPECT_EQ(reader->reads, 0);
    ASSERT_EQ(reader->lost.size(), 1u);
    EXPECT_TRUE(reader->lost[0].check(ReasonKind::ConnectionLost));
    EXPECT_EQ(reader->lost[0].errorCode(), asio::error::operation_aborted);
    EXPECT_TRUE(reactor.getReaders().empty());
}

TEST(Reactor, ReturnedReasonReachesConnectionLostOnceAndRemoves) {
    Reactor reactor;
    SocketPair pair(reactor);
    auto reader = std::make_shared<TestReader>(pair.ours);
    reader->onRead = [] { return Reason(ReasonKind::ConnectionLost, "gone"); };
    reader->onLost = [&](const Reason&) {
        EXPECT_TRUE(reactor.getReaders().empty()) << "removed before connectionLost";
        stopAfterTwoTurns(reactor);
    };
    reactor.addReader(reader);
    pair.send("still readable after the reason");
    runUntilStopped(reactor);
    EXPECT_EQ(reader->reads, 1);
    ASSERT_EQ(reader->lost.size(), 1u);
    EXPECT_TRUE(reader->lost[0].check(ReasonKind::ConnectionLost));
    EXPECT_EQ(reader->lost[0].message(), "gone");
    EXPECT_TRUE(reactor.getReaders().empty());
}

TEST(Reactor, EndOfFileIsConnectionDone) {
    Reactor reactor;
    SocketPair pair(reactor);
    auto reader = std::make_shared<TestReader>(pair.ours);
    reader->onLost = [&](const Reason&) { reactor.stop(); };
    reactor.addReader(reader);
    pair.send("last words");
    pair.theirs.close();
    runUntilStopped(reactor);
    EXPECT_EQ(reader->data, "last words");
    ASSERT_EQ(reader->lost.size(), 1u);
    EXPECT_EQ(reader->lost[0].kind(), ReasonKind::ConnectionDone);
}

TEST(Reactor, ExceptionFromDoReadBecomesConnectionLost) {
    Reactor reactor;
    SocketPair pair(reactor);
    auto reader = std::make_shared<TestReader>(pair.ours);
    reader->onRead = []() -> std::optional<Reason> { throw std::runtime_error("parse error"); };
    reader->onLost = [&](const Reason&) { stopAfterTwoTurns(reactor); };
    reactor.addReader(reader);
    pair.send("x");
    testing::internal::CaptureStderr();
    runUntilStopped(reactor);
    std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(err, "Unhandled error in TestReader: parse error\n") << "logged, as log.err does";
    EXPECT_EQ(reader->reads, 1);
    ASSERT_EQ(reader->lost.size(), 1u);
    EXPECT_EQ(reader->lost[0].kind(), ReasonKind::ConnectionLost);
    EXPECT_EQ(reader->lost[0].message(), "parse error");
    EXPECT_TRUE(reactor.getReaders().empty());
}

TEST(Reactor, ReaderRemovingItselfInsideDoReadIsSafe) {
    Reactor reactor;
    SocketPair pair(reactor);
    int reads = 0;
    std::weak_ptr<TestReader> weak;
    {
        // Only the reactor holds the reader: removing itself drops the last owner
        // while doRead is still running, which must be safe.
        auto reader = std::make_shared<TestReader>(pair.ours);
        TestReader* self = reader.get();
        reader->onRead = [&, self] {
            ++reads;
            reactor.removeReader(*self);
            self->data = "still alive";  // touches the object after its removal
            stopAfterTwoTurns(reactor);
            return std::nullopt;
        };
        weak = reader;
        reactor.addReader(std::move(reader));
    }
    pair.send("x");
    runUntilStopped(reactor);
    EXPECT_EQ(reads, 1);
    EXPECT_TRUE(weak.expired()) << "the reactor let go of the removed reader";
}

// ACE's rule: the reactor holds a descriptor while a wait on it is pending, so a timer
// may remove a reader that nobody else holds, and go on using it (under ASan a
// destroyed reader would be caught here).
TEST(Reactor, ATimerCanRemoveAReaderThatOnlyTheReactorHolds) {
    Reactor reactor;
    SocketPair pair(reactor);
    std::weak_ptr<TestReader> weak;
    {
        auto reader = std::make_shared<TestReader>(pair.ours);
        weak = reader;
        reactor.addReader(std::move(reader));
    }
    reactor.callLater(0s, [&] {
        TestReader* reader = weak.lock().get();  // the reactor's is the only reference
        reactor.removeReader(*reader);
        reader->data = "still alive";  // touches the object after its removal
        pair.send("too late");         // ends the pending wait: then it is let go
        stopAfterTwoTurns(reactor);
    });
    runUntilStopped(reactor);
    EXPECT_TRUE(weak.expired()) << "let go once its wait was over";
}

TEST(Reactor, RemovingAnotherReadyReaderInTheSameTurnPreventsItsDoRead) {
    Reactor reactor;
    SocketPair first(reactor);
    SocketPair second(reactor);
    auto a = std::make_shared<TestReader>(first.ours);
    auto b = std::make_shared<TestReader>(second.ours);
    // Both are readable before run(), so both waits complete in the same turn;
    // whichever runs first removes the other.
    a->onRead = [&] {
        reactor.removeReader(*b);
        stopAfterTwoTurns(reactor);
        return a->drain();
    };
    b->onRead = [&] {
        reactor.removeReader(*a);
        stopAfterTwoTurns(reactor);
        return b->drain();
    };
    reactor.addReader(a);
    reactor.addReader(b);
    first.send("a");
    second.send("b");
    runUntilStopped(reactor);
    EXPECT_EQ(a->reads + b->reads, 1);
    EXPECT_EQ(reactor.getReaders().size(), 1u);
}

TEST(Reactor, ReaderCanBeAddedAgainAfterRemoval) {
    Reactor reactor;
    SocketPair pair(reactor);
    auto reader = std::make_shared<TestReader>(pair.ours);
    reader->onRead = [&] {
        auto why = reader->drain();
        if (reader->reads == 1) {
            reactor.removeReader(*reader);
            reactor.addReader(reader);  // same turn, same fd
            pair.send("again");
        } else {
            reactor.stop();
        }
        return why;
    };
    reactor.addReader(reader);
    pair.send("once ");
    runUntilStopped(reactor);
    EXPECT_EQ(reader->data, "once again");
}

TEST(Reactor, GetReadersListsInTheOrderAdded) {
    Reactor reactor;
    SocketPair first(reactor);
    SocketPair second(reactor);
    auto a = std::make_shared<TestReader>(first.ours);
    auto b = std::make_shared<TestReader>(second.ours);
    reactor.addReader(b);
    reactor.addReader(a);
    reactor.addReader(b);  // already a reader: nothing changes
    auto readers = listed(reactor.getReaders());
    ASSERT_EQ(readers.size(), 2u);
    EXPECT_EQ(readers[0], b);
    EXPECT_EQ(readers[1], a);
}

TEST(Reactor, TheReactorNeverClosesADescriptorsSocket) {
    // The socket lives on an io_context of its own here, so that it can outlive the
    // reactor (which never runs: nothing waits on that other context).
    asio::io_context elsewhere;
    SocketPair pair(elsewhere);
    std::weak_ptr<TestReader> weak;
    {
        Reactor reactor;
        auto reader = std::make_shared<TestReader>(pair.ours);
        weak = reader;
        reactor.addReader(reader);
        reactor.removeReader(*reader);
        EXPECT_TRUE(pair.ours.is_open());
        reactor.addReader(reader);  // and one still registered when the reactor goes
    }
    EXPECT_TRUE(pair.ours.is_open());
    EXPECT_NE(::fcntl(pair.ours.native_handle(), F_GETFD), -1) << "the fd must still be open";
    EXPECT_TRUE(weak.lock() == nullptr || weak.lock()->lost.empty()) << "no connectionLost";
}

TEST(Reactor, DescriptorWithoutASocketIsRejected) {
    Reactor reactor;
    LocalSocket unopened(reactor.context());
    auto reader = std::make_shared<TestReader>(unopened);
    EXPECT_THROW(reactor.addReader(reader), std::invalid_argument);
    EXPECT_TRUE(reactor.getReaders().empty());
}

TEST(Reactor, ASocketClosedWithoutRemovalEndsItsDescriptorAndTheOthersGoOn) {
    Reactor reactor;
    SocketPair first(reactor);
    auto stale = std::make_shared<TestReader>(first.ours);
    reactor.addReader(stale);
    first.ours.close();          // while still registered: a bug in the caller, but a common one
    SocketPair second(reactor);  // the lowest free numbers: usually the same fd again
    auto fresh = std::make_shared<TestReader>(second.ours);
    fresh->onRead = [&] {
        auto why = fresh->drain();
        stopAfterTwoTurns(reactor);
        return why;
    };
    reactor.addReader(fresh);
    second.send("new socket");
    runUntilStopped(reactor);
    EXPECT_EQ(fresh->data, "new socket");
    EXPECT_EQ(stale->reads, 0);
    ASSERT_EQ(stale->lost.size(), 1u) << "the closed one is dropped, once";
    EXPECT_TRUE(stale->lost[0].check(ReasonKind::ConnectionLost));
    EXPECT_EQ(listed(reactor.getReaders()), listed({fresh}));
}

TEST(Reactor, AnExceptionFromConnectionLostIsReportedAndTheLoopGoesOn) {
    Reactor reactor;
    SocketPair pair(reactor);
    auto reader = std::make_shared<TestReader>(pair.ours);
    reader->onRead = [] { return Reason::connectionDone(); };
    reader->onLost = [&](const Reason&) {
        stopAfterTwoTurns(reactor);
        throw std::runtime_error("cleanup failed");
    };
    reactor.addReader(reader);
    pair.send("x");
    testing::internal::CaptureStderr();
    runUntilStopped(reactor);
    std::string err = testing::internal::GetCapturedStderr();
    EXPECT_NE(err.find("cleanup failed"), std::string::npos) << err;
    EXPECT_NE(err.find("TestReader"), std::string::npos) << "names the descriptor: " << err;
    EXPECT_EQ(reader->lost.size(), 1u);
}

TEST(Reactor, AClosedSocketIsRejectedAndLeavesNothingBehind) {
    Reactor reactor;
    SocketPair closed(reactor);
    closed.ours.close();
    auto reader = std::make_shared<TestReader>(closed.ours);
    EXPECT_THROW(reactor.addReader(reader), std::invalid_argument);
    EXPECT_TRUE(reactor.getReaders().empty());
    // The same descriptor, on an open socket again, works.
    SocketPair pair(reactor);
    closed.ours = std::move(pair.ours);
    reader->onRead = [&] {
        reactor.stop();
        return reader->drain();
    };
    reactor.addReader(reader);
    pair.send("x");
    runUntilStopped(reactor);
    EXPECT_EQ(reader->data, "x");
}

// --- write descriptors -----------------------------------------------------------

TEST(Reactor, WritableDescriptorGetsDoWriteUntilRemoved) {
    Reactor reactor;
    SocketPair pair(reactor);
    auto writer = std::make_shared<TestReadWriter>(pair.ours);
    writer->onWrite = [&] {
        if (writer->writes == 3) {
            reactor.removeWriter(*writer);
            stopAfterTwoTurns(reactor);
        }
        return std::nullopt;
    };
    reactor.addWriter(writer);
    EXPECT_EQ(reactor.getWriters().size(), 1u);
    runUntilStopped(reactor);
    EXPECT_EQ(writer->writes, 3);
    EXPECT_TRUE(reactor.getWriters().empty());
}

TEST(Reactor, OneDescriptorCanReadAndWriteTheSameFd) {
    Reactor reactor;
    SocketPair pair(reactor);
    auto both = std::make_shared<TestReadWriter>(pair.ours);
    both->onWrite = [&] {
        EXPECT_EQ(asio::write(pair.ours, asio::buffer(std::string("ping"))), 4u);
        reactor.removeWriter(*both);
        return std::nullopt;
    };
    both->onRead = [&] {
        auto why = both->drain();
        stopAfterTwoTurns(reactor);
        return why;
    };
    reactor.addReader(both);
    reactor.addWriter(both);
    pair.send("pong");
    runUntilStopped(reactor);
    EXPECT_EQ(both->writes, 1);
    EXPECT_EQ(both->data, "pong");
    char buffer[8] = {};
    EXPECT_EQ(pair.theirs.read_some(asio::buffer(buffer)), 4u);
    EXPECT_EQ(reactor.getReaders().size(), 1u);
    EXPECT_TRUE(reactor.getWriters().empty());
}

TEST(Reactor, ReasonFromDoWriteRemovesBothDirectionsOnce) {
    Reactor reactor;
    SocketPair pair(reactor);
    auto both = std::make_shared<TestReadWriter>(pair.ours);
    both->onWrite = [] { return Reason(ReasonKind::ConnectionAborted, "aborted"); };
    both->onRead = [&] { return both->drain(); };
    both->onLost = [&](const Reason&) { stopAfterTwoTurns(reactor); };
    reactor.addReader(both);
    reactor.addWriter(both);
    runUntilStopped(reactor);
    ASSERT_EQ(both->lost.size(), 1u);
    EXPECT_TRUE(both->lost[0].check(ReasonKind::ConnectionLost));
    EXPECT_TRUE(reactor.getReaders().empty());
    EXPECT_TRUE(reactor.getWriters().empty());
}

// --- run and stop ----------------------------------------------------------------

TEST(Reactor, StopWhenNotRunningIsAnError) {
    Reactor reactor;
    EXPECT_FALSE(reactor.running());
    EXPECT_THROW(reactor.stop(), ReactorNotRunning);
}

TEST(Reactor, StopTwiceInOneRunIsAnError) {
    Reactor reactor;
    bool threw = false;
    reactor.callLater(0s, [&] {
        EXPECT_TRUE(reactor.running());
        reactor.stop();
        EXPECT_FALSE(reactor.running());
        try {
            reactor.stop();
        } catch (const ReactorNotRunning&) {
            threw = true;
        }
    });
    runUntilStopped(reactor);
    EXPECT_TRUE(threw);
}

TEST(Reactor, RunBlocksWithNothingToWatchUntilStop) {
    Reactor reactor;
    bool stopped = false;
    reactor.callLater(20ms, [&] {
        stopped = true;
        reactor.stop();
    });
    reactor.run();
    EXPECT_TRUE(stopped);
    EXPECT_FALSE(reactor.running());
}

TEST(Reactor, StopWithDelayedCallsPendingReturnsAtOnce) {
    Reactor reactor;
    bool ranLate = false;
    auto late = reactor.callLater(Seconds(3600), [&] { ranLate = true; });
    reactor.callLater(0s, [&] { reactor.stop(); });
    reactor.run();  // returns without waiting an hour (the test's timeout would catch it)
    EXPECT_FALSE(ranLate);
    EXPECT_TRUE(late->active());
    ASSERT_EQ(reactor.getDelayedCalls().size(), 1u);
    EXPECT_EQ(reactor.getDelayedCalls()[0], late);
}

TEST(Reactor, StopOnSignalsTurnsSigintAndSigtermIntoStop) {
    for (int signo : {SIGINT, SIGTERM}) {
        Reactor reactor;
        reactor.stopOnSignals();
        bool ranLate = false;
        reactor.callLater(0s, [signo] { std::raise(signo); });  // as if Ctrl-C, mid-run
        auto late = reactor.callLater(Seconds(3600), [&] { ranLate = true; });
        reactor.run();  // returns because of the signal, not the hour-long call
        EXPECT_FALSE(ranLate);
        EXPECT_FALSE(reactor.running());
        late->cancel();
    }
}

TEST(Reactor, StopOnSignalsWorksForEveryRun) {
    Reactor reactor;
    reactor.stopOnSignals();
    for (int round = 0; round < 3; ++round) {
        reactor.callLater(0s, [] { std::raise(SIGINT); });
        bool guardFired = false;
        auto guard = reactor.callLater(10s, [&] {
            guardFired = true;
            reactor.stop();
        });
        reactor.run();
        EXPECT_FALSE(guardFired) << "round " << round << ": SIGINT did not stop the reactor";
        if (guard->active()) {
            guard->cancel();
        }
    }
}

TEST(Reactor, RunsAgainAfterStop) {
    Reactor reactor;
    int runs = 0;
    for (int i = 0; i < 2; ++i) {
        reactor.callLater(0s, [&] {
            ++runs;
            reactor.stop();
        });
        runUntilStopped(reactor);
    }
    EXPECT_EQ(runs, 2);
}

// --- delayed calls ---------------------------------------------------------------
//
// Which due call runs first (by time, ties in scheduling order, a cancelled one
// never) is the CallQueue's, which the test Clock shares: clock_test.cpp shows it
// with time moved by hand. Here, what the reactor adds: one Asio timer set for the
// earliest call, moved when a call is moved, and calls that run from inside run().
// No test waits for a real delay to pass; each call is due at once, or after one
// that is.

// The reactor's own rule: a call scheduled while due calls run waits for the next
// turn of the loop, so a call that keeps rescheduling itself at once cannot keep a
// ready descriptor waiting. (The Clock runs such calls at once, as Twisted's does.)
TEST(Reactor, ACallThatReschedulesItselfAtOnceLetsAReadyDescriptorRun) {
    Reactor reactor;
    SocketPair pair(reactor);
    auto reader = std::make_shared<TestReader>(pair.ours);
    reader->onRead = [&] {
        reactor.stop();
        return reader->drain();
    };
    reactor.addReader(reader);
    int rounds = 0;
    std::function<void()> again = [&] {
        if (++rounds == 1) {
            pair.send("x");  // readable from now on
        }
        if (rounds < 1000) {
            reactor.callLater(0s, again);
        }
    };
    reactor.callLater(0s, again);
    runUntilStopped(reactor);
    EXPECT_EQ(reader->reads, 1);
    EXPECT_LT(rounds, 1000) << "the rescheduled call ran on and on before the readable socket";
}

TEST(Reactor, ACancelledCallNeverRuns) {
    Reactor reactor;
    bool ran = false;
    auto call = reactor.callLater(0s, [&] { ran = true; });  // the timer is set for it
    call->cancel();
    EXPECT_TRUE(reactor.getDelayedCalls().empty());
    stopAfterTwoTurns(reactor);
    runUntilStopped(reactor);
    EXPECT_FALSE(ran);
}

TEST(Reactor, CancelAfterRunIsAnError) {
    Reactor reactor;
    auto call = reactor.callLater(0s, [&] { reactor.stop(); });
    runUntilStopped(reactor);
    EXPECT_FALSE(call->active());
    EXPECT_THROW(call->cancel(), AlreadyCalled);
    EXPECT_THROW(call->reset(1s), AlreadyCalled);
    EXPECT_THROW(call->delay(1s), AlreadyCalled);
}

// Both are due in the same turn: the first one's cancel() reaches the second in time.
TEST(Reactor, ACallCanCancelAnotherFromInsideItsOwnCallback) {
    Reactor reactor;
    std::string order;
    std::shared_ptr<DelayedCall> b;
    reactor.callLater(0s, [&] {
        order += 'a';
        b->cancel();
    });
    b = reactor.callLater(0s, [&] { order += 'b'; });
    stopAfterTwoTurns(reactor);
    runUntilStopped(reactor);
    EXPECT_EQ(order, "a");
}

// The timer, set for an hour from now, is moved to now.
TEST(Reactor, ResetBringsACallForward) {
    Reactor reactor;
    bool ran = false;
    auto call = reactor.callLater(Seconds(3600), [&] {
        ran = true;
        reactor.stop();
    });
    call->reset(0s);
    runUntilStopped(reactor);
    EXPECT_TRUE(ran);
}

// `a` was due first; delayed to just after `b`, it runs after it, whatever the time
// between the two calls to callLater(). The timer stays set for `a`'s first time;
// whatever it finds due then, it is set again until `a` is due.
TEST(Reactor, DelayPushesACallBack) {
    Reactor reactor;
    std::string order;
    auto a = reactor.callLater(0s, [&] {
        order += 'a';
        reactor.stop();
    });
    auto b = reactor.callLater(0s, [&] { order += 'b'; });
    a->delay(b->getTime() - a->getTime() + 1ms);
    EXPECT_GT(a->getTime(), b->getTime());
    runUntilStopped(reactor);
    EXPECT_EQ(order, "ba");
}

TEST(Reactor, AnExceptionInADelayedCallIsReportedAndTheLoopGoesOn) {
    Reactor reactor;
    bool after = false;
    reactor.callLater(0s, [] { throw std::runtime_error("boom"); });
    reactor.callLater(0s, [&] {  // due after the one that throws
        after = true;
        reactor.stop();
    });
    testing::internal::CaptureStderr();
    runUntilStopped(reactor);
    std::string err = testing::internal::GetCapturedStderr();
    EXPECT_TRUE(after);
    EXPECT_NE(err.find("boom"), std::string::npos) << err;
    EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
}

TEST(Reactor, ADelayedCallCanRemoveAReader) {
    Reactor reactor;
    SocketPair pair(reactor);
    auto reader = std::make_shared<TestReader>(pair.ours);
    reactor.addReader(reader);
    reactor.callLater(0s, [&] {
        reactor.removeReader(*reader);
        pair.send("too late");
        stopAfterTwoTurns(reactor);
    });
    runUntilStopped(reactor);
    EXPECT_EQ(reader->reads, 0);
}

TEST(Reactor, AHandleOutlivingItsReactorCanStillBeCancelled) {
    std::shared_ptr<DelayedCall> call;
    {
        Reactor reactor;
        call = reactor.callLater(1s, [] {});
    }
    EXPECT_NO_THROW(call->cancel());
}

}  // namespace
