// CallQueue: pending delayed calls, run earliest first.
#include "part04-raw-reactor/call_queue.hpp"

#include <algorithm>
#include <utility>

namespace poetry::reactor {

CallQueue::CallQueue(std::function<Seconds()> now, std::function<void()> changed)
    : now_(std::move(now)), changed_(std::move(changed)) {}

std::shared_ptr<DelayedCall> CallQueue::schedule(Seconds delay, std::function<void()> fn) {
    std::weak_ptr<CallQueue> self = weak_from_this();
    DelayedCall::Hooks hooks{
        [self]() {
            auto queue = self.lock();
            return queue ? queue->now_() : Seconds(0);
        },
        [self](DelayedCall& call) {
            if (auto queue = self.lock()) {
                queue->remove(call);
                queue->notify();
            }
        },
        [self](DelayedCall&) {
            if (auto queue = self.lock()) {
                queue->notify();
            }
        },
    };
    auto call = std::make_shared<DelayedCall>(now_() + delay, std::move(fn), std::move(hooks));
    entries_.push_back({call, nextSequence_++});
    notify();
    return call;
}

std::vector<std::shared_ptr<DelayedCall>> CallQueue::pending() const {
    std::vector<Entry> sorted = entries_;
    std::stable_sort(sorted.begin(), sorted.end(), [](const Entry& a, const Entry& b) {
        return a.call->getTime() < b.call->getTime();
    });
    std::vector<std::shared_ptr<DelayedCall>> result;
    for (const auto& entry : sorted) {
        result.push_back(entry.call);
    }
    return result;
}

std::optional<Seconds> CallQueue::nextTime() const {
    std::optional<Seconds> earliest;
    for (const auto& entry : entries_) {
        if (!earliest || entry.call->getTime() < *earliest) {
            earliest = entry.call->getTime();
        }
    }
    return earliest;
}

void CallQueue::runDue(Seconds now, bool includeNew,
                       const std::function<void(const std::string&)>& onError) {
    const std::uint64_t limit = nextSequence_;
    for (;;) {
        // The earliest due entry, ties broken by scheduling order. A linear scan per
        // call is the simplest thing that works; even 10,000 pending connect timeouts
        // (one per connectTCP) measured fine (bench/RESULTS.md). A heap would scale better.
        auto best = entries_.end();
        for (auto it = entries_.begin(); it != entries_.end(); ++it) {
            if (it->call->getTime() > now || (!includeNew && it->sequence >= limit)) {
                continue;
            }
            if (best == entries_.end() || it->call->getTime() < best->call->getTime() ||
                (it->call->getTime() == best->call->getTime() && it->sequence < best->sequence)) {
                best = it;
            }
        }
        if (best == entries_.end()) {
            break;
        }
        auto call = best->call;
        entries_.erase(best);
        if (!onError) {
            call->run();
            continue;
        }
        try {
            call->run();
        } catch (const std::exception& error) {
            onError(error.what());
        } catch (...) {
            onError("unknown exception");
        }
    }
    notify();
}

void CallQueue::remove(const DelayedCall& call) {
    std::erase_if(entries_, [&](const Entry& entry) { return entry.call.get() == &call; });
}

void CallQueue::notify() {
    if (changed_) {
        changed_();
    }
}

}  // namespace poetry::reactor
