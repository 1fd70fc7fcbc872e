/// \file
/// \brief Clock: delayed calls on a time that only a test moves.
#include "part04-raw-reactor/clock.hpp"

#include <utility>

#include "part04-raw-reactor/call_queue.hpp"

namespace poetry::reactor {

Clock::Clock() : calls_(std::make_shared<CallQueue>(*this, nullptr)) {}

Clock::~Clock() = default;

Seconds Clock::seconds() const {
    return now_;
}

std::shared_ptr<DelayedCall> Clock::callLater(Seconds delay, std::function<void()> fn) {
    return calls_->schedule(delay, std::move(fn));
}

std::vector<std::shared_ptr<DelayedCall>> Clock::getDelayedCalls() const {
    return calls_->pending();
}

void Clock::advance(Seconds amount) {
    now_ += amount;
    calls_->runDue(now_, true);
}

void Clock::pump(std::initializer_list<Seconds> amounts) {
    for (Seconds amount : amounts) {
        advance(amount);
    }
}

}  // namespace poetry::reactor
