/// \file
/// \brief The pending delayed calls that the Reactor and the test Clock share: a heap.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "part04-raw-reactor/delayed_call.hpp"
#include "part04-raw-reactor/observer.hpp"

namespace poetry::reactor {

/// The pending calls of one scheduler, in a binary heap with the earliest on top.
///
/// Both schedulers own one: the Reactor runs the due calls when its Asio timer fires,
/// the Clock when a test advances it. Scheduling, cancelling and running a call cost
/// O(log n). A cancelled or moved call leaves its old entry in the heap, marked stale,
/// to be dropped when it reaches the top (lazy deletion, as in Twisted's reactor); when
/// more than half of the heap is stale it is rebuilt without them. Calls due at the
/// same time run in the order they were scheduled.
class CallQueue : public std::enable_shared_from_this<CallQueue> {
  public:
    /// `clock` tells the scheduler's time; `scheduled` (if any) is called with the due
    /// time of each call scheduled or moved, so the Reactor can wake up sooner.
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

    struct Entry {
        Seconds when;
        std::uint64_t sequence;  // scheduling order, to break ties in due time
        std::shared_ptr<DelayedCall> call;
    };

    void push(const std::shared_ptr<DelayedCall>& call);
    void cancelled();
    void rescheduled(DelayedCall& call);
    void dropStale();
    static bool dueLater(const Entry& a, const Entry& b);
    static bool stale(const Entry& entry);

    const ReactorTime& clock_;
    std::function<void(Seconds)> scheduled_;
    std::vector<Entry> heap_;  // std::push_heap/pop_heap order: the earliest at front()
    std::size_t staleEntries_ = 0;
    std::uint64_t nextSequence_ = 0;
};

}  // namespace poetry::reactor
