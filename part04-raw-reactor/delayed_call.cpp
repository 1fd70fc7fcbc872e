/// \file
/// \brief DelayedCall: the handle to one scheduled call.
#include "part04-raw-reactor/delayed_call.hpp"

#include <string>
#include <utility>

#include "part04-raw-reactor/call_queue.hpp"

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

}  // namespace poetry::reactor
