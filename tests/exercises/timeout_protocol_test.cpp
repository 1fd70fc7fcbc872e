// Exercise 1's protocol on a test Clock and a StringTransport: the deadline is
// armed when the connection is made, fires exactly at the timeout, and is never
// left armed, whichever way the download ends.
#include <gtest/gtest.h>

#include <memory>
#include <sstream>

#include "part04-raw-reactor/clock.hpp"
#include "part04-raw-reactor/reason.hpp"
#include "part05-protocols/testing.hpp"

// Exercise 1's protocol and factory, from its program file.
#define EX1_TIMEOUT_CLASSES_ONLY
#include "part05-exercises/ex1_timeout.cpp"

namespace poetry::exercises {
namespace {

using reactor::Reason;
using reactor::ReasonKind;
using reactor::Seconds;

class TimeoutProtocolTest : public ::testing::Test {
  protected:
    // A protocol of the factory, connected to the string transport at time 0.
    TimeoutPoetryProtocol& connect() {
        protocol_ = factory_.buildProtocol(transport_.getPeer());
        protocol_->makeConnection(transport_);
        return static_cast<TimeoutPoetryProtocol&>(*protocol_);
    }

    reactor::Clock clock_;
    std::ostringstream out_;
    std::ostringstream err_;
    int allDone_ = 0;
    ClientReport report_{false, out_, err_};
    TimeoutPoetryFactory factory_{clock_, Seconds(5), 1, report_, [this] { ++allDone_; }};
    protocols::StringTransport transport_;
    std::unique_ptr<protocols::Protocol> protocol_;
};

TEST_F(TimeoutProtocolTest, ArmsOneDeadlineWhenTheConnectionIsMade) {
    EXPECT_TRUE(clock_.getDelayedCalls().empty());
    connect();
    ASSERT_EQ(clock_.getDelayedCalls().size(), 1u);
    EXPECT_EQ(clock_.getDelayedCalls()[0]->getTime(), Seconds(5));
}

TEST_F(TimeoutProtocolTest, APoemInTimeCancelsTheDeadline) {
    auto& protocol = connect();
    protocol.dataReceived("A short poem.\n");
    clock_.advance(Seconds(4.9));
    EXPECT_FALSE(transport_.disconnecting());
    protocol.connectionLost(Reason::connectionDone());
    EXPECT_TRUE(clock_.getDelayedCalls().empty());
    EXPECT_FALSE(protocol.timedOut());
    clock_.advance(Seconds(10));
    EXPECT_FALSE(transport_.disconnecting());
    EXPECT_EQ(factory_.poems.size(), 1u);
    EXPECT_EQ(report_.failed(), 0u);
    EXPECT_EQ(allDone_, 1);
    EXPECT_EQ(err_.str(), "");
}

TEST_F(TimeoutProtocolTest, TheDeadlineClosesTheConnectionAndTheCloseIsNoPoem) {
    auto& protocol = connect();
    protocol.dataReceived("Half a ");
    clock_.advance(Seconds(4.9));
    EXPECT_FALSE(transport_.disconnecting());
    clock_.advance(Seconds(0.1));
    EXPECT_TRUE(transport_.disconnecting());  // loseConnection(), not abortConnection()
    EXPECT_FALSE(transport_.aborted());
    EXPECT_TRUE(protocol.timedOut());
    EXPECT_TRUE(clock_.getDelayedCalls().empty());
    // The clean close that loseConnection() causes is reported as a timeout.
    protocol.connectionLost(Reason::connectionDone());
    EXPECT_TRUE(factory_.poems.empty());
    EXPECT_EQ(report_.failed(), 1u);
    EXPECT_EQ(allDone_, 1);
    EXPECT_EQ(err_.str(), "Lost poem from 192.0.2.2:10000 after 7 bytes (Timed out after 5 s)\n");
}

TEST_F(TimeoutProtocolTest, ABrokenConnectionCancelsTheDeadlineAndKeepsItsReason) {
    auto& protocol = connect();
    protocol.dataReceived("Half a ");
    clock_.advance(Seconds(1));
    protocol.connectionLost(Reason(ReasonKind::ConnectionLost, "Connection reset by peer"));
    EXPECT_TRUE(clock_.getDelayedCalls().empty());
    EXPECT_EQ(report_.failed(), 1u);
    EXPECT_EQ(err_.str(),
              "Lost poem from 192.0.2.2:10000 after 7 bytes (Connection reset by peer)\n");
}

TEST_F(TimeoutProtocolTest, AProtocolDestroyedEarlyLeavesNothingArmed) {
    connect();
    protocol_.reset();
    EXPECT_TRUE(clock_.getDelayedCalls().empty());
}

}  // namespace
}  // namespace poetry::exercises
