/// \file
/// \brief The TCP transport: a part04 read and write descriptor that feeds a protocol.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "common/address.hpp"
#include "part04-raw-reactor/descriptor.hpp"
#include "part04-raw-reactor/reactor.hpp"
#include "part05-protocols/protocol.hpp"
#include "part05-protocols/transport.hpp"

namespace poetry::protocols {

/// The one buffer every TcpTransport reads into: 64 KiB for the whole process, not
/// per connection. One is enough because the reactor runs one callback at a time
/// and dataReceived() must copy what it keeps before returning.
std::span<char> sharedReadBuffer();

/// A TCP connection (Twisted's `tcp.Connection`): a Transport for its protocol,
/// and, underneath, a part04 ReadDescriptor and WriteDescriptor of the reactor.
///
/// This is where the layers meet. The reactor calls doRead() when the socket is
/// readable; doRead() reads into sharedReadBuffer() and calls the protocol's
/// dataReceived(). write() queues bytes and asks the reactor for doWrite() calls
/// until the queue is empty. When doRead() or doWrite() returns a reason, the
/// reactor removes the transport and calls connectionLost(), which closes the
/// socket and passes the reason on to the protocol.
///
/// Made by connectTCP() (a client connection, once connected) and by listenTCP()'s
/// port (each accepted connection); nobody else needs to make one.
///
/// Ownership: the reactor owns a registered transport (it holds a shared_ptr, as it
/// holds any descriptor); the transport owns its protocol (a unique_ptr) and destroys
/// it right after the protocol's connectionLost().
class TcpTransport : public Transport,
                     public reactor::ReadDescriptor,
                     public reactor::WriteDescriptor,
                     public std::enable_shared_from_this<TcpTransport> {
  public:
    /// Takes ownership of the connected, non-blocking socket `fd` (-1 for a client
    /// that has not connected yet), whose other end is `peer` if known. Does not
    /// register with `reactor` yet.
    TcpTransport(reactor::Reactor& reactor, int fd, std::optional<Address> peer = std::nullopt);

    /// Closes the socket if it is still open. Calls nobody.
    ~TcpTransport() override;

    TcpTransport(const TcpTransport&) = delete;
    TcpTransport& operator=(const TcpTransport&) = delete;

    /// Called by the connector or port once the connection exists: takes ownership
    /// of `protocol`, starts reading, then calls `protocol->makeConnection(*this)`.
    void startProtocol(std::unique_ptr<Protocol> protocol);

    /// The protocol this transport feeds; null before startProtocol() and after
    /// connectionLost().
    Protocol* protocol() const { return protocol_.get(); }

    void write(std::string_view data) override;
    void loseConnection() override;
    void abortConnection() override;
    Address getPeer() const override { return peer_; }
    Address getHost() const override { return host_; }

    /// The socket the reactor watches.
    int fileno() const override { return fd_; }

    /// Called by the reactor when the socket is readable: reads once into the
    /// shared buffer and hands the bytes to the protocol. Returns ConnectionDone
    /// when the peer closed, ConnectionLost when the read failed.
    std::optional<reactor::Reason> doRead() override;

    /// Called by the reactor when the socket is writable: sends what is queued.
    /// Once the queue is empty it stops asking for doWrite(), or, after
    /// loseConnection(), returns ConnectionDone so the connection closes.
    std::optional<reactor::Reason> doWrite() override;

    /// Called by the reactor (or by abortConnection(), one turn later) once the
    /// connection has ended: closes the socket, calls the protocol's connectionLost(),
    /// then destroys the protocol. Runs once; later calls do nothing.
    void connectionLost(const reactor::Reason& reason) override;

    /// "TcpTransport to HOST:PORT", for log lines.
    std::string logPrefix() const override;

    /// True once the connection is made (startProtocol() ran) and until it ends.
    bool connected() const { return connected_; }

  protected:
    /// Takes the connected socket `fd` and remembers both ends' addresses, so
    /// getPeer() works even after the socket is closed. `peer` is the other end
    /// when the caller already knows it (from connect or accept): asking the socket
    /// fails if the peer has already reset the connection.
    void adoptSocket(int fd, std::optional<Address> peer = std::nullopt);

    /// Remembers an error (errno) that ended the connection before we got to read:
    /// the bytes that arrived before it are still delivered, and then the error is
    /// reported instead of a clean end of stream.
    void rememberError(int error) { pendingError_ = error; }

    /// Closes the socket now, if open.
    void closeSocket();

    /// Reads and drops the peer's unread bytes, so an orderly close is not a reset.
    void discardUnreadInput();

    reactor::Reactor& reactor_;  ///< The reactor this transport is registered with.
    int fd_ = -1;                ///< The socket, or -1.

  private:
    std::unique_ptr<Protocol> protocol_;
    Address peer_;
    Address host_;
    std::string queued_;            // bytes written but not yet sent
    std::size_t queuedOffset_ = 0;  // how much of queued_ has been sent
    bool connected_ = false;
    bool disconnecting_ = false;  // loseConnection(): close once queued_ is sent
    bool aborting_ = false;
    bool lost_ = false;                // connectionLost() has run
    std::optional<int> pendingError_;  // see rememberError()
};

/// The address of a socket's peer (`peer` true) or own end, or an empty Address.
Address socketAddress(int fd, bool peer);

}  // namespace poetry::protocols
