/// \file
/// \brief The reactor: Twisted's vocabulary on one boost::asio::io_context, whose
/// readiness becomes doRead() and doWrite().
///
/// How readiness becomes doRead(): each descriptor owns its Asio socket, and when the
/// reactor wants to hear about it, it asks the descriptor to async_wait on that socket
/// (FileDescriptor::asyncWait), handing it a ReadyHandler. Asio's loop, io_context::run,
/// sleeps in epoll_wait; when the socket is ready it calls the handler, which calls
/// dispatch() below: dispatch calls doRead() (or doWrite()) and, if the descriptor is
/// still watched, waits again. Delayed calls share the loop through one Asio timer.
///
/// Read it from the top: dispatch and what it calls (the article's path), then how a
/// descriptor is added and removed, then callLater and the timer; then, beyond the
/// article, how each call out is guarded and observed, and run and stop.
#include "part04-raw-reactor/reactor.hpp"

#include <csignal>
#include <new>
#include <utility>

#include "common/messages.hpp"

namespace poetry::reactor {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// Readers are watched_[0], writers watched_[1]; the same in each descriptor's watch_.
std::size_t slot(Direction direction) {
    return direction == Direction::Read ? 0 : 1;
}

}  // namespace

// Asio calls this when a wait is over; our reference to the descriptor goes along.
void ReadyHandler::operator()(error_code error) {
    reactor_->dispatch(std::move(descriptor_), direction_, error);
}

//! [dispatch]
// A wait is over: the descriptor is ready (or its socket is broken). We hold
// `descriptor` until we return, so whatever doRead() removes or closes, the object
// we are calling stays alive (ACE's rule for upcalls). Not inlined, so a stack
// trace from dataReceived() shows this frame.
[[gnu::noinline]] void Reactor::dispatch(std::shared_ptr<FileDescriptor> descriptor,
                                         Direction direction, error_code error) {
    FileDescriptor::Watch& watch = descriptor->watch_[slot(direction)];
    watch.waiting = false;
    if (!watch.watched) {
        return;  // removed since the wait began: call nobody
    }
    // A broken socket, or one its owner closed under the wait while still watching it
    // (operation_aborted): either way the connection is lost, with no doRead().
    std::optional<Reason> why =
        error ? Reason::connectionEnded(error) : doReadOrWrite(*descriptor, direction);
    if (why) {
        disconnect(*descriptor, *why);
    } else if (watch.watched) {
        wait(descriptor, direction);  // still wanted: wait for the next time
    }
}
//! [dispatch]

//! [disconnect]
// The descriptor's connection ended: stop watching it both ways, then tell it, once.
// Not inlined, so ex2's stacks show this frame.
[[gnu::noinline]] void Reactor::disconnect(FileDescriptor& descriptor, const Reason& why) {
    remove(descriptor, Direction::Read);
    remove(descriptor, Direction::Write);
    tellConnectionLost(descriptor, why);
}
//! [disconnect]

//! [add]
// Twisted's _add, written once for both directions: the descriptor joins this
// direction's list (the reactor's reference to it), and we wait for it.
void Reactor::add(std::shared_ptr<FileDescriptor> descriptor, Direction direction) {
    FileDescriptor::Watch& watch = descriptor->watch_[slot(direction)];
    if (watch.watched) {
        return;
    }
    if (descriptor->fileno() < 0) {
        throw std::invalid_argument("reactor: cannot watch " + descriptor->logPrefix() +
                                    ": it has no open socket");
    }
    auto& list = watched_[slot(direction)];
    watch.place = list.insert(list.end(), descriptor);
    watch.watched = true;
    wait(descriptor, direction);
}

// Asks the descriptor to wait on its socket, unless a wait is already on its way
// (one begun before a remove and an add in the same turn serves the new add too).
void Reactor::wait(const std::shared_ptr<FileDescriptor>& descriptor, Direction direction) {
    FileDescriptor::Watch& watch = descriptor->watch_[slot(direction)];
    if (watch.waiting) {
        return;
    }
    watch.waiting = true;
    descriptor->asyncWait(
        direction == Direction::Read ? asio::socket_base::wait_read : asio::socket_base::wait_write,
        ReadyHandler(*this, descriptor, direction));
}

// Twisted's _remove: the descriptor leaves this direction's list. A pending wait is
// not cancelled (Asio's cancel() would cancel the other direction's too): when it
// completes, dispatch() finds the descriptor unwatched and calls nobody. Until then
// the wait holds the descriptor, so removing never destroys one that is waited for,
// and the one that is running is held by dispatch().
void Reactor::remove(FileDescriptor& descriptor, Direction direction) {
    FileDescriptor::Watch& watch = descriptor.watch_[slot(direction)];
    if (!watch.watched) {
        return;
    }
    watch.watched = false;
    auto last = std::move(*watch.place);  // let go of it once the list is in order
    watched_[slot(direction)].erase(watch.place);
}
//! [add]

//! [callLater]
// Delayed calls wait in due order (CallQueue); one Asio timer is set for the earliest.
std::shared_ptr<DelayedCall> Reactor::callLater(Seconds delay, std::function<void()> fn) {
    return calls_->schedule(delay, std::move(fn));  // calls wakeUpBy(its due time)
}

// Makes sure the timer fires by `when`. It is moved only when a call falls due
// before it; one that fires early (its call was cancelled) finds nothing due and
// is set again, for the next call.
void Reactor::wakeUpBy(Seconds when) {
    if (timerDue_ && *timerDue_ <= when) {
        return;
    }
    timerDue_ = when;
    using Clock = std::chrono::steady_clock;
    timer_.expires_at(Clock::time_point(std::chrono::duration_cast<Clock::duration>(when)));
    timer_.async_wait([this](error_code error) {
        if (!error) {  // operation_aborted: it was moved, and that wait will come
            timerFired();
        }
    });
}

void Reactor::timerFired() {
    timerDue_.reset();
    // What falls due now runs now; calls that these schedule wait for the next turn,
    // so a call that reschedules itself at once cannot starve the loop.
    const Seconds now = seconds();
    const std::uint64_t turn = calls_->nextSequence();
    while (auto call = calls_->takeDue(now, turn)) {
        runDelayedCall(*call);
    }
    if (auto next = calls_->nextTime()) {
        wakeUpBy(*next);
    }
}
//! [callLater]

// ---- Calling out (beyond the article) -------------------------------------------
// Every call the reactor makes into a descriptor, a delayed call or a callback goes
// through one of these four. An exception that escapes it is reported (logError,
// Twisted's log.err) and the loop goes on. An observer, if the program set one
// (--trace), is told before and after: the one place it watches from, as Twisted's
// reactor wraps each call in log.callWithLogger. Always inlined, so that stacks show
// the lesson's frames (dispatch, disconnect) and not these.

[[gnu::always_inline]] inline std::optional<Reason> Reactor::doReadOrWrite(
    FileDescriptor& descriptor, Direction direction) {
    if (observer_) {
        observer_->dispatching(descriptor.fileno(), direction, descriptor);
    }
    std::optional<Reason> why;
    try {
        why = direction == Direction::Read ? dynamic_cast<ReadDescriptor&>(descriptor).doRead()
                                           : dynamic_cast<WriteDescriptor&>(descriptor).doWrite();
    } catch (const std::bad_alloc&) {
        // No bug in the callback, so nothing to log: the connection is lost, and its
        // protocol tells the user why.
        why = Reason(ReasonKind::ConnectionLost, "out of memory");
    } catch (...) {
        why = Reason(ReasonKind::ConnectionLost, logError(descriptor.logPrefix()));
    }
    if (observer_) {
        observer_->returned(why);
    }
    return why;
}

// The other calls out: `tell` tells the observer what is about to run, `call` runs it,
// `where` names it in the report if it throws.
template <typename Tell, typename Call>
[[gnu::always_inline]] inline void Reactor::callOut(const Tell& tell, const Call& call,
                                                    std::string_view where) {
    if (observer_) {
        tell(*observer_);
    }
    try {
        call();
    } catch (...) {
        logError(where);
    }
    if (observer_) {
        observer_->returned(std::nullopt);
    }
}

[[gnu::always_inline]] inline void Reactor::tellConnectionLost(FileDescriptor& descriptor,
                                                               const Reason& why) {
    callOut([&](Observer& observer) { observer.losingConnection(descriptor, why); },
            [&] { descriptor.connectionLost(why); }, "connectionLost of " + descriptor.logPrefix());
}

[[gnu::always_inline]] inline void Reactor::runDelayedCall(DelayedCall& call) {
    callOut([&](Observer& observer) { observer.runningDelayedCall(call.functionType()); },
            [&] { call.run(); }, "a delayed call");
}

// A call back into code that waited for something other than a descriptor or a timer:
// a name lookup's answer, a signal. `what` says what happened.
void Reactor::callBack(const std::string& what, const std::function<void()>& fn) {
    callOut([&](Observer& observer) { observer.completed(what); }, fn, what);
}

Reactor::Reactor()
    : calls_(std::make_shared<CallQueue>(*this, [this](Seconds when) { wakeUpBy(when); })) {}

Reactor::~Reactor() {
    // The descriptors go first, while the io_context their sockets live on is still
    // here. (A pending wait's reference goes with the io_context, last.)
    for (Direction direction : {Direction::Read, Direction::Write}) {
        while (!watched_[slot(direction)].empty()) {
            remove(*watched_[slot(direction)].front(), direction);
        }
    }
}

void Reactor::resolve(const std::string& host, std::uint16_t port, Resolved done) {
    using asio::ip::tcp;
    auto resolver = std::make_shared<tcp::resolver>(io_);  // lives until the answer
    auto answered = [this, resolver, host, done = std::move(done)](
                        error_code error, tcp::resolver::results_type results) {
        callBack("resolve(" + host + ") " + (error ? "failed: " + error.message() : "answered"),
                 [&] { done(error, std::vector<tcp::endpoint>(results.begin(), results.end())); });
    };
    resolver->async_resolve(host, std::to_string(port), tcp::resolver::numeric_service,
                            std::move(answered));
}

void Reactor::run() {
    if (running_) {
        throw std::logic_error("reactor: run() called while the reactor is already running");
    }
    running_ = true;
    stopping_ = false;
    struct Reset {
        Reactor& reactor;
        ~Reset() { reactor.running_ = reactor.stopping_ = false; }
    } reset{*this};
    // The work guard keeps run() blocking even with nothing to watch: only stop() ends it.
    auto guard = asio::make_work_guard(io_);
    io_.restart();
    io_.run();
}

void Reactor::stop() {
    if (!running_ || stopping_) {
        throw ReactorNotRunning("reactor: stop() called on a reactor that is not running");
    }
    stopping_ = true;
    if (observer_) {
        observer_->stopping();
    }
    io_.stop();  // run() returns as soon as the current handler is done
}

void Reactor::stopOnSignals() {
    if (!signals_) {
        signals_.emplace(io_, SIGINT, SIGTERM);
        waitForSignal();
    }
}

// Waits for the next signal; each one stops the reactor if it runs, and the wait
// starts again, so a reactor that runs again can be stopped again.
void Reactor::waitForSignal() {
    signals_->async_wait([this](const error_code& error, int signal) {
        if (!error) {  // else the reactor is going away
            callBack("signal " + std::to_string(signal), [this] {
                if (running()) {
                    stop();
                }
            });
            waitForSignal();
        }
    });
}

}  // namespace poetry::reactor
