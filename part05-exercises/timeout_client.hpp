/// \file
/// \brief Exercise 1's protocol and factory: client 2.0 with a timeout per download.
#pragma once

#include <cstddef>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <utility>

#include "part04-raw-reactor/delayed_call.hpp"
#include "part04-raw-reactor/reason.hpp"
#include "part05-exercises/exercise_factory.hpp"
#include "part05-protocols/poetry_client.hpp"

namespace poetry::exercises {

// [protocol]
/// Client 2.0's PoetryProtocol with a deadline: if the poem is not whole `timeout`
/// seconds after the connection was made, the protocol closes the connection.
///
/// connectionMade() arms a delayed call on the factory's clock; connectionLost()
/// cancels it if it has not fired. When it fired, the connection ended because we
/// closed it, so the clean close that follows (ConnectionDone) is passed on as a
/// ConnectionLost that says "Timed out": a poem cut short is never counted as a poem.
class TimeoutPoetryProtocol : public client::PoetryProtocol {
  public:
    /// Cancels the deadline if the protocol goes away without connectionLost()
    /// (only a test can do that), so the delayed call never outlives `this`.
    ~TimeoutPoetryProtocol() override {
        if (deadline_ && deadline_->active()) {
            deadline_->cancel();
        }
    }

    /// Called by makeConnection(): the clock starts now.
    void connectionMade() override;

    /// Called by the transport at the end: disarms the deadline, then reports the
    /// download, as a timeout if the deadline is what ended it.
    void connectionLost(const reactor::Reason& reason) override;

    /// True once the deadline has fired.
    bool timedOut() const { return timedOut_; }

  private:
    void timeOut();

    std::shared_ptr<reactor::DelayedCall> deadline_;
    bool timedOut_ = false;
};
// [protocol]

// [factory]
/// Client 2.0's factory for TimeoutPoetryProtocol: it also holds the clock the
/// deadlines run on and how long they are. The clock is a ReactorTime, so the
/// program passes its Reactor and a unit test passes a reactor::Clock.
class TimeoutPoetryFactory : public PoetryFactoryOf<TimeoutPoetryProtocol> {
  public:
    /// As PoetryClientFactory's constructor, plus the `clock` and the `timeout`.
    TimeoutPoetryFactory(reactor::ReactorTime& clock, reactor::Seconds timeout,
                         std::size_t poetryCount, bool quiet, std::function<void()> allDone,
                         std::ostream& out = std::cout, std::ostream& err = std::cerr)
        : PoetryFactoryOf(poetryCount, quiet, std::move(allDone), out, err),
          clock_(clock),
          timeout_(timeout) {}

    /// What the protocols schedule their deadlines on.
    reactor::ReactorTime& clock() const { return clock_; }

    /// How long a download may take, from connection to last byte.
    reactor::Seconds timeout() const { return timeout_; }

  private:
    reactor::ReactorTime& clock_;
    reactor::Seconds timeout_;
};
// [factory]

// [callbacks]
inline void TimeoutPoetryProtocol::connectionMade() {
    auto& factory = factoryAs<TimeoutPoetryFactory>();
    deadline_ = factory.clock().callLater(factory.timeout(), [this] { timeOut(); });
}

inline void TimeoutPoetryProtocol::timeOut() {
    timedOut_ = true;
    transport()->loseConnection();  // connectionLost(ConnectionDone) follows, later
}

inline void TimeoutPoetryProtocol::connectionLost(const reactor::Reason& reason) {
    if (deadline_->active()) {
        deadline_->cancel();  // the poem ended in time (or broke): no timeout any more
    }
    if (!timedOut_) {
        PoetryProtocol::connectionLost(reason);
        return;
    }
    // We closed the connection ourselves, so `reason` says ConnectionDone; that
    // is how the connection ended, not how the download did: for the download, the
    // connection was lost. (Not a TimeoutError: that kind is a connect that never
    // finished, and this connection was made.)
    std::ostringstream why;
    why << "Timed out after " << factoryAs<TimeoutPoetryFactory>().timeout().count() << " s";
    PoetryProtocol::connectionLost(reactor::Reason(reactor::ReasonKind::ConnectionLost, why.str()));
}
// [callbacks]

}  // namespace poetry::exercises
