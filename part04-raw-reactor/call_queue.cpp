/// \file
/// \brief CallQueue: the pending delayed calls, in a binary heap, earliest first.
// CallQueue: pending delayed calls in a binary heap, earliest first.
#include "part04-raw-reactor/call_queue.hpp"

#include <algorithm>
#include <iterator>
#include <utility>

namespace poetry::reactor {

CallQueue::CallQueue(const ReactorTime& clock, std::function<void(Seconds)> scheduled)
    : clock_(clock), scheduled_(std::move(scheduled)) {}

std::shared_ptr<DelayedCall> CallQueue::schedule(Seconds delay, std::function<void()> fn) {
    auto call =
        std::make_shared<DelayedCall>(clock_.seconds() + delay, std::move(fn), weak_from_this());
    push(call);
    return call;
}

// A call's current entry is the one with its sequence number; any older one is stale.
void CallQueue::push(const std::shared_ptr<DelayedCall>& call) {
    call->sequence_ = nextSequence_++;
    heap_.push_back({call->when_, call->sequence_, call});
    std::push_heap(heap_.begin(), heap_.end(), dueLater);
    if (scheduled_) {
        scheduled_(call->when_);
    }
}

// The heap's order: std::push_heap keeps the *greatest* entry at the front, so
// "greater" here means "due later", and the earliest call comes out first.
bool CallQueue::dueLater(const Entry& a, const Entry& b) {
    return a.when != b.when ? a.when > b.when : a.sequence > b.sequence;
}

bool CallQueue::stale(const Entry& entry) {
    return !entry.call->active() || entry.call->sequence_ != entry.sequence;
}

// Called by DelayedCall::cancel(): its entry is stale now.
void CallQueue::cancelled() {
    ++staleEntries_;
    dropStale();
}

// Called by DelayedCall::reset() and delay(): a fresh entry for the new time; the
// old one is stale.
void CallQueue::rescheduled(DelayedCall& call) {
    ++staleEntries_;
    push(call.shared_from_this());
    dropStale();
}

// Keeps the front entry live, so nextTime() is right, and the heap mostly live.
void CallQueue::dropStale() {
    if (staleEntries_ > 64 && staleEntries_ > heap_.size() / 2) {
        std::erase_if(heap_, stale);
        std::make_heap(heap_.begin(), heap_.end(), dueLater);
        staleEntries_ = 0;
    }
    while (!heap_.empty() && stale(heap_.front())) {
        std::pop_heap(heap_.begin(), heap_.end(), dueLater);
        heap_.pop_back();
        --staleEntries_;
    }
}

std::vector<std::shared_ptr<DelayedCall>> CallQueue::pending() const {
    std::vector<Entry> live;
    std::copy_if(heap_.begin(), heap_.end(), std::back_inserter(live),
                 [](const Entry& entry) { return !stale(entry); });
    std::sort(live.begin(), live.end(),
              [](const Entry& a, const Entry& b) { return dueLater(b, a); });
    std::vector<std::shared_ptr<DelayedCall>> calls;
    for (const auto& entry : live) {
        calls.push_back(entry.call);
    }
    return calls;
}

std::optional<Seconds> CallQueue::nextTime() const {
    if (heap_.empty()) {
        return std::nullopt;
    }
    return heap_.front().when;
}

void CallQueue::runDue(Seconds now, bool includeNew, const std::function<void()>& onError,
                       Observer* observer) {
    // Entries made from here on have a sequence of at least `limit`. They sort after
    // every call already due (they are due at `now` or later, and scheduled later).
    const std::uint64_t limit = includeNew ? UINT64_MAX : nextSequence_;
    for (;;) {
        dropStale();
        if (heap_.empty() || heap_.front().when > now || heap_.front().sequence >= limit) {
            return;
        }
        std::pop_heap(heap_.begin(), heap_.end(), dueLater);
        std::shared_ptr<DelayedCall> call = std::move(heap_.back().call);
        heap_.pop_back();
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
