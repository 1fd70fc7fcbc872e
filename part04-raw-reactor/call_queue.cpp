/// \file
/// \brief CallQueue: the pending delayed calls, in the order they fall due.
#include "part04-raw-reactor/call_queue.hpp"

#include <utility>

namespace poetry::reactor {

CallQueue::CallQueue(const ReactorTime& clock, std::function<void(Seconds)> scheduled)
    : clock_(clock), scheduled_(std::move(scheduled)) {}

std::shared_ptr<DelayedCall> CallQueue::schedule(Seconds delay, std::function<void()> fn) {
    auto call =
        std::make_shared<DelayedCall>(clock_.seconds() + delay, std::move(fn), weak_from_this());
    place(call);
    return call;
}

// Puts the call in at its due time, after every call due then (it is the newest).
void CallQueue::place(std::shared_ptr<DelayedCall> call) {
    DelayedCall& placed = *call;
    placed.place_ = calls_.emplace(std::pair(placed.when_, nextSequence_++), std::move(call)).first;
    if (scheduled_) {
        scheduled_(calls_.begin()->first.first);
    }
}

// Takes the call out; the caller holds it from here on.
std::shared_ptr<DelayedCall> CallQueue::take(DelayedCall& call) {
    std::shared_ptr<DelayedCall> taken = std::move(call.place_->second);
    calls_.erase(call.place_);
    return taken;
}

std::vector<std::shared_ptr<DelayedCall>> CallQueue::pending() const {
    std::vector<std::shared_ptr<DelayedCall>> calls;
    for (const auto& [order, call] : calls_) {
        calls.push_back(call);
    }
    return calls;
}

std::optional<Seconds> CallQueue::nextTime() const {
    if (calls_.empty()) {
        return std::nullopt;
    }
    return calls_.begin()->first.first;
}

void CallQueue::runDue(Seconds now, bool includeNew, const std::function<void()>& onError,
                       Observer* observer) {
    // Calls scheduled from here on have a sequence of at least `limit`. They sort after
    // every call already due (they are due at `now` or later, and scheduled later).
    const std::uint64_t limit = includeNew ? UINT64_MAX : nextSequence_;
    while (!calls_.empty() && calls_.begin()->first.first <= now &&
           calls_.begin()->first.second < limit) {
        std::shared_ptr<DelayedCall> call = take(*calls_.begin()->second);
        if (!onError) {
            call->run();  // may throw, to the test that advanced the Clock
            continue;
        }
        if (observer != nullptr) {  // --trace
            observer->runningDelayedCall(call->functionType());
        }
        try {
            call->run();
        } catch (...) {
            onError();
        }
        if (observer != nullptr) {
            observer->returned(std::nullopt);
        }
    }
}

}  // namespace poetry::reactor
