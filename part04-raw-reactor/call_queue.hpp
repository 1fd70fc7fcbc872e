/// \file
/// \brief The pending delayed calls that the Reactor and the test Clock share, in due order.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "part04-raw-reactor/delayed_call.hpp"
#include "part04-raw-reactor/observer.hpp"

namespace poetry::reactor {

/// The pending calls of one scheduler, in the order they fall due.
///
/// Both schedulers own one: the Reactor runs the due calls when its Asio timer fires,
/// the Clock when a test advances it. The calls wait in an ordered map (due time, then
/// scheduling order), and each call keeps its own place in it, so scheduling,
/// cancelling, moving and running a call all cost O(log n), and a cancelled call leaves
/// at once. Calls due at the same time run in the order they were scheduled (or last moved).
class CallQueue : public std::enable_shared_from_this<CallQueue> {
  public:
    /// `clock` tells the scheduler's time; `scheduled` (if any) is called with the
    /// earliest due time after each call is scheduled or moved, so the Reactor can
    /// wake up sooner.
    CallQueue(const ReactorTime& clock, std::function<void(Seconds)> scheduled);

    /// Called by the scheduler's callLater(): schedules `fn` to run `delay` from now.
    std::shared_ptr<DelayedCall> schedule(Seconds delay, std::function<void()> fn);

    /// Called by the scheduler's getDelayedCalls(): the pending calls, earliest first.
    std::vector<std::shared_ptr<DelayedCall>> pending() const;

    /// When the earliest pending call is due; nothing when none is pending.
    std::optional<Seconds> nextTime() const;

    /// Called by the scheduler: runs, earliest first, every call due at or before
    /// `now`. With `includeNew` false, calls scheduled while this runs wait for the
    /// next time (the Reactor's rule, so a call that reschedules itself at once cannot
    /// starve the loop); with true they run too if due (the Clock's rule, as in Twisted).
    /// When a call throws, `onError` is called inside the catch block (where it can
    /// report the exception) and the next call runs; without it, the exception
    /// propagates to the caller of runDue(). An `observer` (the Reactor's, for
    /// `--trace`) hears of each call before it runs and when it has returned.
    void runDue(Seconds now, bool includeNew, const std::function<void()>& onError = {},
                Observer* observer = nullptr);

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
