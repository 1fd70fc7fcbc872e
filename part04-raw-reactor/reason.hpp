/// \file
/// \brief Why a connection ended: the C++ counterpart of Twisted's `Failure`.
#pragma once

#include <string>

#include <boost/system/error_code.hpp>

namespace poetry::reactor {

/// The kinds of reason, arranged as Twisted's `twisted.internet.error` classes are,
/// and spelled as Twisted spells them:
///
///     ConnectionClosed              a connection that was made has ended
///       ConnectionDone              the other side closed cleanly
///       ConnectionLost              it broke: a reset, a timeout, any error once connected
///         ConnectionAborted         we dropped it ourselves (abortConnection)
///     ConnectError                  no connection was made
///       ConnectionRefusedError      nobody listens at that address and port
///       TCPTimedOutError            the kernel gave up waiting for the other side
///       UserError                   the program gave up (Connector::stopConnecting)
///         TimeoutError              the connector's own deadline passed first
///     DNSLookupError                the host name did not resolve
///
/// The trees never meet. Once a connection is made, whatever ends it is a
/// ConnectionClosed kind (ETIMEDOUT on an open connection is ConnectionLost, not
/// TCPTimedOutError), so a protocol's connectionLost() only ever sees the first
/// tree, and a factory's clientConnectionFailed() only the second and
/// DNSLookupError. DNSLookupError is no ConnectError: in Twisted it is an
/// `IOError`, a failure to find the address before any connecting began.
///
/// Reason::check() matches a kind and everything below it, as Twisted's
/// `Failure.check(ConnectionLost)` does for `ConnectionAborted`.
enum class ReasonKind {
    ConnectionClosed,   ///< A connection that existed has ended (the root of the first tree).
    ConnectionDone,     ///< The other side closed cleanly: the normal end of a poem.
    ConnectionLost,     ///< The connection broke: a reset, a read or write error.
    ConnectionAborted,  ///< We dropped the connection ourselves (a transport's abortConnection).
    ConnectError,       ///< No connection was made (the root of the second tree).
    ConnectionRefusedError,  ///< Nobody listens at that address and port (ECONNREFUSED).
    TCPTimedOutError,        ///< The kernel's connect gave up: no answer (ETIMEDOUT).
    UserError,               ///< The program gave up the attempt (Twisted's "User aborted").
    TimeoutError,            ///< The connector's own deadline passed before the connect finished.
    DNSLookupError,          ///< The host name did not resolve (a root of its own).
};

/// The kind one level up in the tree above; a root kind is its own parent.
ReasonKind parentKind(ReasonKind kind);

/// The kind's name as Twisted spells it ("ConnectionDone", "ConnectionRefusedError", ...).
const char* kindName(ReasonKind kind);

/// Why a connection ended or never began.
///
/// Made by whoever notices the end: a descriptor's `doRead` returns one, the reactor
/// passes it to `connectionLost`, a transport and its connector pass it on to
/// protocols and factories. Callers ask what it is with check(), never by comparing
/// message strings.
///
/// Which tree a reason from an error code lands in depends on when the error came,
/// so there is one mapping for each phase: connectionEnded() for a connection that
/// was made, connectFailed() for an attempt that had not connected yet.
class Reason {
  public:
    /// A reason of `kind`, with a readable message and the error code behind it, if any.
    Reason(ReasonKind kind, std::string message, boost::system::error_code error = {});

    /// Why a connection that was made has ended, from the error code of a read or a
    /// write on it: end of file (or no error) is ConnectionDone, every error is
    /// ConnectionLost, ECONNRESET, EPIPE and ETIMEDOUT alike, as Twisted's
    /// `tcp.Connection` reports them. Never a ConnectError kind.
    /// Called by descriptors that read and write a connected socket (client 1.0's
    /// PoetrySocket, a transport) and by the reactor when a wait fails.
    static Reason connectionEnded(boost::system::error_code error);

    /// Why a connect attempt failed, from the error code of the connect (Twisted's
    /// `getConnectError`): ECONNREFUSED is ConnectionRefusedError, ETIMEDOUT
    /// TCPTimedOutError, anything else a plain ConnectError. Never a ConnectionClosed
    /// kind. Called by a connector, only while it is connecting.
    static Reason connectFailed(boost::system::error_code error);

    /// A host name that did not resolve: DNSLookupError, with a message naming
    /// `host` and what the resolver said (`why`). Called by a connector.
    static Reason dnsLookupFailed(const std::string& host, const std::string& why,
                                  boost::system::error_code error = {});

    /// A clean close by the peer (or by our own loseConnection()).
    static Reason connectionDone() { return connectionEnded({}); }

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

/// An `errno` value as the error code Asio gives for the same error, for the
/// descriptors that call the socket API directly and then map the error with
/// Reason::connectionEnded() or Reason::connectFailed().
inline boost::system::error_code errnoCode(int error) {
    return {error, boost::system::system_category()};
}

}  // namespace poetry::reactor
