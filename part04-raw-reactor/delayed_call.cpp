/// \file
/// \brief DelayedCall, the handle to one scheduled call, and CallQueue, the pending
/// calls in the order they fall due.
#include "part04-raw-reactor/delayed_call.hpp"

#include <limits>
#include <string>
#include <utility>

namespace poetry::reactor {

DelayedCall::DelayedCall(Seconds when, std::function<void()> fn, std::weak_ptr<CallQueue> queue)
    : when_(when), fn_(std::move(fn)), queue_(std::move(queue)) {}

void DelayedCall::requireActive(const char* what) const {
    if (cancelled_) {
        throw AlreadyCancelled(std::string(what) + ": the delayed call was already cancelled");
    }
    if (called_) {
        throw AlreadyCalled(std::string(what) + ": the delayed call already ran");
    }
}

void DelayedCall::cancel() {
    requireActive("cancel");
    cancelled_ = true;
    // Drop the function (and whatever it captured) now, not when the last handle
    // goes: a function that captured its own owner would otherwise keep it alive.
    // It is destroyed at the end of this scope, after our state is consistent.
    auto fn = std::move(fn_);
    fn_ = nullptr;
    std::shared_ptr<DelayedCall> self;  // the queue's reference, let go of on return
    if (auto queue = queue_.lock()) {
        self = queue->take(*this);  // out of the queue at once
    }
}

void DelayedCall::reset(Seconds secondsFromNow) {
    requireActive("reset");
    auto queue = queue_.lock();
    when_ = (queue ? queue->clock_.seconds() : Seconds(0)) + secondsFromNow;
    if (queue) {
        queue->place(queue->take(*this));  // at its new time, the newest there
    }
}

void DelayedCall::delay(Seconds secondsLater) {
    requireActive("delay");
    when_ += secondsLater;
    if (auto queue = queue_.lock()) {
        queue->place(queue->take(*this));
    }
}

void DelayedCall::run() {
    // Marked called before it runs, as in Twisted: inside its own function the
    // call is no longer active(), and cancel() there throws AlreadyCalled.
    called_ = true;
    auto fn = std::move(fn_);
    fn_ = nullptr;
    if (fn) {
        fn();
    }
}

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
    const DelayedCall::Due due{placed.when_, nextSequence_++};
    placed.place_ = calls_.emplace(due, std::move(call)).first;
    if (scheduled_) {
        scheduled_(calls_.begin()->first.when);
    }
}

// Takes the call out; the caller holds it from here on.
std::shared_ptr<DelayedCall> CallQueue::take(DelayedCall& call) {
    std::shared_ptr<DelayedCall> taken = std::move(call.place_->second);
    calls_.erase(call.place_);
    return taken;
}

std::shared_ptr<DelayedCall> CallQueue::takeDue(Seconds now, std::uint64_t scheduledBefore) {
    // A call scheduled after the fence sorts after every call already due: it is due
    // at `now` or later, and its sequence is higher.
    if (calls_.empty() || calls_.begin()->first.when > now ||
        calls_.begin()->first.sequence >= scheduledBefore) {
        return nullptr;
    }
    return take(*calls_.begin()->second);
}

void CallQueue::runAllDue(Seconds now) {
    while (auto call = takeDue(now, std::numeric_limits<std::uint64_t>::max())) {
        call->run();
    }
}

}  // namespace poetry::reactor
