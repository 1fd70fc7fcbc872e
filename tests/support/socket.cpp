#include "socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace poetry::test {

namespace {
using Clock = std::chrono::steady_clock;
}

ClientSocket::ClientSocket(std::uint16_t port, const std::string& host) {
    sockaddr_storage storage{};
    socklen_t length = 0;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        length = sizeof *v4;
    } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        length = sizeof *v6;
    } else {
        throw std::invalid_argument("not an IP literal: " + host);
    }
    fd_ = socket(storage.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0 || connect(fd_, reinterpret_cast<sockaddr*>(&storage), length) != 0) {
        std::string why = std::strerror(errno);
        close();
        throw std::runtime_error("connect to port " + std::to_string(port) + ": " + why);
    }
}

ClientSocket::~ClientSocket() {
    close();
}

void ClientSocket::close() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
}

void ClientSocket::shutdownSending() {
    if (::shutdown(fd_, SHUT_WR) != 0) {
        throw std::runtime_error(std::string("shutdown: ") + std::strerror(errno));
    }
}

void ClientSocket::send(const std::string& data) {
    std::size_t sent = 0;
    while (sent < data.size()) {
        ssize_t n = ::send(fd_, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            throw std::runtime_error(std::string("send: ") + std::strerror(errno));
        }
        sent += static_cast<std::size_t>(n);
    }
}

bool ClientSocket::readable(std::chrono::milliseconds wait) {
    pollfd p{fd_, POLLIN, 0};
    return poll(&p, 1, static_cast<int>(wait.count())) > 0;
}

std::string ClientSocket::readAtLeast(std::size_t n, std::chrono::milliseconds timeout) {
    std::string data;
    auto deadline = Clock::now() + timeout;
    char buffer[65536];
    while (data.size() < n) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0 || !readable(left)) {
            throw std::runtime_error("timed out after " + std::to_string(data.size()) + " bytes");
        }
        ssize_t got = read(fd_, buffer, sizeof buffer);
        if (got <= 0) {
            break;
        }
        data.append(buffer, static_cast<std::size_t>(got));
    }
    return data;
}

std::string ClientSocket::readAll(int* error, std::chrono::milliseconds timeout) {
    std::string data;
    auto deadline = Clock::now() + timeout;
    char buffer[65536];
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0 || !readable(left)) {
            throw std::runtime_error("stream did not end in time after " +
                                     std::to_string(data.size()) + " bytes");
        }
        ssize_t got = read(fd_, buffer, sizeof buffer);
        if (got > 0) {
            data.append(buffer, static_cast<std::size_t>(got));
            continue;
        }
        if (got < 0 && errno == EINTR) {
            continue;
        }
        if (error != nullptr) {
            *error = got == 0 ? 0 : errno;
        }
        return data;
    }
}

FullListener::FullListener() : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    auto* any = reinterpret_cast<sockaddr*>(&address);
    if (fd_ < 0 || ::bind(fd_, any, sizeof address) != 0 || ::listen(fd_, 0) != 0 ||
        ::getsockname(fd_, any, &length) != 0) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        throw std::runtime_error("FullListener: cannot listen");
    }
    port_ = ntohs(address.sin_port);
    filler_ = std::make_unique<ClientSocket>(port_);
    // The listener turns readable when the filler's connection is in its queue: from
    // then on the queue is full.
    pollfd ready{fd_, POLLIN, 0};
    if (::poll(&ready, 1, 10'000) != 1) {
        ::close(fd_);
        throw std::runtime_error("FullListener: the filler never reached the queue");
    }
}

FullListener::~FullListener() {
    filler_.reset();
    ::close(fd_);
}

}  // namespace poetry::test
