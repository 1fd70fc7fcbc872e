/// \file
/// \brief A plain blocking TCP client socket for tests that talk to a server directly.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

namespace poetry::test {

/// A connected loopback TCP socket, closed by the destructor.
class ClientSocket {
  public:
    /// Connects to `host`:`port` (an IPv4 or IPv6 literal); throws on failure.
    explicit ClientSocket(std::uint16_t port, const std::string& host = "127.0.0.1");
    ~ClientSocket();
    ClientSocket(const ClientSocket&) = delete;
    ClientSocket& operator=(const ClientSocket&) = delete;

    /// Reads until the peer closes; returns the bytes. `error` receives errno of a
    /// failed read (ECONNRESET, ...), or 0 after a clean close. Throws if nothing ends
    /// the stream within `timeout`.
    std::string readAll(int* error = nullptr,
                        std::chrono::milliseconds timeout = std::chrono::seconds(30));

    /// Reads at least `n` bytes (or until the peer closes), waiting at most `timeout`.
    std::string readAtLeast(std::size_t n,
                            std::chrono::milliseconds timeout = std::chrono::seconds(30));

    /// True if a read would not block right now (data or end of stream waiting).
    bool readable(std::chrono::milliseconds wait = std::chrono::milliseconds(0));

    /// Sends all of `data` (blocking); throws on failure.
    void send(const std::string& data);

    /// Half-closes the socket: sends our end of file, and can still read. Throws on
    /// failure.
    void shutdownSending();

    /// Closes the socket now.
    void close();

  private:
    int fd_ = -1;
};

/// A loopback listener that never accepts, with a backlog of 0 and one connection
/// already waiting in its queue: the kernel drops every further SYN, so a connect
/// to it gets no answer at all (and nothing leaves the machine). For a test of a
/// connect that times out.
class FullListener {
  public:
    /// Listens on a free loopback port and fills the queue; throws if it cannot.
    FullListener();
    ~FullListener();
    FullListener(const FullListener&) = delete;
    FullListener& operator=(const FullListener&) = delete;

    /// The port nobody answers on.
    std::uint16_t port() const { return port_; }

  private:
    int fd_ = -1;
    std::uint16_t port_ = 0;
    std::unique_ptr<ClientSocket> filler_;
};

}  // namespace poetry::test
