/// \file
/// \brief `[HOST:]PORT` addresses, as every client takes them on its command line.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace poetry {

/// One server address from the command line.
///
/// Built by parseAddress() when a client reads its arguments; read by every
/// client when it connects and when it prints which server a line is about.
struct Address {
    std::string host;        ///< Host name or literal IP, without brackets.
    std::uint16_t port = 0;  ///< TCP port, 1..65535.

    /// `HOST:PORT`, with brackets around an IPv6 literal (`[::1]:10000`).
    std::string str() const;

    /// Two addresses are equal when host and port are.
    friend bool operator==(const Address&, const Address&) = default;
};

/// Parses `PORT`, `HOST:PORT` or `[IPV6]:PORT`; the host defaults to 127.0.0.1.
///
/// Throws std::invalid_argument whose message says what is wrong with the text
/// (empty, bad port, port out of 1..65535, unbalanced brackets, a bare IPv6 address).
Address parseAddress(std::string_view text);

/// `HOST:PORT` for a host and port we already have (IPv6 hosts get brackets).
std::string formatAddress(std::string_view host, std::uint16_t port);

/// The IP address a server listens on for `--iface HOST`: HOST itself when it is an IP
/// address, else the first address the name resolves to (`localhost`: 127.0.0.1).
/// Called by a server once, at start-up, before it serves anyone: a lookup may block.
/// Throws std::runtime_error, `cannot listen on HOST:PORT: REASON`, when there is none.
std::string interfaceAddress(const std::string& host, std::uint16_t port);

}  // namespace poetry
