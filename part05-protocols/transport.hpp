/// \file
/// \brief Transport: one connection that can send and receive bytes.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/address.hpp"

namespace poetry::protocols {

/// One connection that can send and receive bytes (Twisted's `ITransport`).
///
/// A protocol gets its transport through Protocol::makeConnection() and calls it to
/// write bytes, to close the connection and to learn both ends' addresses. There is
/// no read method: the transport reads by itself and hands what arrives to
/// Protocol::dataReceived(). The real one is TcpTransport; tests use StringTransport.
///
/// Ownership: a protocol only borrows its transport (a non-owning pointer); the
/// transport outlives the protocol's last callback, connectionLost().
class Transport {
  public:
    virtual ~Transport() = default;

    /// Queues `data` to be sent, in order, as soon as the connection can take it.
    /// Never blocks. Bytes written before loseConnection() (or during the same
    /// callback) are still sent; writes after abortConnection() or after the end
    /// are ignored.
    virtual void write(std::string_view data) = 0;

    /// Queues each piece of `data` in turn, as one write() each would.
    virtual void writeSequence(const std::vector<std::string>& data) {
        for (const auto& piece : data) {
            write(piece);
        }
    }

    /// Queues `data` to be sent without copying it: the transport keeps a reference
    /// to the shared, immutable bytes until they have all gone out. For bytes that
    /// many connections send, such as a server's one copy of its poem: each connection
    /// costs a pointer and a position, whatever their size. Same rules as write().
    virtual void write(std::shared_ptr<const std::string> data) { write(std::string_view(*data)); }

    /// Closes the connection once everything written so far has been sent, and reads
    /// no more from it from now on (nothing reaches dataReceived() after this call).
    /// The protocol's connectionLost() follows, later, with ConnectionDone.
    virtual void loseConnection() = 0;

    /// Closes the connection now, dropping anything not yet sent. The protocol's
    /// connectionLost() follows, later, with ConnectionAborted.
    virtual void abortConnection() = 0;

    /// The address of the other end (the server, for a client).
    virtual Address getPeer() const = 0;

    /// The address of our own end.
    virtual Address getHost() const = 0;
};

}  // namespace poetry::protocols
