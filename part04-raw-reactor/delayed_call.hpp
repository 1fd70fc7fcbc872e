/// \file
/// \brief Functions scheduled to run later: `callLater` and the handle it returns.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <typeinfo>
#include <utility>
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

    // A CallQueue's calls, by due time and then by the order they were scheduled.
    using Queue = std::map<std::pair<Seconds, std::uint64_t>, std::shared_ptr<DelayedCall>>;

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

}  // namespace poetry::reactor
