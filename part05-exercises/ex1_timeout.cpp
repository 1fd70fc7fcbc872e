/// \file
/// \brief ex1-timeout: Part 5's first exercise. Client 2.0 with `--timeout SECONDS`:
/// a download that has not finished that long after its connection was made is
/// closed and reported as timed out, and the others go on.
///
/// The protocol is client 2.0's PoetryProtocol with a deadline; the factory is
/// client 2.0's PoetryClientFactory that also holds the clock and the timeout. The
/// unit tests run the very same classes on a test clock: they define
/// EX1_TIMEOUT_CLASSES_ONLY and include this file, which leaves main out. At the
/// end the program checks what the article asks for: every delayed call we armed
/// was either fired or cancelled, none is left behind.
#include <cstddef>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <utility>

#include "common/command_line.hpp"
#include "common/report.hpp"
#include "part04-raw-reactor/delayed_call.hpp"
#include "part04-raw-reactor/reactor.hpp"
#include "part04-raw-reactor/reason.hpp"
#include "part05-exercises/client20.hpp"

namespace poetry::exercises {

//! [protocol]
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
//! [protocol]

//! [factory]
/// Client 2.0's factory, building TimeoutPoetryProtocols: it also holds the clock
/// the deadlines run on and how long they are. The clock is a ReactorTime, so the
/// program passes its Reactor and a unit test passes a reactor::Clock.
class TimeoutPoetryFactory : public client::PoetryClientFactory {
  public:
    /// As PoetryClientFactory's constructor, plus the `clock` and the `timeout`.
    TimeoutPoetryFactory(reactor::ReactorTime& clock, reactor::Seconds timeout,
                         std::size_t poetryCount, ClientReport& report,
                         std::function<void()> allDone)
        : PoetryClientFactory(poetryCount, report, std::move(allDone)),
          clock_(clock),
          timeout_(timeout) {
        setProtocol<TimeoutPoetryProtocol>();
    }

    /// What the protocols schedule their deadlines on.
    reactor::ReactorTime& clock() const { return clock_; }

    /// How long a download may take, from connection to last byte.
    reactor::Seconds timeout() const { return timeout_; }

  private:
    reactor::ReactorTime& clock_;
    reactor::Seconds timeout_;
};
//! [factory]

//! [callbacks]
// `inline`, as in a header: the unit tests include this file too.
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
//! [callbacks]

}  // namespace poetry::exercises

#ifndef EX1_TIMEOUT_CLASSES_ONLY

namespace {

int run(int argc, char** argv) {
    poetry::CommandLine cl("ex1-timeout", "[options] ADDRESS...",
                           "Downloads poems like client 2.0, but gives up on any download that "
                           "takes longer than --timeout seconds (Part 5, exercise 1).");
    poetry::addClientOptions(cl, {.trace = true});
    cl.options()("timeout", poetry::po::value<double>()->default_value(10.0, "10"),
                 "seconds a download may take, from connecting to the last byte");
    auto values = cl.parse(argc, argv, std::cout);
    if (!values) {
        return poetry::kExitSuccess;
    }
    auto options = poetry::clientOptions(*values);
    double seconds = (*values)["timeout"].as<double>();
    if (!(seconds > 0) || seconds > 86400) {
        std::ostringstream text;
        text << "--timeout " << seconds << " must be more than 0 and at most 86400 seconds";
        throw poetry::UsageError(text.str());
    }
    poetry::reactor::Seconds timeout(seconds);

    //! [main]
    poetry::reactor::Reactor reactor;
    poetry::trace::Tracing tracing(options.trace, reactor);  // --trace
    poetry::ClientReport report(options.quiet);
    poetry::exercises::TimeoutPoetryFactory factory(reactor, timeout, options.addresses.size(),
                                                    report, [&reactor] { reactor.stop(); });
    // The same limit for each connection attempt, so nothing waits longer.
    int status =
        poetry::exercises::getPoetry(reactor, factory, tracing, options.addresses, timeout);

    // Every deadline was cancelled or fired: a leftover would be a bug in the protocol.
    auto armed = reactor.getDelayedCalls().size();
    if (armed != 0) {
        std::cerr << "ex1-timeout: error: " << armed
                  << " delayed call(s) still armed after the last download" << std::endl;
        return poetry::kExitFailure;
    }
    //! [main]
    return status;
}

}  // namespace

int main(int argc, char** argv) {
    return poetry::runMain("ex1-timeout", [&] { return run(argc, argv); });
}

#endif  // EX1_TIMEOUT_CLASSES_ONLY
