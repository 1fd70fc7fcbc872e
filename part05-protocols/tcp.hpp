/// \file
/// \brief The TCP transport: a part04 read and write descriptor that feeds a protocol.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <boost/asio/ip/tcp.hpp>

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

/// The socket a TCP transport owns: Asio's `tcp::socket`, tied to the reactor's
/// io_context. (Plain `tcp::socket` can run on any executor, which costs 48 bytes and
/// an indirection in every socket and every pending wait: 10,000 connections notice.)
using TcpSocket =
    boost::asio::basic_stream_socket<boost::asio::ip::tcp, boost::asio::io_context::executor_type>;

/// An Asio endpoint as the Address the protocols see (`127.0.0.1`, 10000).
Address addressOf(const boost::asio::ip::tcp::endpoint& endpoint);

/// A TCP connection (Twisted's `tcp.Connection`): a Transport for its protocol,
/// and, underneath, a part04 ReadDescriptor and WriteDescriptor of the reactor.
///
/// This is where the layers meet. The transport owns its Asio socket; the reactor
/// waits on it and calls doRead() when it is readable; doRead() reads into
/// sharedReadBuffer() and calls the protocol's dataReceived(). write() sends what
/// the socket takes at once and queues the rest (a copy, or a reference to shared
/// bytes), asking the reactor for doWrite() calls until the queue is empty. When
/// doRead() or doWrite() returns a reason, the reactor removes the transport and
/// calls connectionLost(), which closes the socket and passes the reason on to the
/// protocol.
///
/// Made by connectTCP() (a client connection, before it is connected) and by
/// listenTCP()'s port (each accepted connection); nobody else needs to make one.
///
/// Ownership: the reactor owns a registered transport (it holds a shared_ptr, as it
/// holds any descriptor); the transport owns its socket and its protocol (a
/// unique_ptr), and destroys the protocol right after the protocol's connectionLost().
class TcpTransport : public Transport,
                     public reactor::ReadDescriptor,
                     public reactor::WriteDescriptor,
                     public std::enable_shared_from_this<TcpTransport> {
  public:
    /// Takes `socket`, made on reactor.context(): connected to `peer` (a Port's
    /// accepted connection), or not open yet (a client's, before it connects). Does
    /// not register with `reactor` yet.
    TcpTransport(reactor::Reactor& reactor, TcpSocket socket,
                 const boost::asio::ip::tcp::endpoint& peer = {});

    TcpTransport(const TcpTransport&) = delete;
    TcpTransport& operator=(const TcpTransport&) = delete;

    /// Called by the connector or port once the connection exists: takes ownership
    /// of `protocol`, starts reading, then calls `protocol->makeConnection(*this)`.
    void startProtocol(std::unique_ptr<Protocol> protocol);

    /// The protocol this transport feeds; null before startProtocol() and after
    /// connectionLost().
    Protocol* protocol() const { return protocol_.get(); }

    void write(std::string_view data) override;
    void write(std::shared_ptr<const std::string> data) override;
    void loseConnection() override;
    void abortConnection() override;
    Address getPeer() const override { return peer_; }

    /// Our own end's address while the socket is open; an empty Address after.
    Address getHost() const override;

    /// The socket the reactor watches.
    int fileno() override { return socket_.native_handle(); }

    /// Called by the reactor: waits on the transport's own socket.
    void asyncWait(boost::asio::socket_base::wait_type type, reactor::ReadyHandler ready) override {
        socket_.async_wait(type, std::move(ready));
    }

    /// Called by the reactor when the socket is readable: reads once into the
    /// shared buffer and hands the bytes to the protocol. Returns ConnectionDone
    /// when the peer closed, ConnectionLost when the read failed.
    std::optional<reactor::Reason> doRead() override;

    /// Called by the reactor when the socket is writable: sends what is queued. Once
    /// the queue is empty it stops asking for doWrite(), or, after loseConnection(),
    /// returns ConnectionDone so the connection closes.
    std::optional<reactor::Reason> doWrite() override;

    /// Called by the reactor (or by abortConnection(), one turn later) once the
    /// connection has ended: closes the socket, calls the protocol's connectionLost(),
    /// then destroys the protocol. Runs once; later calls do nothing.
    void connectionLost(const reactor::Reason& reason) override;

    /// "TcpTransport[HOST:PORT]", for log lines and `--trace`.
    std::string logPrefix() const override;

    /// True once the connection is made (startProtocol() ran) and until it ends.
    bool connected() const { return connected_; }

  protected:
    /// The socket is (or is being) connected to `peer`: remembers it, so getPeer()
    /// works even after the socket is closed (the caller knows it from the connect or
    /// the accept; asking the socket fails once the peer has reset the connection).
    void adoptSocket(const boost::asio::ip::tcp::endpoint& peer) { peer_ = addressOf(peer); }

    /// Remembers that the connection was reset before we got to read (the connect
    /// itself reported the reset): the bytes that arrived before it are still
    /// delivered, and then the reset is reported instead of a clean end of stream.
    void rememberReset() { resetEarly_ = true; }

    /// Reads and drops the peer's unread bytes, so an orderly close is not a reset.
    void discardUnreadInput();

    reactor::Reactor& reactor_;  ///< The reactor this transport is registered with.
    TcpSocket socket_;           ///< The connection, on reactor_.context().

  private:
    // Bytes written but not yet sent: a copy of what write() was given, or a
    // reference to shared bytes (write(shared_ptr)), and how much has gone out.
    struct Queued {
        std::string copy;
        std::shared_ptr<const std::string> shared;
        std::size_t sent = 0;
        std::string_view bytes() const { return shared ? *shared : copy; }
    };

    std::size_t sendNow(std::string_view data);
    void startWriting();

    std::unique_ptr<Protocol> protocol_;
    Address peer_;
    std::vector<Queued> queued_;  // in the order written; the front goes out first
    bool connected_ = false;
    bool disconnecting_ = false;  // loseConnection(): close once queued_ is sent
    bool aborting_ = false;
    bool lost_ = false;        // connectionLost() has run
    bool resetEarly_ = false;  // see rememberReset()
};

}  // namespace poetry::protocols
