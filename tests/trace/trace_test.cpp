// The Trace observer: the lines of --trace, from calls a test makes by hand on a
// clock it sets, so every stamp is known. (The end-to-end tests run real clients.)
#include "trace/trace.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <sstream>

namespace poetry::trace {
namespace {

using reactor::Direction;
using reactor::ReadDescriptor;
using reactor::ReadyHandler;
using reactor::Reason;
using reactor::ReasonKind;
using reactor::WriteDescriptor;

struct FakeSocket : ReadDescriptor, WriteDescriptor {
    int fileno() override { return 7; }
    void asyncWait(boost::asio::socket_base::wait_type, ReadyHandler) override {}
    std::optional<Reason> doRead() override { return std::nullopt; }
    std::optional<Reason> doWrite() override { return std::nullopt; }
    void connectionLost(const Reason&) override {}
    std::string logPrefix() const override { return "FakeSocket[127.0.0.1:10000]"; }
};

struct Traced {
    std::ostringstream out;
    Seconds now{100.0};  // the trace starts here: stamps count from 100 s
    Trace trace{out, [this] { return now; }};
    FakeSocket socket;
};

TEST(Trace, ADispatchAndWhatItSetOffMakeOneLineStampedWithItsStart) {
    Traced t;
    t.now = Seconds(100.700412);
    t.trace.dispatching(7, Direction::Read, t.socket);
    EXPECT_EQ(t.out.str(), "") << "the line is written when the step is over";
    t.now = Seconds(100.700450);
    t.trace.calling("PoetryProtocol", "dataReceived(30 bytes)");
    t.trace.returned(std::nullopt);
    EXPECT_EQ(t.out.str(),
              "+0.700412 fd 7 readable -> FakeSocket[127.0.0.1:10000].doRead -> "
              "PoetryProtocol.dataReceived(30 bytes)\n");
}

TEST(Trace, AReturnedReasonAndAWritableDescriptor) {
    Traced t;
    t.trace.dispatching(7, Direction::Write, t.socket);
    t.trace.returned(Reason::connectionDone());
    t.trace.dispatching(7, Direction::Read, t.socket);
    t.trace.returned(Reason(ReasonKind::ConnectionLost, "Connection reset by peer"));
    EXPECT_EQ(t.out.str(),
              "+0.000000 fd 7 writable -> FakeSocket[127.0.0.1:10000].doWrite returns "
              "ConnectionDone\n"
              "+0.000000 fd 7 readable -> FakeSocket[127.0.0.1:10000].doRead returns "
              "ConnectionLost: Connection reset by peer\n");
}

TEST(Trace, AStepThatHeldTheLoopSaysForHowLong) {
    Traced t;
    t.trace.dispatching(7, Direction::Read, t.socket);
    t.now += Seconds(0.009);  // short: not worth a word
    t.trace.returned(std::nullopt);
    t.trace.dispatching(7, Direction::Read, t.socket);
    t.now += Seconds(2.5);
    t.trace.returned(Reason::connectionDone());
    EXPECT_EQ(t.out.str(),
              "+0.000000 fd 7 readable -> FakeSocket[127.0.0.1:10000].doRead\n"
              "+0.009000 fd 7 readable -> FakeSocket[127.0.0.1:10000].doRead returns "
              "ConnectionDone [held the loop 2.500000 s]\n");
}

TEST(Trace, ConnectionLostDelayedCallsAndStop) {
    Traced t;
    t.now = Seconds(102);
    t.trace.losingConnection(t.socket, Reason::connectionDone());
    t.trace.calling("PoetryProtocol", "connectionLost(ConnectionDone)");
    t.trace.stopping();
    t.trace.returned(std::nullopt);
    t.trace.runningDelayedCall(typeid(std::function<void()>));
    t.trace.calling("TcpTransport[127.0.0.1:10000]", "loseConnection()");
    t.trace.returned(std::nullopt);
    EXPECT_EQ(t.out.str(),
              "+2.000000 FakeSocket[127.0.0.1:10000].connectionLost(ConnectionDone) -> "
              "PoetryProtocol.connectionLost(ConnectionDone) -> reactor.stop()\n"
              "+2.000000 delayed call due -> function<void ()> -> "
              "TcpTransport[127.0.0.1:10000].loseConnection()\n");
}

TEST(Trace, AStepInsideAStepGoesOnTheSameLine) {
    Traced t;
    t.trace.runningDelayedCall(typeid(int));
    t.trace.losingConnection(t.socket, Reason(ReasonKind::ConnectionAborted, "aborted"));
    t.trace.returned(std::nullopt);
    EXPECT_EQ(t.out.str(), "") << "the outer step is still running";
    t.trace.returned(std::nullopt);
    EXPECT_EQ(t.out.str(),
              "+0.000000 delayed call due -> int -> "
              "FakeSocket[127.0.0.1:10000].connectionLost(ConnectionAborted: aborted)\n");
}

TEST(Trace, AnAsioOperationThatAnsweredIsAStepToo) {
    Traced t;
    t.trace.completed("resolve(localhost) answered");
    t.trace.calling("TcpTransport[127.0.0.1:10000]", "connect()");
    t.trace.returned(std::nullopt);
    EXPECT_EQ(t.out.str(),
              "+0.000000 resolve(localhost) answered -> TcpTransport[127.0.0.1:10000].connect()\n");
}

TEST(Trace, CallsOutsideAnyStepGetALineOfTheirOwn) {
    Traced t;
    t.now = Seconds(100.25);
    t.trace.calling("PoetryClientFactory", "clientConnectionFailed(DNSLookupError: not found)");
    t.trace.stopping();
    t.trace.returned(std::nullopt);  // unmatched: ignored
    EXPECT_EQ(t.out.str(),
              "+0.250000 PoetryClientFactory.clientConnectionFailed(DNSLookupError: not found)\n"
              "+0.250000 reactor.stop()\n");
}

namespace names {
template <typename T>
struct Box {};
struct Widget {
    static const std::type_info& lambdaType() {
        auto lambda = [](int) {};
        return typeid(lambda);
    }
    static const std::type_info& lambdaWithParameters(int, const std::string&) {
        auto lambda = [] {};
        return typeid(lambda);
    }
};
}  // namespace names

TEST(ClassName, DropsNamespacesAndNamesLambdasAfterTheirFunction) {
    EXPECT_EQ(className(typeid(FakeSocket)), "FakeSocket");
    EXPECT_EQ(className(typeid(Trace)), "Trace");
    EXPECT_EQ(className(typeid(names::Box<names::Widget>)), "Box<Widget>");
    EXPECT_EQ(className(names::Widget::lambdaType()), "lambda in Widget::lambdaType()");
    EXPECT_EQ(className(names::Widget::lambdaWithParameters(0, "")),
              "lambda in Widget::lambdaWithParameters()");
}

TEST(ReasonSummary, AReasonIsItsKindAndForAFailureItsMessage) {
    EXPECT_EQ(reasonSummary(Reason::connectionDone()), "ConnectionDone");
    EXPECT_EQ(reasonSummary(Reason(ReasonKind::ConnectionLost, "Connection reset by peer")),
              "ConnectionLost: Connection reset by peer");
}

}  // namespace
}  // namespace poetry::trace
