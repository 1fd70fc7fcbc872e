/// \file
/// \brief A clock that tests move by hand: Twisted's `task.Clock`.
#pragma once

#include <initializer_list>
#include <memory>
#include <utility>

#include "part04-raw-reactor/delayed_call.hpp"

namespace poetry::reactor {

/// A ReactorTime whose time stands still until a test moves it (Twisted's `task.Clock`).
///
/// A test gives a Clock to code that schedules timers (a protocol's timeout, a retry),
/// then calls advance() to make time pass: every call that falls due runs, at once and
/// in order, inside advance(). No sleeps, no sockets, no flaky timing. Time starts at 0.
/// An exception thrown by a delayed call propagates out of advance() to the test.
class Clock : public ReactorTime {
  public:
    /// Made by a test, at time 0 with nothing scheduled.
    Clock() : calls_(std::make_shared<CallQueue>(*this, nullptr)) {}

    /// Drops the calls still pending; handles kept elsewhere stay safe to cancel.
    ~Clock() override = default;

    Clock(const Clock&) = delete;             ///< Scheduled calls refer to this clock.
    Clock& operator=(const Clock&) = delete;  ///< Not assignable either.

    /// The clock's current time: 0 plus everything advance() added.
    Seconds seconds() const override { return now_; }

    /// Schedules `fn` to run when the test has advanced the clock by `delay`.
    std::shared_ptr<DelayedCall> callLater(Seconds delay, std::function<void()> fn) override {
        return calls_->schedule(delay, std::move(fn));
    }

    /// The calls that are scheduled and still active(), earliest first.
    std::vector<std::shared_ptr<DelayedCall>> getDelayedCalls() const override {
        return calls_->pending();
    }

    /// Called by a test: moves time forward by `amount`, then runs every call now due,
    /// earliest first (including calls those calls schedule, if they are due too).
    void advance(Seconds amount) {
        now_ += amount;
        calls_->runAllDue(now_);
    }

    /// Called by a test: advance() once per amount, in order (Twisted's `Clock.pump`).
    void pump(std::initializer_list<Seconds> amounts) {
        for (Seconds amount : amounts) {
            advance(amount);
        }
    }

  private:
    Seconds now_{0};
    std::shared_ptr<CallQueue> calls_;
};

}  // namespace poetry::reactor
