/// \file
/// \brief What the reactor watches: file descriptors that can be read or written.
#pragma once

#include <array>
#include <list>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/socket_base.hpp>
#include <boost/system/error_code.hpp>

#include "part04-raw-reactor/reason.hpp"

namespace poetry::reactor {

class Reactor;
class FileDescriptor;

/// The two ways the reactor watches a descriptor: for reading (doRead) or writing (doWrite).
enum class Direction { Read, Write };

/// The completion handler of one wait: what the reactor gives a descriptor to pass to
/// `async_wait` on its own Asio object (FileDescriptor::asyncWait()).
///
/// Asio calls it once, when the descriptor is ready or the wait ended otherwise, and it
/// hands the descriptor to the reactor's dispatch, which calls doRead() or doWrite().
/// It holds a reference to the descriptor, so a descriptor lives at least as long as
/// a wait on it is pending, and for the whole of the call that follows.
class ReadyHandler {
  public:
    /// Called by Asio when the wait is over: `error` is empty when the descriptor is ready.
    void operator()(boost::system::error_code error);

  private:
    friend class Reactor;
    ReadyHandler(Reactor& reactor, std::shared_ptr<FileDescriptor> descriptor, Direction direction)
        : reactor_(&reactor), descriptor_(std::move(descriptor)), direction_(direction) {}

    Reactor* reactor_;
    std::shared_ptr<FileDescriptor> descriptor_;
    Direction direction_;
};

/// Anything with a file descriptor the reactor can watch (Twisted's `IFileDescriptor`).
///
/// The descriptor owns its socket, an Asio object made on Reactor::context(), as Twisted's
/// descriptors own theirs. The reactor names it by fileno(), asks the descriptor to wait on
/// it with asyncWait(), and calls connectionLost() once, when the descriptor's connection
/// has ended (its doRead or doWrite returned a reason or threw) and the reactor has
/// stopped watching it.
class FileDescriptor {
  public:
    virtual ~FileDescriptor() = default;

    /// The descriptor to watch; below 0 when there is none (not open, or closed). Not
    /// const: Asio's `native_handle()`, which answers it, is not.
    virtual int fileno() = 0;

    /// Called by the reactor each time it waits for this descriptor: starts
    /// `async_wait(type, std::move(ready))` on the Asio object that owns fileno(), as
    /// Asio's `nonblocking/third_party_lib.cpp` example does. One line in every
    /// descriptor: `socket_.async_wait(type, std::move(ready));`.
    virtual void asyncWait(boost::asio::socket_base::wait_type type, ReadyHandler ready) = 0;

    /// Called by the reactor, once, after it removed this descriptor because its
    /// connection ended. `reason` says why.
    virtual void connectionLost(const Reason& reason) = 0;

    /// A short name for log lines about this descriptor ("PoetrySocket 2").
    virtual std::string logPrefix() const { return "-"; }

  private:
    friend class Reactor;

    // What the reactor knows about this descriptor in one direction, kept here as
    // Twisted's FileDescriptor keeps its own state: no table beside the descriptors.
    struct Watch {
        bool watched = false;  // in the reactor's list for this direction
        bool waiting = false;  // an async_wait is pending (its ReadyHandler holds us)
        std::list<std::shared_ptr<FileDescriptor>>::iterator place;  // where, in that list
    };
    std::array<Watch, 2> watch_;  // [Direction::Read], [Direction::Write]
};

/// A descriptor the reactor reads (Twisted's `IReadDescriptor`).
///
/// After Reactor::addReader(), the reactor calls doRead() each time the
/// descriptor is readable, until removeReader() or until doRead() returns a reason.
class ReadDescriptor : public virtual FileDescriptor {
  public:
    /// Called by the reactor when fileno() is readable. Reads what it can without
    /// blocking. Returns nothing while the connection lives, or the reason it ended:
    /// the reactor then removes the descriptor and calls connectionLost(reason).
    virtual std::optional<Reason> doRead() = 0;
};

/// A descriptor the reactor writes (Twisted's `IWriteDescriptor`).
///
/// After Reactor::addWriter(), the reactor calls doWrite() each time the
/// descriptor is writable, until removeWriter() or until doWrite() returns a reason.
class WriteDescriptor : public virtual FileDescriptor {
  public:
    /// Called by the reactor when fileno() is writable. Writes what it can without
    /// blocking. Returns nothing while the connection lives, or the reason it ended.
    virtual std::optional<Reason> doWrite() = 0;
};

}  // namespace poetry::reactor
