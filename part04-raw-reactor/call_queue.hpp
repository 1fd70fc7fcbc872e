/// \file
/// \brief The list of pending delayed calls that the Reactor and the test Clock share.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "part04-raw-reactor/delayed_call.hpp"

namespace poetry::reactor {

/// The pending calls of one scheduler, kept in due order.
///
/// Both schedulers own one: the Reactor runs the due calls when its Asio timer fires,
/// the Clock when a test advances it. Each DelayedCall it makes gets hooks that reach
/// back here through a weak pointer, so a handle that outlives its scheduler can still
/// be cancelled safely. Calls due at the same time run in the order they were scheduled.
class CallQueue : public std::enable_shared_from_this<CallQueue> {
  public:
    /// `now` tells the scheduler's time; `changed` is called whenever the earliest
    /// due time may have changed (the Reactor re-arms its timer then).
    CallQueue(std::function<Seconds()> now, std::function<void()> changed);

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
    /// `onError` receives the message of what a call throws, and the next call runs;
    /// without it, the exception propagates to the caller of runDue().
    void runDue(Seconds now, bool includeNew,
                const std::function<void(const std::string&)>& onError = {});

  private:
    struct Entry {
        std::shared_ptr<DelayedCall> call;
        std::uint64_t sequence;  ///< Scheduling order, to break ties in due time.
    };

    void remove(const DelayedCall& call);
    void notify();

    std::function<Seconds()> now_;
    std::function<void()> changed_;
    std::vector<Entry> entries_;
    std::uint64_t nextSequence_ = 0;
};

}  // namespace poetry::reactor
