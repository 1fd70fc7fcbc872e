/// \file
/// \brief CallQueue: the pending delayed calls, in a binary heap, earliest first.
// CallQueue: pending delayed calls in a binary heap, earliest first. The heap is
// written out (siftUp, siftDown) rather than std::push_heap's, because each call
// keeps its own index in it, so that cancel() can take it out in O(log n).
#include "part04-raw-reactor/call_queue.hpp"

#include <algorithm>
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

// Due first: the earlier time, or at the same time the one scheduled first.
bool CallQueue::earlier(const Entry& a, const Entry& b) {
    return a.when != b.when ? a.when < b.when : a.sequence < b.sequence;
}

void CallQueue::push(std::shared_ptr<DelayedCall> call) {
    call->heapIndex_ = heap_.size();
    heap_.push_back({call->when_, nextSequence_++, std::move(call)});
    siftUp(heap_.size() - 1);
    if (scheduled_) {
        scheduled_(heap_[0].when);
    }
}

// Takes the call at `index` out of the heap: the last one fills its place.
std::shared_ptr<DelayedCall> CallQueue::take(std::size_t index) {
    swapPlaces(index, heap_.size() - 1);
    std::shared_ptr<DelayedCall> call = std::move(heap_.back().call);
    heap_.pop_back();
    if (index < heap_.size()) {
        siftDown(index);
        siftUp(index);
    }
    return call;
}

// reset() or delay() changed the call's time: it moves up or down, and counts as
// scheduled now among calls due at the same time.
void CallQueue::moved(DelayedCall& call) {
    heap_[call.heapIndex_].when = call.when_;
    heap_[call.heapIndex_].sequence = nextSequence_++;
    siftUp(call.heapIndex_);
    siftDown(call.heapIndex_);
    if (scheduled_) {
        scheduled_(heap_[0].when);
    }
}

void CallQueue::siftUp(std::size_t index) {
    while (index > 0 && earlier(heap_[index], heap_[(index - 1) / 2])) {
        swapPlaces(index, (index - 1) / 2);
        index = (index - 1) / 2;
    }
}

void CallQueue::siftDown(std::size_t index) {
    for (;;) {
        std::size_t first = index;
        for (std::size_t child : {2 * index + 1, 2 * index + 2}) {
            if (child < heap_.size() && earlier(heap_[child], heap_[first])) {
                first = child;
            }
        }
        if (first == index) {
            return;
        }
        swapPlaces(index, first);
        index = first;
    }
}

void CallQueue::swapPlaces(std::size_t a, std::size_t b) {
    std::swap(heap_[a], heap_[b]);
    heap_[a].call->heapIndex_ = a;
    heap_[b].call->heapIndex_ = b;
}

std::vector<std::shared_ptr<DelayedCall>> CallQueue::pending() const {
    std::vector<Entry> sorted = heap_;
    std::sort(sorted.begin(), sorted.end(), earlier);
    std::vector<std::shared_ptr<DelayedCall>> calls;
    for (const Entry& entry : sorted) {
        calls.push_back(entry.call);
    }
    return calls;
}

std::optional<Seconds> CallQueue::nextTime() const {
    if (heap_.empty()) {
        return std::nullopt;
    }
    return heap_[0].when;
}

void CallQueue::runDue(Seconds now, bool includeNew, const std::function<void()>& onError,
                       Observer* observer) {
    // Calls scheduled from here on have a sequence of at least `limit`. They sort after
    // every call already due (they are due at `now` or later, and scheduled later).
    const std::uint64_t limit = includeNew ? UINT64_MAX : nextSequence_;
    while (!heap_.empty() && heap_[0].when <= now && heap_[0].sequence < limit) {
        std::shared_ptr<DelayedCall> call = take(0);
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
