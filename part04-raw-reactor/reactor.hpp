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
    Reactor();
    ~Reactor() override;
    Reactor(const Reactor&) = delete;
    Reactor& operator=(const Reactor&) = delete;

    /// Starts calling `reader->doRead()` whenever its fileno() is readable.
    /// Adding one that is already a reader does nothing.
    void addReader(std::shared_ptr<ReadDescriptor> reader);

    /// Stops watching `reader` for reading; no doRead() call follows this one.
    /// Removing one that is not a reader does nothing.
    void removeReader(ReadDescriptor& reader);

    /// Starts calling `writer->doWrite()` whenever its fileno() is writable.
    void addWriter(std::shared_ptr<WriteDescriptor> writer);

    /// Stops watching `writer` for writing.
    void removeWriter(WriteDescriptor& writer);

    /// The current readers, in the order they were added.
    std::vector<std::shared_ptr<ReadDescriptor>> getReaders() const;

    /// The current writers, in the order they were added.
    std::vector<std::shared_ptr<WriteDescriptor>> getWriters() const;

    /// Seconds on a monotonic clock.
    Seconds seconds() const override;

    /// Runs `fn` once, `delay` from now, from inside run(). Calls due at the same
    /// time run in the order they were scheduled.
    std::shared_ptr<DelayedCall> callLater(Seconds delay, std::function<void()> fn) override;

    /// Calls that are scheduled and still active().
    std::vector<std::shared_ptr<DelayedCall>> getDelayedCalls() const override;

    /// Runs the loop until stop(). Throws std::logic_error if already running.
    void run();

    /// Makes run() return once the current callback is done, without waiting for
    /// pending delayed calls. Throws ReactorNotRunning when run() is not running.
    void stop();

    /// True while run() is running.
    bool running() const;

    /// The Asio context underneath, for the layers above that start Asio operations
    /// of their own (part05's name resolution).
    boost::asio::io_context& context();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

/// stop() on a reactor that is not running (Twisted's `ReactorNotRunning`).
class ReactorNotRunning : public std::logic_error {
  public:
    using std::logic_error::logic_error;
};

}  // namespace poetry::reactor
