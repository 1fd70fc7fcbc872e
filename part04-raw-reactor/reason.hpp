/// \file
/// \brief Why a connection ended: the C++ counterpart of Twisted's `Failure`.
#pragma once

#include <string>

#include <boost/system/error_code.hpp>

namespace poetry::reactor {

/// The kinds of reason, arranged as Twisted's `twisted.internet.error` classes are:
///
///     ConnectionClosed
///       ConnectionDone            the other side closed cleanly
///       ConnectionLost            the connection broke (reset, error)
///         ConnectionAborted       we dropped it ourselves (abortConnection)
///     ConnectError
///       ConnectionRefused         nobody listens at that port
///       DNSLookupError            the host name did not resolve
///       TimeoutError              the connection attempt took too long
///
/// Reason::check() matches a kind and everything below it, as Twisted's
/// `Failure.check(ConnectionLost)` does for `ConnectionAborted`.
enum class ReasonKind {
    ConnectionClosed,   ///< A connection that existed has ended (the root of the first tree).
    ConnectionDone,     ///< The other side closed cleanly: the normal end of a poem.
    ConnectionLost,     ///< The connection broke: a reset, a read or write error.
    ConnectionAborted,  ///< We dropped the connection ourselves (part05's abortConnection).
    ConnectError,       ///< No connection was made (the root of the second tree).
    ConnectionRefused,  ///< Nobody listens at that address and port.
    DNSLookupError,     ///< The host name did not resolve.
    TimeoutError,       ///< The connection attempt took too long.
};

/// The kind one level up in the tree above; a root kind is its own parent.
ReasonKind parentKind(ReasonKind kind);

/// The kind's name as Twisted spells it ("ConnectionDone", ...).
const char* kindName(ReasonKind kind);

/// Why a connection ended or never began.
///
/// Made by whoever notices the end: a descriptor's `doRead` returns one, the reactor
/// passes it to `connectionLost`, part05's transports and connectors pass it on to
/// protocols and factories. Callers ask what it is with check(), never by comparing
/// message strings.
class Reason {
  public:
    /// A reason of `kind`, with a readable message and the error code behind it, if any.
    Reason(ReasonKind kind, std::string message, boost::system::error_code error = {});

    /// The reason for an error code from a socket call: EOF is ConnectionDone,
    /// `connection_refused` ConnectionRefused, `timed_out` TimeoutError, the resolver's
    /// "not found" codes DNSLookupError, anything else ConnectionLost.
    static Reason fromErrorCode(boost::system::error_code error);

    /// The reason for a failed POSIX call's `errno`, as fromErrorCode() maps it.
    /// Called by descriptors that use the socket API directly (part05's transports).
    static Reason fromErrno(int error);

    /// A clean close by the peer (or by our own loseConnection()).
    static Reason connectionDone();

    /// True when this reason is `kind` or a kind below it in the tree.
    bool check(ReasonKind kind) const;

    /// The exact kind.
    ReasonKind kind() const { return kind_; }

    /// A readable description ("Connection was closed cleanly.", "Connection reset by peer").
    const std::string& message() const { return message_; }

    /// The error code behind this reason; empty when there was none.
    boost::system::error_code errorCode() const { return error_; }

  private:
    ReasonKind kind_;
    std::string message_;
    boost::system::error_code error_;
};

}  // namespace poetry::reactor
