/// \file
/// \brief What the reactor watches: file descriptors that can be read or written.
#pragma once

#include <optional>
#include <string>

#include "part04-raw-reactor/reason.hpp"

namespace poetry::reactor {

/// Anything with a file descriptor the reactor can watch (Twisted's `IFileDescriptor`).
///
/// The reactor calls fileno() when the descriptor is added, to learn what to watch,
/// and connectionLost() once, when the descriptor's connection has ended (its doRead
/// or doWrite returned a reason or threw) and the reactor has stopped watching it.
class FileDescriptor {
  public:
    virtual ~FileDescriptor() = default;

    /// The descriptor to watch. Must stay open while the reactor watches it.
    virtual int fileno() const = 0;

    /// Called by the reactor, once, after it removed this descriptor because its
    /// connection ended. `reason` says why.
    virtual void connectionLost(const Reason& reason) = 0;

    /// A short name for log lines about this descriptor ("PoetrySocket 2").
    virtual std::string logPrefix() const { return "-"; }
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
