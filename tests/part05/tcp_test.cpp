// The TCP layer inside one process: listenTCP and connectTCP over loopback, on a
// real part04 reactor. Each test arms a safety stop so a bug cannot hang it.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "part04-raw-reactor/reactor.hpp"
#include "part05-protocols/connect.hpp"
#include "part05-protocols/factory.hpp"
#include "part05-protocols/listen.hpp"
#include "part05-protocols/protocol.hpp"
#include "part05-protocols/tcp.hpp"
#include "support/process.hpp"
#include "support/reactor.hpp"
#include "support/sanitizers.hpp"
#include "support/socket.hpp"

namespace {

using poetry::Address;
using poetry::protocols::ClientFactory;
using poetry::protocols::Connector;
using poetry::protocols::Protocol;
using poetry::protocols::ServerFactory;
using poetry::reactor::errnoCode;
using poetry::reactor::kindName;
using poetry::reactor::Reactor;
using poetry::reactor::Reason;
using poetry::reactor::ReasonKind;
using poetry::reactor::Seconds;
using poetry::test::runUntilStopped;

// ---- the server side: writes `payload`, then does what `ending` says ----

enum class Ending { Lose, Abort, Nothing };

class ServeProtocol;

class ServeFactory : public ServerFactory {
  public:
    ServeFactory();  // builds ServeProtocols: defined below, once that class is whole

    std::unique_ptr<Protocol> buildProtocol(const Address& address) override {
        ++builds;
        if (refuse) {
            return nullptr;
        }
        return ServerFactory::buildProtocol(address);
    }

    std::string payload = "hello";
    Ending ending = Ending::Lose;
    bool refuse = false;                   // buildProtocol() returns null
    int builds = 0;                        // how many times buildProtocol() was called
    int dataReceived = 0;                  // how many times a protocol's dataReceived() ran
    std::vector<std::string> lost;         // the reasons the server's connections ended with
    std::optional<Reason> lastLost;        // the last of them, whole
    std::function<void()> onLost = [] {};  // called after each connectionLost()
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
    void dataReceived(std::string_view) override { ++factoryAs<ServeFactory>().dataReceived; }
    void connectionLost(const Reason& reason) override {
        auto& f = factoryAs<ServeFactory>();
        f.lost.push_back(kindName(reason.kind()));
        f.lastLost = reason;
        f.onLost();
    }
};

ServeFactory::ServeFactory() {
    setProtocol<ServeProtocol>();
}

// ---- the client side: records every callback, in order ----

class RecordingProtocol;

class RecordingFactory : public ClientFactory {
  public:
    explicit RecordingFactory(Reactor& reactor);  // builds RecordingProtocols: see below

    std::unique_ptr<Protocol> buildProtocol(const Address& address) override {
        events.push_back("buildProtocol");
        peerAtBuild = address;
        if (throwOnBuild) {
            throw std::runtime_error("no protocol today");
        }
        if (refuse) {
            return nullptr;
        }
        return ClientFactory::buildProtocol(address);
    }
    void startedConnecting(Connector&) override { events.push_back("startedConnecting"); }
    void clientConnectionFailed(Connector& connector, const Reason& reason) override {
        events.push_back(std::string("clientConnectionFailed ") + kindName(reason.kind()));
        failReason = reason.message();
        failure = reason;
        destination = connector.getDestination();
        stateAtEnd = connector.state();
        reactor.stop();
    }
    void clientConnectionLost(Connector& connector, const Reason& reason) override {
        events.push_back(std::string("clientConnectionLost ") + kindName(reason.kind()));
        stateAtEnd = connector.state();
        if (stopAtEnd) {
            reactor.stop();
        }
    }

    Reactor& reactor;
    std::vector<std::string> events;
    std::string received;
    std::string failReason;
    std::optional<Reason> failure;  // what clientConnectionFailed() was given
    Address destination;
    Address peerAtBuild;
    Address peerSeen;
    Address hostSeen;
    Connector::State stateAtEnd = Connector::State::Connecting;
    bool refuse = false;        // buildProtocol() returns null
    bool throwOnBuild = false;  // buildProtocol() throws
    bool abortOnConnect = false;
    bool stopAtEnd = true;                 // clientConnectionLost() stops the reactor
    std::function<void()> onData = [] {};  // called after each dataReceived()
    enum class Later { Nothing, Lose, Abort } closeLater = Later::Nothing;
    Address peerAfterClose;  // read from the transport right after closeLater closed it
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
            // From a timer: no reactor dispatch holds the transport while this runs,
            // and nothing but the reactor owns it. Its pending read does: the transport
            // must survive the removal that closing makes, and still answer after it.
            f.reactor.callLater(Seconds(0.01), [this, how = f.closeLater] {
                if (how == RecordingFactory::Later::Lose) {
                    transport()->loseConnection();
                } else {
                    transport()->abortConnection();
                }
                factoryAs<RecordingFactory>().peerAfterClose = transport()->getPeer();
            });
        }
    }
    void dataReceived(std::string_view data) override {
        auto& f = factoryAs<RecordingFactory>();
        f.received.append(data);
        f.onData();
    }
    void connectionLost(const Reason& reason) override {
        factoryAs<RecordingFactory>().events.push_back(std::string("connectionLost ") +
                                                       kindName(reason.kind()));
    }
};

RecordingFactory::RecordingFactory(Reactor& reactor) : reactor(reactor) {
    setProtocol<RecordingProtocol>();
}

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

// Out of descriptors, accept() fails while the waiting client keeps the listening
// socket readable: a port that kept watching it would have doRead() called again at
// once, forever (a spin). The test plays the reactor and calls doRead() itself once,
// with the process's own limit lowered so that no descriptor is left, and looks at
// what the port left registered: no timing involved.
class OutOfDescriptors : public testing::Test {
  protected:
    void SetUp() override {
        POETRY_SKIP_WHERE_UBSAN_NEEDS_DESCRIPTORS();
        port = poetry::protocols::listenTCP(reactor, 0, serverFactory);
        waiting.emplace(port->getHost().port);  // made before the limit drops
    }

    // Calls the port's doRead() with no descriptor to spare; returns its stderr.
    std::string doReadWithNoDescriptorLeft() {
        testing::internal::CaptureStderr();  // before the limit: it needs descriptors too
        rlimit saved{};
        EXPECT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
        int lowestFree = ::dup(0);
        EXPECT_GE(lowestFree, 0);
        ::close(lowestFree);
        rlimit tight = saved;
        tight.rlim_cur = static_cast<rlim_t>(lowestFree);  // no new descriptor at all
        EXPECT_EQ(setrlimit(RLIMIT_NOFILE, &tight), 0);
        auto why = port->doRead();
        setrlimit(RLIMIT_NOFILE, &saved);
        EXPECT_FALSE(why) << "the port must live on";
        return testing::internal::GetCapturedStderr();
    }

    Reactor reactor;
    ServeFactory serverFactory;
    std::shared_ptr<poetry::protocols::Port> port;
    std::optional<poetry::test::ClientSocket> waiting;
};

TEST_F(OutOfDescriptors, ThePortStopsWatchingAndArmsOneResume) {
    std::string err = doReadWithNoDescriptorLeft();
    EXPECT_NE(err.find("cannot accept: too many open files (limit "), std::string::npos) << err;
    EXPECT_TRUE(reactor.getReaders().empty()) << "still watched: doRead() would come back at once";
    ASSERT_EQ(reactor.getDelayedCalls().size(), 1u);
    EXPECT_LE(reactor.getDelayedCalls()[0]->getTime() - reactor.seconds(),
              poetry::protocols::kAcceptPause);

    // Descriptors are back: the resume watches the socket again, and the waiting
    // client is served (the server's connection ends when its poem is sent).
    serverFactory.onLost = [&] { reactor.stop(); };
    runUntilStopped(reactor);
    EXPECT_EQ(serverFactory.lost, std::vector<std::string>{"ConnectionDone"});
    EXPECT_EQ(waiting->readAll(), "hello");
    EXPECT_EQ(reactor.getReaders().size(), 1u);  // the port, listening again
}

TEST_F(OutOfDescriptors, StopListeningWhilePausedLeavesNothingArmed) {
    doReadWithNoDescriptorLeft();
    ASSERT_EQ(reactor.getDelayedCalls().size(), 1u) << "the port should be waiting to resume";
    port->stopListening();
    EXPECT_TRUE(reactor.getDelayedCalls().empty()) << "stopListening() left a call armed";
    EXPECT_TRUE(reactor.getReaders().empty());
}

TEST(ListenTCP, BadInterfaceIsAClearError) {
    Reactor reactor;
    ServeFactory serverFactory;
    EXPECT_THROW(poetry::protocols::listenTCP(reactor, 0, serverFactory,
                                              poetry::protocols::kDefaultBacklog, "not-an-ip"),
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
    runUntilStopped(reactor);

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
    runUntilStopped(reactor);
    EXPECT_EQ(factory.events,
              (std::vector<std::string>{"startedConnecting",
                                        "clientConnectionFailed ConnectionRefusedError"}));
    EXPECT_TRUE(factory.failure->check(ReasonKind::ConnectError));
    EXPECT_EQ(factory.failure->errorCode(), errnoCode(ECONNREFUSED));
    EXPECT_EQ(factory.destination, (Address{"127.0.0.1", port}));
    EXPECT_EQ(factory.stateAtEnd, Connector::State::Disconnected);
    EXPECT_TRUE(reactor.getDelayedCalls().empty());
    EXPECT_TRUE(reactor.getWriters().empty());
}

TEST(ConnectTCP, UnknownHostIsADNSLookupError) {
    Reactor reactor;
    RecordingFactory factory(reactor);
    poetry::protocols::connectTCP(reactor, "no-such-poetry-server.invalid", 10000, factory);
    runUntilStopped(reactor);
    EXPECT_EQ(factory.events, (std::vector<std::string>{"startedConnecting",
                                                        "clientConnectionFailed DNSLookupError"}));
    EXPECT_NE(factory.failReason.find("no-such-poetry-server.invalid"), std::string::npos);
    EXPECT_FALSE(factory.failure->check(ReasonKind::ConnectError)) << "an IOError in Twisted";
    EXPECT_TRUE(reactor.getDelayedCalls().empty());
}

TEST(ConnectTCP, AHostNameIsResolved) {
    Reactor reactor;
    ServeFactory serverFactory;
    auto port = poetry::protocols::listenTCP(reactor, 0, serverFactory);
    RecordingFactory factory(reactor);
    poetry::protocols::connectTCP(reactor, "localhost", port->getHost().port, factory);
    runUntilStopped(reactor);
    EXPECT_EQ(factory.received, "hello");
}

TEST(ConnectTCP, StopConnectingFailsTheAttemptAtOnce) {
    Reactor reactor;
    RecordingFactory factory(reactor);
    auto connector = poetry::protocols::connectTCP(reactor, "127.0.0.1", 9, factory);
    reactor.callLater(Seconds(0), [&] { connector->stopConnecting(); });
    runUntilStopped(reactor);
    EXPECT_EQ(factory.events,
              (std::vector<std::string>{"startedConnecting", "clientConnectionFailed UserError"}));
    EXPECT_EQ(factory.failReason, "User aborted connection.");
    EXPECT_TRUE(factory.failure->check(ReasonKind::ConnectError));
    EXPECT_THROW(connector->stopConnecting(), poetry::protocols::NotConnectingError);
    EXPECT_TRUE(reactor.getDelayedCalls().empty());
}

// A loopback listener that never accepts, with a backlog of 0 and one connection
// already waiting in its queue: the kernel drops every further SYN, so a connect to
// it gets no answer at all (and nothing leaves the machine).
class FullListener {
  public:
    FullListener() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        address_.sin_family = AF_INET;
        address_.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t length = sizeof address_;
        if (fd_ < 0 || ::bind(fd_, addr(), sizeof address_) != 0 || ::listen(fd_, 0) != 0 ||
            ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address_), &length) != 0) {
            throw std::runtime_error("FullListener: cannot listen");
        }
        filler_.emplace(port());
        // The listener turns readable when the filler's connection is in its queue:
        // from then on the queue is full.
        pollfd ready{fd_, POLLIN, 0};
        if (::poll(&ready, 1, 10'000) != 1) {
            throw std::runtime_error("FullListener: the filler never reached the queue");
        }
    }
    ~FullListener() { ::close(fd_); }
    FullListener(const FullListener&) = delete;
    FullListener& operator=(const FullListener&) = delete;

    std::uint16_t port() const { return ntohs(address_.sin_port); }
    const sockaddr* addr() const { return reinterpret_cast<const sockaddr*>(&address_); }

  private:
    int fd_;
    sockaddr_in address_{};
    std::optional<poetry::test::ClientSocket> filler_;
};

TEST(ConnectTCP, NoAnswerWithinTheTimeoutIsATimeoutError) {
    FullListener silent;
    Reactor reactor;
    RecordingFactory factory(reactor);
    poetry::protocols::connectTCP(reactor, "127.0.0.1", silent.port(), factory, Seconds(0.3));
    runUntilStopped(reactor);
    EXPECT_EQ(factory.events, (std::vector<std::string>{"startedConnecting",
                                                        "clientConnectionFailed TimeoutError"}));
    EXPECT_EQ(factory.failReason, "User timeout caused connection failure.");
    // Twisted's tree: the connector's deadline is a UserError, so a ConnectError,
    // and not the kernel's TCPTimedOutError.
    EXPECT_TRUE(factory.failure->check(ReasonKind::UserError));
    EXPECT_TRUE(factory.failure->check(ReasonKind::ConnectError));
    EXPECT_FALSE(factory.failure->check(ReasonKind::TCPTimedOutError));
    EXPECT_TRUE(reactor.getWriters().empty());
}

// When the kernel itself gives up on a connect, the socket's error is ETIMEDOUT,
// which the connector maps with Reason::connectFailed(): a TCPTimedOutError. One
// SYN retry (TCP_SYNCNT) makes the kernel give up after about 3 s instead of 2 min;
// the connector sets no such option, so this test makes the connect itself.
TEST(ConnectTCP, AKernelThatGivesUpOnAConnectSaysETIMEDOUTWhichIsTCPTimedOutError) {
    FullListener silent;
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    int retries = 1;
    ASSERT_EQ(::setsockopt(fd, IPPROTO_TCP, TCP_SYNCNT, &retries, sizeof retries), 0);
    ASSERT_EQ(::connect(fd, silent.addr(), sizeof(sockaddr_in)), -1);
    ASSERT_EQ(errno, EINPROGRESS);
    pollfd done{fd, POLLOUT, 0};
    ASSERT_EQ(::poll(&done, 1, 30'000), 1) << "the kernel never gave up";
    int error = 0;
    socklen_t length = sizeof error;
    ASSERT_EQ(::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length), 0);
    ::close(fd);
    ASSERT_EQ(error, ETIMEDOUT);
    Reason reason = Reason::connectFailed(errnoCode(error));
    EXPECT_EQ(reason.kind(), ReasonKind::TCPTimedOutError);
    EXPECT_FALSE(reason.check(ReasonKind::TimeoutError));
}

// A factory whose buildProtocol() throws: the connection was never handed to a
// protocol, so the factory hears a ConnectError (as Twisted's BaseClient makes one
// of any end before it is connected), never a ConnectionClosed kind.
TEST(ConnectTCP, ABuildProtocolThatThrowsIsAConnectError) {
    Reactor reactor;
    ServeFactory serverFactory;
    serverFactory.payload = "";  // the server's side only reads: it is no writer
    serverFactory.ending = Ending::Nothing;
    auto port = poetry::protocols::listenTCP(reactor, 0, serverFactory);
    RecordingFactory factory(reactor);
    factory.throwOnBuild = true;
    poetry::protocols::connectTCP(reactor, "127.0.0.1", port->getHost().port, factory);
    testing::internal::CaptureStderr();
    runUntilStopped(reactor);
    std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(factory.events, (std::vector<std::string>{"startedConnecting", "buildProtocol",
                                                        "clientConnectionFailed ConnectError"}));
    EXPECT_EQ(factory.failReason, "no protocol today");
    EXPECT_NE(err.find("no protocol today"), std::string::npos) << "logged too: " << err;
    EXPECT_TRUE(reactor.getDelayedCalls().empty());
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
    runUntilStopped(reactor);
    EXPECT_TRUE(factory.received == serverFactory.payload)
        << "got " << factory.received.size() << " of " << serverFactory.payload.size();
    EXPECT_EQ(factory.events.back(), "clientConnectionLost ConnectionDone");
}

// After loseConnection() the transport reads no more, as Twisted's does: a peer that
// sends something and then half-closes (its end of file arrives while the server is
// still sending) cannot cut off what is left to send, and the protocol hears no
// dataReceived() once it has asked to close.
TEST(Transport, LoseConnectionStopsReadingSoAPeerThatHalfClosesGetsEverything) {
    Reactor reactor;
    ServeFactory serverFactory;
    serverFactory.payload.assign(4 * 1024 * 1024, 'p');  // several doWrite() calls' worth
    serverFactory.onLost = [&] { reactor.stop(); };
    auto port = poetry::protocols::listenTCP(reactor, 0, serverFactory);
    std::string got;
    int error = -1;
    std::thread peer([&, portNumber = port->getHost().port] {  // a blocking client beside the loop
        poetry::test::ClientSocket client(portNumber);
        client.send("a request nobody reads");
        client.shutdownSending();
        got = client.readAll(&error);
    });
    runUntilStopped(reactor);
    peer.join();
    EXPECT_EQ(serverFactory.dataReceived, 0);
    EXPECT_EQ(serverFactory.lost, std::vector<std::string>{"ConnectionDone"});
    EXPECT_EQ(error, 0);
    EXPECT_TRUE(got == serverFactory.payload) << "got " << got.size() << " bytes";
}

TEST(Transport, AbortConnectionIsConnectionAborted) {
    Reactor reactor;
    ServeFactory serverFactory;
    serverFactory.ending = Ending::Nothing;
    auto port = poetry::protocols::listenTCP(reactor, 0, serverFactory);
    RecordingFactory factory(reactor);
    factory.abortOnConnect = true;
    poetry::protocols::connectTCP(reactor, "127.0.0.1", port->getHost().port, factory);
    runUntilStopped(reactor);
    EXPECT_EQ(factory.events,
              (std::vector<std::string>{"startedConnecting", "buildProtocol", "connectionMade",
                                        "connectionLost ConnectionAborted",
                                        "clientConnectionLost ConnectionAborted"}));
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
        runUntilStopped(reactor);
        const char* kind = how == Later::Lose ? "ConnectionDone" : "ConnectionAborted";
        ASSERT_GE(factory.events.size(), 2u);
        EXPECT_EQ(factory.events[factory.events.size() - 2], std::string("connectionLost ") + kind);
        EXPECT_EQ(factory.events.back(), std::string("clientConnectionLost ") + kind);
        EXPECT_EQ(factory.peerAfterClose, port->getHost());
    }
}

// A reset seen by a read: ECONNRESET on a made connection is ConnectionLost.
TEST(Transport, APeerThatAbortsIsALostConnectionNotADoneOne) {
    Reactor reactor;
    ServeFactory serverFactory;
    serverFactory.ending = Ending::Abort;
    auto port = poetry::protocols::listenTCP(reactor, 0, serverFactory);
    RecordingFactory factory(reactor);
    poetry::protocols::connectTCP(reactor, "127.0.0.1", port->getHost().port, factory);
    runUntilStopped(reactor);
    ASSERT_GE(factory.events.size(), 2u);
    EXPECT_EQ(factory.events[factory.events.size() - 2], "connectionLost ConnectionLost");
    EXPECT_EQ(factory.events.back(), "clientConnectionLost ConnectionLost");
}

// A reset that comes as the connection is made (the server accepts and resets at
// once, before the client has read a byte): the connection was made, so it is a
// ConnectionLost for the protocol, never a failure to connect.
TEST(Transport, AResetRightAfterTheConnectIsConnectionLostNotAConnectError) {
    Reactor reactor;
    ServeFactory serverFactory;
    serverFactory.payload = "";
    serverFactory.ending = Ending::Abort;
    auto port = poetry::protocols::listenTCP(reactor, 0, serverFactory);
    RecordingFactory factory(reactor);
    poetry::protocols::connectTCP(reactor, "127.0.0.1", port->getHost().port, factory);
    runUntilStopped(reactor);
    EXPECT_EQ(factory.events,
              (std::vector<std::string>{"startedConnecting", "buildProtocol", "connectionMade",
                                        "connectionLost ConnectionLost",
                                        "clientConnectionLost ConnectionLost"}));
}

// A reset seen by a write: the server is still sending a long poem when the client
// aborts, so its next send fails (ECONNRESET, then EPIPE). On a made connection
// that is ConnectionLost, whatever the errno.
TEST(Transport, AWriteToAPeerThatAbortedIsConnectionLost) {
    Reactor reactor;
    ServeFactory serverFactory;
    serverFactory.payload.assign(16 * 1024 * 1024, 'x');  // more than the socket buffers hold
    serverFactory.onLost = [&] { reactor.stop(); };
    auto port = poetry::protocols::listenTCP(reactor, 0, serverFactory);
    RecordingFactory factory(reactor);
    factory.abortOnConnect = true;
    factory.stopAtEnd = false;  // the server's end is the one this test waits for
    poetry::protocols::connectTCP(reactor, "127.0.0.1", port->getHost().port, factory);
    runUntilStopped(reactor);
    EXPECT_EQ(serverFactory.lost, std::vector<std::string>{"ConnectionLost"});
    const auto error = serverFactory.lastLost->errorCode();
    EXPECT_TRUE(error == errnoCode(ECONNRESET) || error == errnoCode(EPIPE)) << error.message();
    EXPECT_FALSE(serverFactory.lastLost->check(ReasonKind::ConnectError));
}

TEST(Connector, DisconnectClosesAMadeConnectionCleanly) {
    Reactor reactor;
    ServeFactory serverFactory;
    serverFactory.ending = Ending::Nothing;  // the server would never close
    auto port = poetry::protocols::listenTCP(reactor, 0, serverFactory);
    RecordingFactory factory(reactor);
    auto connector =
        poetry::protocols::connectTCP(reactor, "127.0.0.1", port->getHost().port, factory);
    Connector::State stateWhenGreeted = Connector::State::Disconnected;
    factory.onData = [&] {
        if (factory.received == "hello") {  // the whole greeting: now hang up
            stateWhenGreeted = connector->state();
            connector->disconnect();
        }
    };
    runUntilStopped(reactor);
    EXPECT_EQ(stateWhenGreeted, Connector::State::Connected);
    EXPECT_EQ(factory.events,
              (std::vector<std::string>{"startedConnecting", "buildProtocol", "connectionMade",
                                        "connectionLost ConnectionDone",
                                        "clientConnectionLost ConnectionDone"}));
}

// A client factory may refuse a connection by returning null from buildProtocol():
// the connection is closed at once, with no protocol (so no makeConnection and no
// read), and the factory hears clientConnectionLost, as in Twisted. The server's
// side sees its connection end cleanly.
TEST(Factory, AClientBuildProtocolThatReturnsNullClosesTheConnection) {
    Reactor reactor;
    ServeFactory serverFactory;
    serverFactory.payload = "";              // it sends nothing,
    serverFactory.ending = Ending::Nothing;  // and waits for the client to close
    serverFactory.onLost = [&] { reactor.stop(); };
    auto port = poetry::protocols::listenTCP(reactor, 0, serverFactory);
    RecordingFactory factory(reactor);
    factory.refuse = true;
    factory.stopAtEnd = false;  // wait for the server's side to end
    poetry::protocols::connectTCP(reactor, "127.0.0.1", port->getHost().port, factory);
    runUntilStopped(reactor);
    EXPECT_EQ(serverFactory.lost, std::vector<std::string>{"ConnectionDone"});
    EXPECT_EQ(factory.events, (std::vector<std::string>{"startedConnecting", "buildProtocol",
                                                        "clientConnectionLost ConnectionDone"}));
    EXPECT_EQ(factory.received, "");
    EXPECT_TRUE(reactor.getWriters().empty());
    EXPECT_EQ(reactor.getReaders().size(), 1u);  // only the listening port
    EXPECT_TRUE(reactor.getDelayedCalls().empty());
}

// A server factory may refuse too: the accepted socket is closed at once, with no
// protocol (so nothing is written), and the port goes on listening.
TEST(Factory, AServerBuildProtocolThatReturnsNullClosesTheConnection) {
    Reactor reactor;
    ServeFactory serverFactory;
    serverFactory.refuse = true;
    auto port = poetry::protocols::listenTCP(reactor, 0, serverFactory);
    RecordingFactory factory(reactor);
    poetry::protocols::connectTCP(reactor, "127.0.0.1", port->getHost().port, factory);
    runUntilStopped(reactor);
    EXPECT_EQ(serverFactory.builds, 1);
    EXPECT_TRUE(serverFactory.lost.empty()) << "no protocol, so no connectionLost";
    EXPECT_EQ(factory.events,
              (std::vector<std::string>{"startedConnecting", "buildProtocol", "connectionMade",
                                        "connectionLost ConnectionDone",
                                        "clientConnectionLost ConnectionDone"}));
    EXPECT_EQ(factory.received, "");
    EXPECT_TRUE(reactor.getWriters().empty());
    EXPECT_EQ(reactor.getReaders().size(), 1u);  // the port, still listening
}

// A factory may try again from clientConnectionFailed(): the same connector
// starts a fresh attempt, and its callbacks come once per attempt.
class RetryingFactory : public ClientFactory {
  public:
    explicit RetryingFactory(Reactor& reactor) : reactor(reactor) { setProtocol<Protocol>(); }
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
    runUntilStopped(reactor);
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

class WhereFactory : public ClientFactory {
  public:
    explicit WhereFactory(Reactor& reactor);  // builds WhereProtocols: see below
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

WhereFactory::WhereFactory(Reactor& reactor) : reactor(reactor) {
    setProtocol<WhereProtocol>();
}

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
    runUntilStopped(reactor);
    ASSERT_GE(factory.seen.size(), 2u);
    for (const char* where : factory.seen) {
        EXPECT_EQ(where, shared.data()) << "a chunk was read into some other buffer";
    }
}

}  // namespace
