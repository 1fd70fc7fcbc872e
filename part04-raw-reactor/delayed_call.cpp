// DelayedCall: the handle to one scheduled function.
#include "part04-raw-reactor/delayed_call.hpp"

#include <utility>

namespace poetry::reactor {

DelayedCall::DelayedCall(Seconds when, std::function<void()> fn, Hooks hooks)
    : when_(when), fn_(std::move(fn)), hooks_(std::move(hooks)) {}

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
    if (hooks_.cancelled) {
        hooks_.cancelled(*this);
    }
}

void DelayedCall::reset(Seconds secondsFromNow) {
    requireActive("reset");
    when_ = (hooks_.now ? hooks_.now() : Seconds(0)) + secondsFromNow;
    if (hooks_.rescheduled) {
        hooks_.rescheduled(*this);
    }
}

void DelayedCall::delay(Seconds secondsLater) {
    requireActive("delay");
    when_ += secondsLater;
    if (hooks_.rescheduled) {
        hooks_.rescheduled(*this);
    }
}

void DelayedCall::run() {
    if (!active()) {
        return;
    }
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
