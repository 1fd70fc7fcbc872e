/// \file
/// \brief A plain blocking TCP client socket for tests that talk to a server directly.
#pragma once

#include <chrono>
#include <cstdint>
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

}  // namespace poetry::test
