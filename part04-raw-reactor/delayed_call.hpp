/// \file
/// \brief Functions scheduled to run later: `callLater`, the handle it returns, and the
/// queue of pending calls that the Reactor and the test Clock share.
#pragma once

#include <chrono>
#include <compare>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <typeinfo>
#include <vector>

namespace poetry::reactor {

class CallQueue;

/// Time in seconds, as a double, like Twisted's (`2.5s` converts to it).
using Seconds = std::chrono::duration<double>;

/// cancel() on a call that was already cancelled (Twisted's `AlreadyCancelled`).
class AlreadyCancelled : public std::logic_error {
  public:
    using std::logic_error::logic_error;
};

/// cancel(), reset() or delay() on a call that already ran (Twisted's `AlreadyCalled`).
class AlreadyCalled : public std::logic_error {
  public:
    using std::logic_error::logic_error;
};

/// One scheduled call (Twisted's `DelayedCall`), returned by ReactorTime::callLater().
///
/// The scheduler (the Reactor, or the test Clock) creates it and runs it when its
/// time comes; the code that scheduled it keeps the handle to cancel(), reset() or
/// delay() it. The scheduler and the caller share ownership; a handle that outlives
/// its scheduler can still be cancelled.
class DelayedCall {
  public:
    /// Made by a scheduler's CallQueue: run `fn` at time `when` of that scheduler's clock.
    DelayedCall(Seconds when, std::function<void()> fn, std::weak_ptr<CallQueue> queue);

    /// True until the call has run or been cancelled.
    bool active() const { return !called_ && !cancelled_; }

    /// Stops the call from running. Throws AlreadyCancelled or AlreadyCalled when
    /// it is not active(). Safe from inside any callback, including this call's own.
    void cancel();

    /// Runs the call `secondsFromNow` from now instead. Throws when not active().
    void reset(Seconds secondsFromNow);

    /// Pushes the call `secondsLater` later than it was due. Throws when not active().
    void delay(Seconds secondsLater);

    /// When the call is due, on the scheduler's clock.
    Seconds getTime() const { return when_; }

    /// The type of the function it runs, for the reactor's Observer (a lambda's type
    /// names the function it was written in); `typeid(void)` once it ran or was cancelled.
    const std::type_info& functionType() const { return fn_.target_type(); }

  private:
    friend class CallQueue;

    friend class Reactor;  // runs the calls it takes out of its CallQueue

    // Where a call stands in its CallQueue: by due time, then by the order it was
    // scheduled (or last moved) in.
    struct Due {
        Seconds when;
        std::uint64_t sequence;
        auto operator<=>(const Due&) const = default;
    };
    using Queue = std::map<Due, std::shared_ptr<DelayedCall>>;

    void requireActive(const char* what) const;
    void run();

    Seconds when_;
    std::function<void()> fn_;
    std::weak_ptr<CallQueue> queue_;
    Queue::iterator place_;  // its entry in the queue while pending
    bool called_ = false;
    bool cancelled_ = false;
};

/// Anything that can schedule calls (Twisted's `IReactorTime`): the Reactor, and the
/// Clock that tests advance by hand. Protocols that need timers take a ReactorTime&,
/// so the same code runs on the real reactor and under test.
class ReactorTime {
  public:
    virtual ~ReactorTime() = default;

    /// The scheduler's current time.
    virtual Seconds seconds() const = 0;

    /// Runs `fn` once, `delay` from now. Returns the handle to cancel or move it.
    virtual std::shared_ptr<DelayedCall> callLater(Seconds delay, std::function<void()> fn) = 0;

    /// The calls that are scheduled and have neither run nor been cancelled.
    virtual std::vector<std::shared_ptr<DelayedCall>> getDelayedCalls() const = 0;
};

/// The pending calls of one scheduler, in the order they fall due.
///
/// Both schedulers own one: the Reactor takes the due calls out when its Asio timer
/// fires, the Clock runs them when a test advances it. The calls wait in an ordered map
/// keyed by DelayedCall::Due (due time, then scheduling order), and each call keeps its
/// own place in it, so scheduling, cancelling, moving and running a call all cost
/// O(log n), and a cancelled call leaves at once. Calls due at the same time run in the
/// order they were scheduled (or last moved).
class CallQueue : public std::enable_shared_from_this<CallQueue> {
  public:
    /// `clock` tells the scheduler's time; `scheduled` (if any) is called with the
    /// earliest due time after each call is scheduled or moved, so the Reactor can
    /// wake up sooner.
    CallQueue(const ReactorTime& clock, std::function<void(Seconds)> scheduled);

    /// Called by the scheduler's callLater(): schedules `fn` to run `delay` from now.
    std::shared_ptr<DelayedCall> schedule(Seconds delay, std::function<void()> fn);

    /// Called by the scheduler's getDelayedCalls(): the pending calls, earliest first.
    std::vector<std::shared_ptr<DelayedCall>> pending() const {
        std::vector<std::shared_ptr<DelayedCall>> calls;
        for (const auto& entry : calls_) {
            calls.push_back(entry.second);
        }
        return calls;
    }

    /// When the earliest pending call is due; nothing when none is pending.
    std::optional<Seconds> nextTime() const {
        return calls_.empty() ? std::nullopt : std::optional(calls_.begin()->first.when);
    }

    /// The sequence number the next call scheduled (or moved) will get: a fence that
    /// takeDue() uses to leave out the calls scheduled after it was read.
    std::uint64_t nextSequence() const { return nextSequence_; }

    /// Called by the Reactor when its timer fires, once per call it runs: takes out and
    /// returns the earliest call due at or before `now` that was scheduled before the
    /// fence `scheduledBefore` (nextSequence() when the turn began), or null when none
    /// is left. Calls scheduled during the turn wait for the next one, so a call that
    /// reschedules itself at once cannot starve the loop. One at a time, so a call can
    /// still cancel another that falls due in the same turn.
    std::shared_ptr<DelayedCall> takeDue(Seconds now, std::uint64_t scheduledBefore);

    /// Called by the Clock when a test advances it: runs, earliest first, every call
    /// due at or before `now`, including the ones those calls schedule if they are due
    /// too (Twisted's `task.Clock`). An exception escaping a call goes to the test.
    void runAllDue(Seconds now);

  private:
    friend class DelayedCall;

    void place(std::shared_ptr<DelayedCall> call);
    std::shared_ptr<DelayedCall> take(DelayedCall& call);

    const ReactorTime& clock_;
    std::function<void(Seconds)> scheduled_;
    DelayedCall::Queue calls_;  // calls_.begin() is due first
    std::uint64_t nextSequence_ = 0;
};

}  // namespace poetry::reactor
