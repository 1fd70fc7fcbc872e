/// \file
/// \brief The reactor: one event loop that calls your code when something happens.
#pragma once

#include <memory>
#include <vector>

#include <boost/asio/io_context.hpp>

#include "part04-raw-reactor/delayed_call.hpp"
#include "part04-raw-reactor/descriptor.hpp"

namespace poetry::reactor {

/// The reactor (Twisted's `reactor`), a facade over one `boost::asio::io_context`.
///
/// A program makes one, registers descriptors with addReader()/addWriter() and
/// timers with callLater(), then calls run(), which blocks and turns readiness
/// into doRead()/doWrite() calls and due timers into their functions, until some
/// callback calls stop(). The waiting itself is Asio's (epoll on Linux): the
/// reactor asks Asio to wait for readiness of each descriptor it watches.
///
/// Ownership: while a descriptor is registered the reactor holds a shared_ptr to
/// it, as Twisted's reactor holds a reference, so a descriptor lives at least
/// until it is removed. Adding and removing descriptors, and scheduling or
/// cancelling calls, are all safe from inside any callback.
class Reactor : public ReactorTime {
  public:
    /// Made once by a program's `main` (or by a test), before anything is added.
    Reactor();

    /// Lets go of every descriptor it still watches, without closing any fd, and
    /// drops the pending delayed calls (handles kept elsewhere stay safe to cancel).
    ~Reactor() override;

    Reactor(const Reactor&) = delete;             ///< One loop, one owner: not copyable.
    Reactor& operator=(const Reactor&) = delete;  ///< Not assignable either.

    /// Starts calling `reader->doRead()` whenever its fileno() is readable.
    /// Adding one that is already a reader does nothing; a fileno() below 0 throws
    /// std::invalid_argument.
    ///
    /// Called by whoever has a connected socket to watch: client 1.0's `main`,
    /// part05's transports. Two things to know: Asio's wait puts the fd in
    /// non-blocking mode (Twisted expects that of every descriptor anyway), and the
    /// descriptor must be removed before its fd is closed, as in Twisted. The fd
    /// must not also be open as an Asio socket on context(): epoll registers an fd
    /// once per loop.
    void addReader(std::shared_ptr<ReadDescriptor> reader);

    /// Stops watching `reader` for reading; no doRead() call follows this one, even
    /// if the fd was already readable in this turn of the loop. Removing one that is
    /// not a reader does nothing. Called by the descriptor's owner (also from inside
    /// its own doRead()), and by the reactor itself before connectionLost().
    /// The reactor lets go of its shared_ptr here: a descriptor that removes itself
    /// from anywhere but its own doRead()/doWrite() (a timer, say) must hold a
    /// shared_ptr to itself first, or this call may destroy it before it returns.
    void removeReader(ReadDescriptor& reader);

    /// Starts calling `writer->doWrite()` whenever its fileno() is writable.
    /// Called by part05's transports when they have data queued; the same rules as
    /// addReader(). A descriptor can be reader and writer of one fd at once.
    void addWriter(std::shared_ptr<WriteDescriptor> writer);

    /// Stops watching `writer` for writing; no doWrite() call follows. Called by a
    /// transport whose queue ran dry, and by the reactor before connectionLost().
    /// The same warning as removeReader(): the reactor's reference may be the last.
    void removeWriter(WriteDescriptor& writer);

    /// The current readers, in the order they were added. Client 1.0's
    /// connectionLost() looks here for poetry sockets still at work.
    std::vector<std::shared_ptr<ReadDescriptor>> getReaders() const;

    /// The current writers, in the order they were added (for tests and checks).
    std::vector<std::shared_ptr<WriteDescriptor>> getWriters() const;

    /// Seconds on a monotonic clock (not the wall clock). Read by DelayedCall::reset()
    /// and by code that measures time on the reactor's clock.
    Seconds seconds() const override;

    /// Runs `fn` once, `delay` from now, from inside run(). Calls due at the same
    /// time run in the order they were scheduled. An exception escaping `fn` is
    /// reported as one line on stderr and the loop goes on. Called by anyone, from
    /// anywhere, before or during run().
    std::shared_ptr<DelayedCall> callLater(Seconds delay, std::function<void()> fn) override;

    /// Calls that are scheduled and still active(), earliest first, so a test can
    /// show that nothing was left armed.
    std::vector<std::shared_ptr<DelayedCall>> getDelayedCalls() const override;

    /// Runs the loop until stop(): blocks even when nothing is registered. Called
    /// once by `main` after setting things up; it can be called again after it
    /// returned. Throws std::logic_error if already running.
    void run();

    /// Makes run() return once the current callback is done, without waiting for
    /// pending delayed calls. Called from inside a callback (client 1.0's last
    /// connectionLost()). Throws ReactorNotRunning when run() is not running or
    /// stop() was already called in this run, as Twisted does.
    void stop();

    /// True while run() is running and stop() has not been called yet, so
    /// `if (reactor.running()) reactor.stop();` never throws.
    bool running() const;

    /// Makes SIGINT and SIGTERM stop the reactor (run() returns) instead of killing
    /// the process, as Twisted's reactor does for a server. Called once by a program
    /// before run(), typically a server that should exit 0 on Ctrl-C. A signal that
    /// arrives before run() stops the reactor as soon as it runs.
    void stopOnSignals();

    /// The Asio context underneath, for the layers above that start Asio operations
    /// of their own (part05's name resolution).
    boost::asio::io_context& context();

  private:
    void waitForSignal();

    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// stop() on a reactor that is not running (Twisted's `ReactorNotRunning`).
class ReactorNotRunning : public std::logic_error {
  public:
    using std::logic_error::logic_error;
};

}  // namespace poetry::reactor
