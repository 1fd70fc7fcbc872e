// The bridge on a real reactor, over loopback inside one process: part05's
// listenTCP() serves, the bridge's ClientCreator connects with part05's
// connectTCP(). Each test arms a safety stop, so a bug cannot hang it.
#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "part04-raw-reactor/reactor.hpp"
#include "part04-raw-reactor/reason.hpp"
#include "part05-protocols/factory.hpp"
#include "part05-protocols/listen.hpp"
#include "part05-protocols/protocol.hpp"
#include "part17-coroutines/bridge.hpp"
#include "part17-coroutines/task.hpp"
#include "support/process.hpp"

namespace {

using poetry::coroutines::ClientCreator;
using poetry::coroutines::ConnectFailed;
using poetry::coroutines::Connection;
using poetry::coroutines::Task;
using poetry::coroutines::TaskGroup;
using poetry::protocols::Protocol;
using poetry::protocols::ServerFactory;
using poetry::reactor::kindName;
using poetry::reactor::Reactor;
using poetry::reactor::Seconds;

// A server that sends a greeting and then keeps the connection open, silent.
class GreetAndWait : public Protocol {
  public:
    void connectionMade() override { transport()->write("hello"); }
};

// Connects to `port`, reads until `stopAfter` bytes have come, then stops the
// reactor and reads on: its frame is still waiting when run() returns.
Task readThenStop(ClientCreator& creator, std::uint16_t port, Reactor& reactor,
                  std::string& received, bool& destroyed) {
    struct Sentinel {
        bool& destroyed;
        ~Sentinel() { destroyed = true; }
    } sentinel{destroyed};
    Connection connection = co_await creator.connectTCP("127.0.0.1", port);
    while (std::optional<std::string_view> chunk = co_await connection.read()) {
        received.append(*chunk);
        if (received.size() >= 5) {
            reactor.stop();
        }
    }
}

Task connectOnly(ClientCreator& creator, std::uint16_t port, std::string& outcome) {
    try {
        Connection connection = co_await creator.connectTCP("127.0.0.1", port);
        outcome = "connected";
    } catch (const ConnectFailed& failure) {
        outcome = std::string(kindName(failure.reason().kind())) + ": " + failure.what();
    }
}

// The reactor stops with a body waiting for a chunk that never comes; the program
// then ends, the group first. Under ASan this shows the frame, its Connection,
// the protocol and the transport all go, in that order, without a leak or a touch
// of anything gone.
TEST(BridgeOverTcp, AReactorStoppedEarlyLeavesABodyWaitingThatGoesCleanly) {
    bool destroyed = false;
    std::string received;
    {
        Reactor reactor;
        ServerFactory server;
        server.setProtocol<GreetAndWait>();
        auto port = poetry::protocols::listenTCP(reactor, 0, server);
        ClientCreator creator(reactor);
        TaskGroup tasks([&reactor] { reactor.stop(); });
        tasks.spawn(readThenStop(creator, port->getHost().port, reactor, received, destroyed));
        auto safety = reactor.callLater(Seconds(20), [&reactor] { reactor.stop(); });
        reactor.run();
        ASSERT_TRUE(safety->active()) << "the body never stopped the reactor";
        safety->cancel();
        EXPECT_EQ(received, "hello");
        EXPECT_EQ(tasks.running(), 1u);  // still waiting in read()
        EXPECT_FALSE(destroyed);
    }
    EXPECT_TRUE(destroyed);
}

TEST(BridgeOverTcp, ARefusedAddressIsConnectFailedWithConnectionRefusedError) {
    Reactor reactor;
    ClientCreator creator(reactor);
    std::string outcome;
    TaskGroup tasks([&reactor] { reactor.stop(); });
    tasks.spawn(connectOnly(creator, poetry::test::refusedPort(), outcome));
    auto safety = reactor.callLater(Seconds(20), [&reactor] { reactor.stop(); });
    reactor.run();
    ASSERT_TRUE(safety->active()) << "the body never ended";
    safety->cancel();
    EXPECT_EQ(outcome, "ConnectionRefusedError: Connection refused");
    EXPECT_TRUE(reactor.getDelayedCalls().empty());  // the connect timeout went too
}

}  // namespace
