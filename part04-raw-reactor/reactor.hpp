/// \file
/// \brief The reactor: one event loop that calls your code when something happens, and
/// the Observer through which a tool (`--trace`) watches it.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <typeinfo>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "part04-raw-reactor/delayed_call.hpp"
#include "part04-raw-reactor/descriptor.hpp"

namespace poetry::reactor {

/// Told of each callback the reactor makes, right before and right after it: the one
/// observation point, as Twisted's reactor wraps each dispatch in `log.callWithLogger`.
///
/// A program that wants to watch its loop gives the reactor one with
/// Reactor::setObserver() before run(); `--trace` gives it a trace that writes a line per
/// step (the trace/ directory, which also wraps factories and protocols to show what
/// each step set off). The reactor calls dispatching(), runningDelayedCall(),
/// losingConnection() or completed() when it is about to make a callback, returned()
/// when the callback is over, and stopping() from stop(). Steps may nest: a delayed call
/// may abort a connection, whose connectionLost() runs inside it.
///
/// Nobody but the reactor calls it, always on the loop's thread. With no observer set,
/// each hook costs the reactor one null pointer check.
class Observer {
  public:
    virtual ~Observer() = default;

    /// Right before the reactor calls `descriptor`'s doRead() (Direction::Read) or
    /// doWrite() (Direction::Write), because `fd` is ready.
    virtual void dispatching(int fd, Direction direction, const FileDescriptor& descriptor) = 0;

    /// Right before the reactor runs a due delayed call; `function` is the type of what
    /// it runs (a lambda's type names the function the lambda was written in).
    virtual void runningDelayedCall(const std::type_info& function) = 0;

    /// Right before the reactor calls `descriptor.connectionLost(reason)`.
    virtual void losingConnection(const FileDescriptor& descriptor, const Reason& reason) = 0;

    /// Right before the reactor calls back code that waited for something other than a
    /// descriptor or a timer: a name lookup's answer (Reactor::resolve()), a signal
    /// (Reactor::stopOnSignals()). `what` says what happened.
    virtual void completed(std::string_view what) = 0;

    /// Right after the callback begun last has returned: for a dispatch, what doRead() or
    /// doWrite() returned (nothing while the connection lives on, else why it ended);
    /// nothing for the others.
    virtual void returned(const std::optional<Reason>& result) = 0;

    /// Called by Reactor::stop(), from whatever callback called it.
    virtual void stopping() = 0;
};

/// The reactor (Twisted's `reactor`), a facade over one `boost::asio::io_context`.
///
/// A program makes one, registers descriptors with addReader()/addWriter() and
/// timers with callLater(), then calls run(), which blocks and turns readiness
/// into doRead()/doWrite() calls and due timers into their functions, until some
/// callback calls stop(). The waiting itself is Asio's (epoll on Linux): each
/// descriptor waits on its own Asio socket, made on context(), when the reactor asks.
///
/// Ownership: while a descriptor is registered the reactor holds a shared_ptr to
/// it, as Twisted's reactor holds a reference, and each wait on it and each call
/// into it holds another (ACE's rule for upcalls). So removeReader()/removeWriter()
/// are safe from anywhere, a timer included: they never destroy an object that is
/// running or still waited for. Adding and removing descriptors, and scheduling or
/// cancelling calls, are all safe from inside any callback.
class Reactor : public ReactorTime {
  public:
    /// Made once by a program's `main` (or by a test), before anything is added.
    Reactor();

    /// Lets go of the descriptors it still watches (it never closes a socket) and
    /// of the pending delayed calls (handles kept elsewhere stay safe to cancel).
    /// Descriptors made on context() must be gone by the time it ends: declare the
    /// reactor before them.
    ~Reactor() override;

    Reactor(const Reactor&) = delete;             ///< One loop, one owner: not copyable.
    Reactor& operator=(const Reactor&) = delete;  ///< Not assignable either.

    /// Starts calling `reader->doRead()` whenever its fileno() is readable.
    /// Adding one that is already a reader does nothing; a fileno() below 0 throws
    /// std::invalid_argument. Called by whoever has a connected socket to watch:
    /// client 1.0's `main`, a transport or a listening port. The descriptor's socket
    /// should be non-blocking, as Twisted expects of every descriptor.
    void addReader(std::shared_ptr<ReadDescriptor> reader) {
        add(std::move(reader), Direction::Read);
    }

    /// Stops watching `reader` for reading; no doRead() call follows this one, even
    /// if the socket was already readable in this turn of the loop. Removing one that
    /// is not a reader does nothing. Called by the descriptor's owner (also from inside
    /// its own doRead(), or from a timer), and by the reactor before connectionLost().
    void removeReader(ReadDescriptor& reader) { remove(reader, Direction::Read); }

    /// Starts calling `writer->doWrite()` whenever its fileno() is writable.
    /// Called by a transport when it has data queued; the same rules as
    /// addReader(). A descriptor can be reader and writer of one socket at once.
    void addWriter(std::shared_ptr<WriteDescriptor> writer) {
        add(std::move(writer), Direction::Write);
    }

    /// Stops watching `writer` for writing; no doWrite() call follows. Called by a
    /// transport whose queue ran dry, and by the reactor before connectionLost().
    void removeWriter(WriteDescriptor& writer) { remove(writer, Direction::Write); }

    /// The current readers, in the order they were added: the reactor's own list, to
    /// read, not to keep (it changes as descriptors come and go). Client 1.0's
    /// connectionLost() looks here for poetry sockets still at work.
    const std::list<std::shared_ptr<FileDescriptor>>& getReaders() const { return watched_[0]; }

    /// The current writers, in the order they were added (for tests and checks).
    const std::list<std::shared_ptr<FileDescriptor>>& getWriters() const { return watched_[1]; }

    /// Seconds on a monotonic clock (not the wall clock). Read by DelayedCall::reset()
    /// and by code that measures time on the reactor's clock.
    Seconds seconds() const override { return std::chrono::steady_clock::now().time_since_epoch(); }

    /// Runs `fn` once, `delay` from now, from inside run(). Calls due at the same
    /// time run in the order they were scheduled. An exception escaping `fn` is
    /// reported by logError() and the loop goes on. Called by anyone, from
    /// anywhere, before or during run().
    std::shared_ptr<DelayedCall> callLater(Seconds delay, std::function<void()> fn) override;

    /// Calls that are scheduled and still active(), earliest first, so a test can
    /// show that nothing was left armed.
    std::vector<std::shared_ptr<DelayedCall>> getDelayedCalls() const override {
        return calls_->pending();
    }

    /// What resolve() calls back with: an error, or the host's addresses.
    using Resolved =
        std::function<void(boost::system::error_code, std::vector<boost::asio::ip::tcp::endpoint>)>;

    /// Looks up `host` (a name or an IP address) without blocking the loop, as
    /// Twisted's `reactor.resolve` does, and calls `done` from inside run() with its
    /// addresses for `port`, or with the error (`host_not_found`, ...). Asio's resolver
    /// does the work on a thread of its own. Called by a connector, for a host name.
    void resolve(const std::string& host, std::uint16_t port, Resolved done);

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
    bool running() const { return running_ && !stopping_; }

    /// Makes SIGINT and SIGTERM stop the reactor (run() returns) instead of killing
    /// the process, as Twisted's reactor does for a server. Called once by a program
    /// before run(), typically a server that should exit 0 on Ctrl-C. A signal that
    /// arrives before run() stops the reactor as soon as it runs.
    void stopOnSignals();

    /// Gives the reactor an Observer to tell of each callback it makes, or takes it away
    /// (null). Called by a program's `main` before run(), for `--trace`. The reactor owns it.
    void setObserver(std::unique_ptr<Observer> observer) { observer_ = std::move(observer); }

    /// The Asio context underneath, the one door to it: a descriptor owns its Asio
    /// socket (client 1.0's PoetrySocket, a transport, a listening port), and a socket
    /// can only be waited on by the loop it was made on, so descriptors make their
    /// sockets here. Nothing else should need it.
    boost::asio::io_context& context() { return io_; }

  private:
    friend class ReadyHandler;

    void add(std::shared_ptr<FileDescriptor> descriptor, Direction direction);
    void remove(FileDescriptor& descriptor, Direction direction);
    void wait(const std::shared_ptr<FileDescriptor>& descriptor, Direction direction);
    void dispatch(std::shared_ptr<FileDescriptor> descriptor, Direction direction,
                  boost::system::error_code error);
    void disconnect(FileDescriptor& descriptor, const Reason& why);
    std::optional<Reason> doReadOrWrite(FileDescriptor& descriptor, Direction direction);
    void tellConnectionLost(FileDescriptor& descriptor, const Reason& why);
    void runDelayedCall(DelayedCall& call);
    void callBack(const std::string& what, const std::function<void()>& fn);
    template <typename Tell, typename Call>
    void callOut(const Tell& tell, const Call& call, std::string_view where);
    void wakeUpBy(Seconds when);
    void timerFired();
    void waitForSignal();

    std::unique_ptr<Observer> observer_;  // --trace; outlives everything that calls it
    boost::asio::io_context io_;          // first made, last gone: everything below lives on it
    boost::asio::steady_timer timer_{io_};
    std::optional<Seconds> timerDue_;  // when timer_ fires, if it is set
    std::shared_ptr<CallQueue> calls_;
    std::array<std::list<std::shared_ptr<FileDescriptor>>, 2> watched_;  // [0] readers, [1] writers
    bool running_ = false;
    bool stopping_ = false;
    std::optional<boost::asio::signal_set> signals_;  // after stopOnSignals()
};

/// stop() on a reactor that is not running (Twisted's `ReactorNotRunning`).
class ReactorNotRunning : public std::logic_error {
  public:
    using std::logic_error::logic_error;
};

}  // namespace poetry::reactor
