// Delayed calls on the test Clock: deterministic, no sleeps.
#include "part04-raw-reactor/clock.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace {

using poetry::reactor::AlreadyCalled;
using poetry::reactor::AlreadyCancelled;
using poetry::reactor::Clock;
using poetry::reactor::Seconds;

TEST(Clock, StartsAtZeroAndMovesOnlyWhenAdvanced) {
    Clock clock;
    EXPECT_EQ(clock.seconds(), Seconds(0));
    clock.advance(Seconds(1.5));
    EXPECT_EQ(clock.seconds(), Seconds(1.5));
}

TEST(Clock, RunsCallsWhenDueInTimeOrderTiesInSchedulingOrder) {
    Clock clock;
    std::string order;
    clock.callLater(Seconds(3), [&] { order += 'c'; });
    clock.callLater(Seconds(1), [&] { order += 'a'; });
    clock.callLater(Seconds(1), [&] { order += 'b'; });
    clock.callLater(Seconds(0), [&] { order += '0'; });
    clock.advance(Seconds(0));
    EXPECT_EQ(order, "0");
    clock.advance(Seconds(1));
    EXPECT_EQ(order, "0ab");
    clock.advance(Seconds(1.9));
    EXPECT_EQ(order, "0ab");
    clock.advance(Seconds(0.1));
    EXPECT_EQ(order, "0abc");
    EXPECT_TRUE(clock.getDelayedCalls().empty());
}

TEST(Clock, ActiveUntilRunThenErrorsOnCancelResetDelay) {
    Clock clock;
    int runs = 0;
    auto call = clock.callLater(Seconds(1), [&] { ++runs; });
    EXPECT_TRUE(call->active());
    EXPECT_EQ(call->getTime(), Seconds(1));
    clock.advance(Seconds(1));
    EXPECT_EQ(runs, 1);
    EXPECT_FALSE(call->active());
    EXPECT_THROW(call->cancel(), AlreadyCalled);
    EXPECT_THROW(call->reset(Seconds(1)), AlreadyCalled);
    EXPECT_THROW(call->delay(Seconds(1)), AlreadyCalled);
}

TEST(Clock, CancelledCallNeverRunsAndCannotBeCancelledTwice) {
    Clock clock;
    int runs = 0;
    auto call = clock.callLater(Seconds(1), [&] { ++runs; });
    call->cancel();
    EXPECT_FALSE(call->active());
    EXPECT_TRUE(clock.getDelayedCalls().empty());
    EXPECT_THROW(call->cancel(), AlreadyCancelled);
    EXPECT_THROW(call->reset(Seconds(1)), AlreadyCancelled);
    clock.advance(Seconds(5));
    EXPECT_EQ(runs, 0);
}

TEST(Clock, ResetMovesTheCallFromNow) {
    Clock clock;
    int runs = 0;
    auto call = clock.callLater(Seconds(1), [&] { ++runs; });
    clock.advance(Seconds(0.5));
    call->reset(Seconds(2));
    EXPECT_EQ(call->getTime(), Seconds(2.5));
    clock.advance(Seconds(1.5));
    EXPECT_EQ(runs, 0);
    clock.advance(Seconds(0.5));
    EXPECT_EQ(runs, 1);
}

TEST(Clock, DelayPushesTheCallLater) {
    Clock clock;
    int runs = 0;
    auto call = clock.callLater(Seconds(1), [&] { ++runs; });
    call->delay(Seconds(2));
    EXPECT_EQ(call->getTime(), Seconds(3));
    clock.advance(Seconds(2));
    EXPECT_EQ(runs, 0);
    clock.advance(Seconds(1));
    EXPECT_EQ(runs, 1);
}

TEST(Clock, ResetCanMoveACallEarlierThanAnother) {
    Clock clock;
    std::string order;
    clock.callLater(Seconds(2), [&] { order += 'a'; });
    auto b = clock.callLater(Seconds(5), [&] { order += 'b'; });
    b->reset(Seconds(1));
    clock.advance(Seconds(3));
    EXPECT_EQ(order, "ba");
}

TEST(Clock, ACallCanCancelAnotherDueAtTheSameTime) {
    Clock clock;
    std::string order;
    std::shared_ptr<poetry::reactor::DelayedCall> b;
    clock.callLater(Seconds(1), [&] {
        order += 'a';
        b->cancel();
    });
    b = clock.callLater(Seconds(1), [&] { order += 'b'; });
    clock.advance(Seconds(1));
    EXPECT_EQ(order, "a");
    EXPECT_FALSE(b->active());
}

TEST(Clock, InsideItsOwnFunctionACallIsNoLongerActive) {
    Clock clock;
    std::shared_ptr<poetry::reactor::DelayedCall> call;
    bool sawActive = true;
    bool threw = false;
    call = clock.callLater(Seconds(1), [&] {
        sawActive = call->active();
        try {
            call->cancel();
        } catch (const AlreadyCalled&) {
            threw = true;
        }
    });
    clock.advance(Seconds(1));
    EXPECT_FALSE(sawActive);
    EXPECT_TRUE(threw);
}

TEST(Clock, CallsScheduledDuringAdvanceRunIfAlreadyDue) {
    Clock clock;
    std::string order;
    clock.callLater(Seconds(1), [&] {
        order += 'a';
        clock.callLater(Seconds(0), [&] { order += 'b'; });
        clock.callLater(Seconds(1), [&] { order += 'c'; });
    });
    clock.advance(Seconds(1));
    EXPECT_EQ(order, "ab");
    ASSERT_EQ(clock.getDelayedCalls().size(), 1u);
    EXPECT_EQ(clock.getDelayedCalls()[0]->getTime(), Seconds(2));
    clock.pump({Seconds(0.5), Seconds(0.5)});
    EXPECT_EQ(order, "abc");
}

TEST(Clock, GetDelayedCallsListsPendingEarliestFirst) {
    Clock clock;
    auto later = clock.callLater(Seconds(2), [] {});
    auto sooner = clock.callLater(Seconds(1), [] {});
    auto calls = clock.getDelayedCalls();
    ASSERT_EQ(calls.size(), 2u);
    EXPECT_EQ(calls[0], sooner);
    EXPECT_EQ(calls[1], later);
}

TEST(Clock, AnExceptionFromACallReachesTheTest) {
    Clock clock;
    clock.callLater(Seconds(1), [] { throw std::runtime_error("boom"); });
    EXPECT_THROW(clock.advance(Seconds(1)), std::runtime_error);
}

TEST(Clock, AHandleOutlivingItsClockCanStillBeCancelled) {
    std::shared_ptr<poetry::reactor::DelayedCall> call;
    {
        Clock clock;
        call = clock.callLater(Seconds(1), [] {});
    }
    EXPECT_TRUE(call->active());
    call->cancel();
    EXPECT_FALSE(call->active());
}

TEST(Clock, CancellingReleasesWhatTheFunctionCaptured) {
    Clock clock;
    auto payload = std::make_shared<int>(7);
    std::weak_ptr<int> watch = payload;
    auto call = clock.callLater(Seconds(1), [payload] { (void)payload; });
    payload.reset();
    EXPECT_FALSE(watch.expired());
    call->cancel();
    EXPECT_TRUE(watch.expired());
}

}  // namespace
