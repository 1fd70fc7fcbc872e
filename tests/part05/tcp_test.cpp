// The TCP layer inside one process: listenTCP and connectTCP over loopback, on a
// real part04 reactor. Each test arms a safety stop so a bug cannot hang it.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "part04-raw-reactor/reactor.hpp"
#include "part05-protocols/connect.hpp"
#include "part05-protocols/factory.hpp"
#include "part05-protocols/listen.hpp"
#include "part05-protocols/protocol.hpp"
#include "part05-protocols/tcp.hpp"
#include "support/process.hpp"
#include "support/socket.hpp"

namespace {

using poetry::Address;
using poetry::protocols::ClientFactoryFor;
using poetry::protocols::Connector;
using poetry::protocols::Protocol;
using poetry::protocols::ServerFactoryFor;
using poetry::reactor::kindName;
using poetry::reactor::Reactor;
using poetry::reactor::Reason;
using poetry::reactor::ReasonKind;
using poetry::reactor::Seconds;

// Runs the reactor until something stops it, or fails the test after `limit`.
void runWithLimit(Reactor& reactor, Seconds limit = Seconds(20)) {
    bool timedOut = false;
    auto guard = reactor.callLater(limit, [&] {
        timedOut = true;
        reactor.stop();
    });
    reactor.run();
    if (guard->active()) {
        guard->cancel();
    }
    ASSERT_FALSE(timedOut) << "the reactor was never stopped";
}

// ---- the server side: writes `payload`, then does what `ending` says ----

enum class Ending { Lose, Abort, Nothing };

class ServeProtocol;

class ServeFactory : public ServerFactoryFor<ServeProtocol> {
  public:
    std::string payload = "hello";
    Ending ending = Ending::Lose;
    std::vector<std::string> lost;  // the reasons the server's connections ended with
};

class ServeProtocol : public Protocol {
  public:
    void connectionMade() override {
        auto& f = factoryAs<ServeFactory>();
        transport()->write(f.payload);
        if (f.ending == Ending::Lose) {
            transport()->loseConnection();
        } else if (f.ending == Ending::Abort) {
            transport()->abortConnection();
        }
    }
    void connectionLost(const Reason& reason) override {
        factoryAs<ServeFactory>().lost.push_back(kindName(reason.kind()));
    }
};

// ---- the client side: records every callback, in order ----

class RecordingProtocol;

class RecordingFactory : public ClientFactoryFor<RecordingProtocol> {
  public:
    explicit RecordingFactory(Reactor& reactor) : reactor(reactor) {}

    std::unique_ptr<Protocol> buildProtocol(const Address& address) override {
        events.push_back("buildProtocol");
        peerAtBuild = address;
        if (refuse) {
            return nullptr;
        }
        return ClientFactoryFor<RecordingProtocol>::buildProtocol(address);
    }
    void startedConnecting(Connector&) override { events.push_back("startedConnecting"); }
    void clientConnectionFailed(Connector& connector, const Reason& reason) override {
        events.push_back(std::string("clientConnectionFailed ") + kindName(reason.kind()));
        failReason = reason.message();
        destination = connector.getDestination();
        stateAtEnd = connector.state();
        reactor.stop();
    }
    void clientConnectionLost(Connector& connector, const Reason& reason) override {
        events.push_back(std::string("clientConnectionLost ") + kindName(reason.kind()));
        stateAtEnd = connector.state();
        reactor.stop();
    }

    Reactor& reactor;
    std::vector<std::string> events;
    std::string received;
    std::string failReason;
    Address destination;
    Address peerAtBuild;
    Address peerSeen;
    Address hostSeen;
    Connector::State stateAtEnd = Connector::State::Connecting;
    bool refuse = false;
    bool abortOnConnect = false;
    enum class Later { Nothing, Lose, Abort } closeLater = Later::Nothing;
};

class RecordingProtocol : public Protocol {
  public:
    void connectionMade() override {
        auto& f = factoryAs<RecordingFactory>();
        f.events.push_back("connectionMade");
        f.peerSeen = transport()->getPeer();
        f.hostSeen = transport()->getHost();
        if (f.abortOnConnect) {
            transport()->abortConnection();
        }
        if (f.closeLater != RecordingFactory::Later::Nothing) {
            // From a timer: no reactor dispatch holds the transport while this runs.
            f.reactor.callLater(Seconds(0.01), [this, how = f.closeLater] {
                if (how == RecordingFactory::Later::Lose) {
                    transport()->loseConnection();
                } else {
                    transport()->abortConnection();
                }
            });
        }
    }
    void dataReceived(std::string_view data) override {
        factoryAs<RecordingFactory>().received.append(data);
    }
    void connectionLost(const Reason& reason) override {
        factoryAs<RecordingFactory>().events.push_back(std::string("connectionLost ") +
                                                       kindName(reason.kind()));
    }
};

TEST(ListenTCP, PortZeroReportsTheRealPort) {
    Reactor reactor;
    ServeFactory serverFactory;
    auto port = poetry::protocols::listenTCP(reactor, 0, serverFactory);
    EXPECT_NE(port->getHost().port, 0);
    EXPECT_EQ(port->getHost().host, "127.0.0.1");
    EXPECT_EQ(reactor.getReaders().size(), 1u);
    port->stopListening();
    EXPECT_TRUE(reactor.getReaders().empty());
}

// Out of descriptors, a port pauses accepting for a moment; stopListening() in that
// moment leaves nothing armed. The process's own limit is lowered to make it happen.
TEST(ListenTCP, StopListeningWhilePausedLeavesNothingArmed) {
#ifdef POETRY_SANITIZED
    GTEST_SKIP() << "UBSan's memory probe needs a spare descriptor (see programs_test)";
#endif
    Reactor reactor;
    ServeFactory serverFactory;
    auto port = poetry::protocols::listenTCP(reactor, 0, serverFactory);
    poetry::test::ClientSocket waiting(port->getHost().port);  // made before the limit drops

    testing::internal::CaptureStderr();  // before the limit: it needs descriptors too
    rlimit saved{};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
    int lowestFree = ::dup(0);
    ASSERT_GE(lowestFree, 0);
    ::close(lowestFree);
    rlimit tight = saved;
    tight.rlim_cur = static_cast<rlim_t>(lowestFree);  // no new descriptor at all
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &tight), 0);

    bool wasPaused = false;
    reactor.callLater(Seconds(0.05), [&] {
        wasPaused = reactor.getDelayedCalls().size() == 2;  // the resume, and this one's guard
        port->stopListening();
        reactor.stop();
    });
    runWithLimit(reactor);
    setrlimit(RLIMIT_NOFILE, &saved);
    std::string err = testing::internal::GetCapturedStderr();

    EXPECT_NE(err.find("cannot accept"), std::string::npos) << err;
    EXPECT_TRUE(wasPaused) << "the port should have been waiting to resume";
    EXPECT_TRUE(reactor.getDelayedCalls().empty()) << "stopListening() left a call armed";
}

TEST(ListenTCP, BadInterfaceIsAClearError) {
    Reactor reactor;
    ServeFactory serverFactory;
    EXPECT_THROW(poetry::protocols::listenTCP(reactor, 0, serverFactory, "not-an-ip"),
                 std::runtime_error);
}

TEST(ConnectTCP, ProtocolHearsConnectionLostBeforeTheFactoryHearsClientConnectionLost) {
    Reactor reactor;
    ServeFactory serverFactory;
    auto port = poetry::protocols::listenTCP(reactor, 0, serverFactory);
    RecordingFactory factory(reactor);
    auto connector =
        poetry::protocols::connectTCP(reactor, "127.0.0.1", port->getHost().port, factory);
    EXPECT_EQ(connector->state(), Connector::State::Connecting);
    runWithLimit(reactor);

    EXPECT_EQ(factory.events,
              (std::vector<std::string>{"startedConnecting", "buildProtocol", "connectionMade",
                                        "connectionLost ConnectionDone",
                                        "clientConnectionLost ConnectionDone"}));
    EXPECT_EQ(factory.received, "hello");
    EXPECT_EQ(factory.peerSeen, port->getHost());
    EXPECT_EQ(factory.peerAtBuild, port->getHost());
    EXPECT_EQ(factory.hostSeen.host, "127.0.0.1");
    EXPECT_EQ(factory.stateAtEnd, Connector::State::Disconnected);
    EXPECT_EQ(connector->getDestination(), (Address{"127.0.0.1", port->getHost().port}));
    // Nothing left behind: the connect timeout was cancelled, the transport is gone.
    EXPECT_TRUE(reactor.getDelayedCalls().empty());
    EXPECT_TRUE(reactor.getWriters().empty());
    EXPECT_EQ(reactor.getReaders().size(), 1u);  // only the listening port
}

TEST(ConnectTCP, RefusedReachesClientConnectionFailed) {
    Reactor reactor;
    RecordingFactory factory(reactor);
    const auto port = poetry::test::refusedPort();
    poetry::protocols::connectTCP(reactor, "127.0.0.1", port, factory);
    runWithLimit(reactor);
    EXPECT_EQ(factory.events,
              (std::vector<std::string>{"startedConnecting",
                                        "clientConnectionFailed ConnectionRefused"}));
    EXPECT_EQ(factory.destination, (Address{"127.0.0.1", port}));
    EXPECT_EQ(factory.stateAtEnd, Connector::State::Disconnected);
    EXPECT_TRUE(reactor.getDelayedCalls().empty());
    EXPECT_TRUE(reactor.getWriters().empty());
}

TEST(ConnectTCP, UnknownHostIsADNSLookupError) {
    Reactor reactor;
    RecordingFactory factory(reactor);
    poetry::protocols::connectTCP(reactor, "no-such-poetry-server.invalid", 10000, factory);
    runWithLimit(reactor);
    EXPECT_EQ(factory.events, (std::vector<std::string>{"startedConnecting",
                                                        "clientConnectionFailed DNSLookupError"}));
    EXPECT_NE(factory.failReason.find("no-such-poetry-server.invalid"), std::string::npos);
    EXPECT_TRUE(reactor.getDelayedCalls().empty());
}

TEST(ConnectTCP, AHostNameIsResolved) {
    Reactor reactor;
    ServeFactory serverFactory;
    auto port = poetry::protocols::listenTCP(reactor, 0, serverFactory);
    RecordingFactory factory(reactor);
    poetry::protocols::connectTCP(reactor, "localhost", port->getHost().port, factory);
    runWithLimit(reactor);
    EXPECT_EQ(factory.received, "hello");
}

TEST(ConnectTCP, StopConnectingFailsTheAttemptAtOnce) {
    Reactor reactor;
    RecordingFactory factory(reactor);
    auto connector = poetry::protocols::connectTCP(reactor, "127.0.0.1", 9, factory);
    reactor.callLater(Seconds(0), [&] { connector->stopConnecting(); });
    runWithLimit(reactor);
    EXPECT_EQ(factory.events, (std::vector<std::string>{"startedConnecting",
                                                        "clientConnectionFailed ConnectError"}));
    EXPECT_EQ(factory.failReason, "User aborted connection.");
    EXPECT_THROW(connector->stopConnecting(), poetry::protocols::NotConnectingError);
    EXPECT_TRUE(reactor.getDelayedCalls().empty());
}

TEST(ConnectTCP, NoAnswerWithinTheTimeoutIsATimeoutError) {
    // A listener with a backlog of 0 and one connection already queued drops the
    // next SYN, so that connect cannot finish before our short timeout.
    int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    ASSERT_GE(listener, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    ASSERT_EQ(::listen(listener, 0), 0);
    socklen_t length = sizeof address;
    ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length);
    std::vector<int> fillers;
    for (int i = 0; i < 2; ++i) {
        int filler = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
        ::connect(filler, reinterpret_cast<sockaddr*>(&address), sizeof address);
        fillers.push_back(filler);
    }
    ::usleep(100 * 1000);

    Reactor reactor;
    RecordingFactory factory(reactor);
    poetry::protocols::connectTCP(reactor, "127.0.0.1", ntohs(address.sin_port), factory,
                                  Seconds(0.3));
    runWithLimit(reactor);
    for (int fd : fillers) {
        ::close(fd);
    }
    ::close(listener);
    EXPECT_EQ(factory.events, (std::vector<std::string>{"startedConnecting",
                                                        "clientConnectionFailed TimeoutError"}));
    EXPECT_TRUE(reactor.getWriters().empty());
}

TEST(Transport, LoseConnectionFlushesEverythingFirst) {
    Reactor reactor;
    ServeFactory serverFactory;
    serverFactory.payload.assign(4 * 1024 * 1024 + 17, 'x');
    for (std::size_t i = 0; i < serverFactory.payload.size(); i += 4096) {
        serverFactory.payload[i] = static_cast<char>('a' + (i / 4096) % 26);
    }
    auto port = poetry::protocols::listenTCP(reactor, 0, serverFactory);
    RecordingFactory factory(reactor);
    poetry::protocols::connectTCP(reactor, "127.0.0.1", port->getHost().port, factory);
    runWithLimit(reactor);
    EXPECT_TRUE(factory.received == serverFactory.payload)
        << "got " << factory.received.size() << " of " << serverFactory.payload.size();
    EXPECT_EQ(factory.events.back(), "clientConnectionLost ConnectionDone");
}

TEST(Transport, AbortConnectionIsConnectionAborted) {
    Reactor reactor;
    ServeFactory serverFactory;
    serverFactory.ending = Ending::Nothing;
    auto port = poetry::protocols::listenTCP(reactor, 0, serverFactory);
    RecordingFactory factory(reactor);
    factory.abortOnConnect = true;
    poetry::protocols::connectTCP(reactor, "127.0.0.1", port->getHost().port, factory);
    runWithLimit(reactor);
    EXPECT_EQ(factory.events,
              (std::vector<std::string>{"startedConnecting", "buildProtocol", "connectionMade",
                                        "connectionLost ConnectionAborted",
                                        "clientConnectionLost ConnectionAborted"}));
    Reason aborted(ReasonKind::ConnectionAborted, "");
    EXPECT_TRUE(aborted.check(ReasonKind::ConnectionLost));
}

// A protocol may close its connection from a timer, where the reactor's own
// reference is the only one keeping the transport alive (ex1's timeout does this).
TEST(Transport, LoseAndAbortFromATimerAreSafe) {
    using Later = RecordingFactory::Later;
    for (Later how : {Later::Lose, Later::Abort}) {
        Reactor reactor;
        ServeFactory serverFactory;
        serverFactory.ending = Ending::Nothing;
        auto port = poetry::protocols::listenTCP(reactor, 0, serverFactory);
        RecordingFactory factory(reactor);
        factory.closeLater = how;
        poetry::protocols::connectTCP(reactor, "127.0.0.1", port->getHost().port, factory);
        runWithLimit(reactor);
        const char* kind = how == Later::Lose ? "ConnectionDone" : "ConnectionAborted";
        ASSERT_GE(factory.events.size(), 2u);
        EXPECT_EQ(factory.events[factory.events.size() - 2], std::string("connectionLost ") + kind);
        EXPECT_EQ(factory.events.back(), std::string("clientConnectionLost ") + kind);
    }
}

TEST(Transport, APeerThatAbortsIsALostConnectionNotADoneOne) {
    Reactor reactor;
    ServeFactory serverFactory;
    serverFactory.ending = Ending::Abort;
    auto port = poetry::protocols::listenTCP(reactor, 0, serverFactory);
    RecordingFactory factory(reactor);
    poetry::protocols::connectTCP(reactor, "127.0.0.1", port->getHost().port, factory);
    runWithLimit(reactor);
    ASSERT_FALSE(factory.events.empty());
    EXPECT_EQ(factory.events.back(), "clientConnectionLost ConnectionLost");
}

TEST(Connector, DisconnectClosesAMadeConnectionCleanly) {
    Reactor reactor;
    ServeFactory serverFactory;
    serverFactory.ending = Ending::Nothing;  // the server would never close
    auto port = poetry::protocols::listenTCP(reactor, 0, serverFactory);
    RecordingFactory factory(reactor);
    auto connector =
        poetry::protocols::connectTCP(reactor, "127.0.0.1", port->getHost().port, factory);
    std::function<void()> poll = [&] {
        if (connector->state() == Connector::State::Connected && factory.received == "hello") {
            connector->disconnect();
        } else {
            reactor.callLater(Seconds(0.01), poll);
        }
    };
    reactor.callLater(Seconds(0.01), poll);
    runWithLimit(reactor);
    EXPECT_EQ(factory.events.back(), "clientConnectionLost ConnectionDone");
}

TEST(Factory, ABuildProtocolThatReturnsNullClosesTheConnection) {
    Reactor reactor;
    ServeFactory serverFactory;
    serverFactory.ending = Ending::Nothing;
    auto port = poetry::protocols::listenTCP(reactor, 0, serverFactory);
    RecordingFactory factory(reactor);
    factory.refuse = true;
    poetry::protocols::connectTCP(reactor, "127.0.0.1", port->getHost().port, factory);
    runWithLimit(reactor);
    EXPECT_EQ(factory.events, (std::vector<std::string>{"startedConnecting", "buildProtocol",
                                                        "clientConnectionLost ConnectionDone"}));
}

// A factory may try again from clientConnectionFailed(): the same connector
// starts a fresh attempt, and its callbacks come once per attempt.
class RetryingFactory : public ClientFactoryFor<Protocol> {
  public:
    explicit RetryingFactory(Reactor& reactor) : reactor(reactor) {}
    void startedConnecting(Connector&) override { ++attempts; }
    void clientConnectionFailed(Connector& connector, const Reason&) override {
        if (attempts < 3) {
            connector.connect();
        } else {
            reactor.stop();
        }
    }
    Reactor& reactor;
    int attempts = 0;
};

TEST(Connector, ConnectAgainAfterAFailureRetries) {
    Reactor reactor;
    RetryingFactory factory(reactor);
    auto connector =
        poetry::protocols::connectTCP(reactor, "127.0.0.1", poetry::test::refusedPort(), factory);
    runWithLimit(reactor);
    EXPECT_EQ(factory.attempts, 3);
    EXPECT_EQ(connector->state(), Connector::State::Disconnected);
    EXPECT_TRUE(reactor.getDelayedCalls().empty());
    EXPECT_THROW(
        {
            connector->connect();
            connector->connect();
        },
        std::logic_error);
}

// Every connection's dataReceived() sees bytes in the one process-wide buffer,
// not in a buffer of its own.
class WhereProtocol;

class WhereFactory : public ClientFactoryFor<WhereProtocol> {
  public:
    explicit WhereFactory(Reactor& reactor) : reactor(reactor) {}
    void clientConnectionLost(Connector&, const Reason&) override {
        if (++ended == 2) {
            reactor.stop();
        }
    }
    Reactor& reactor;
    int ended = 0;
    std::vector<const char*> seen;  // where each chunk's bytes were
};

class WhereProtocol : public Protocol {
  public:
    void dataReceived(std::string_view data) override {
        factoryAs<WhereFactory>().seen.push_back(data.data());
    }
};

TEST(Transport, ReadBufferIsSharedByEveryConnection) {
    auto shared = poetry::protocols::sharedReadBuffer();
    EXPECT_EQ(shared.size(), 64u * 1024u);
    Reactor reactor;
    ServeFactory serverFactory;
    serverFactory.payload = "two connections, one buffer";
    auto port = poetry::protocols::listenTCP(reactor, 0, serverFactory);
    WhereFactory factory(reactor);
    for (int i = 0; i < 2; ++i) {
        poetry::protocols::connectTCP(reactor, "127.0.0.1", port->getHost().port, factory);
    }
    runWithLimit(reactor);
    ASSERT_GE(factory.seen.size(), 2u);
    for (const char* where : factory.seen) {
        EXPECT_EQ(where, shared.data()) << "a chunk was read into some other buffer";
    }
}

}  // namespace
