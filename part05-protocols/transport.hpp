/// \file
/// \brief Transport: one connection that can send and receive bytes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/address.hpp"
#include "part05-protocols/producer.hpp"

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

    /// Closes the connection once everything written so far has been sent, and, if
    /// a producer is registered, once it has unregistered too (Twisted's rule). The
    /// protocol's connectionLost() follows, later, with ConnectionDone.
    virtual void loseConnection() = 0;

    /// Lets `producer` write at the connection's pace (see Producer): a pull producer
    /// (`streaming` false) is asked for more each time the write queue drains, the
    /// first time on a later reactor turn; a push producer is paused and resumed. The
    /// producer is borrowed, not owned. Called by a protocol, typically in
    /// connectionMade(). Throws std::logic_error if a producer is registered already;
    /// on a connection that has ended, calls producer.stopProducing() instead.
    virtual void registerProducer(Producer& producer, bool streaming) = 0;

    /// Forgets the registered producer: no call reaches it after this. Called by the
    /// producer when it has written everything (a pending loseConnection() then goes ahead).
    virtual void unregisterProducer() = 0;

    /// Closes the connection now, dropping anything not yet sent. The protocol's
    /// connectionLost() follows, later, with ConnectionAborted.
    virtual void abortConnection() = 0;

    /// The address of the other end (the server, for a client).
    virtual Address getPeer() const = 0;

    /// The address of our own end.
    virtual Address getHost() const = 0;
};

}  // namespace poetry::protocols
