/// \file
/// \brief Parsing `[HOST:]PORT` addresses (see address.hpp).
#include "address.hpp"

#include <netdb.h>
#include <sys/socket.h>

#include <charconv>
#include <memory>
#include <stdexcept>

#include "messages.hpp"

namespace poetry {

namespace {

constexpr std::string_view kDefaultHost = "127.0.0.1";

std::uint16_t parsePort(std::string_view text, std::string_view whole) {
    auto fail = [&](const std::string& why) -> std::uint16_t {
        throw std::invalid_argument("invalid address " + poetry::quote(whole) + ": " + why);
    };
    if (text.empty()) {
        return fail("missing port");
    }
    unsigned long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec == std::errc::result_out_of_range) {
        return fail("port out of range 1..65535");
    }
    if (ec != std::errc{} || end != text.data() + text.size()) {
        return fail("port " + poetry::quote(text) + " is not a number");
    }
    if (value < 1 || value > 65535) {
        return fail("port " + std::string(text) + " out of range 1..65535");
    }
    return static_cast<std::uint16_t>(value);
}

// A host name or IP literal never holds a control character, a space or a
// bracket; refusing them here keeps every message that names the host on one
// line, and makes Address::str() read back as the same address.
std::string_view badHostCharacter(std::string_view host) {
    for (unsigned char c : host) {
        if (c <= 0x20 || c == 0x7f) {
            return "a space or control character";
        }
        if (c == '[' || c == ']') {
            return "a bracket";
        }
    }
    return {};
}

}  // namespace

std::string formatAddress(std::string_view host, std::uint16_t port) {
    std::string out;
    if (host.find(':') != std::string_view::npos) {
        out.append("[").append(host).append("]");
    } else {
        out.append(host);
    }
    return out + ":" + std::to_string(port);
}

std::string Address::str() const {
    return formatAddress(host, port);
}

Address parseAddress(std::string_view text) {
    auto fail = [&](const std::string& why) -> Address {
        throw std::invalid_argument("invalid address " + poetry::quote(text) + ": " + why);
    };
    auto checkedHost = [&](std::string_view host) -> std::string {
        if (auto bad = badHostCharacter(host); !bad.empty()) {
            fail("the host has " + std::string(bad));
        }
        return std::string(host);
    };
    if (text.empty()) {
        return fail("empty");
    }
    if (text.front() == '[') {
        auto close = text.find(']');
        if (close == std::string_view::npos) {
            return fail("missing ']' after the IPv6 host");
        }
        auto host = text.substr(1, close - 1);
        if (host.empty()) {
            return fail("empty host in brackets");
        }
        auto rest = text.substr(close + 1);
        if (rest.empty() || rest.front() != ':') {
            return fail("expected ':PORT' after ']'");
        }
        return Address{checkedHost(host), parsePort(rest.substr(1), text)};
    }
    auto colon = text.rfind(':');
    if (colon == std::string_view::npos) {
        return Address{std::string(kDefaultHost), parsePort(text, text)};
    }
    if (text.find(':') != colon) {
        return fail("an IPv6 host must be written in brackets, as [::1]:PORT");
    }
    auto host = text.substr(0, colon);
    if (host.empty()) {
        return fail("empty host before ':'");
    }
    return Address{checkedHost(host), parsePort(text.substr(colon + 1), text)};
}

std::string interfaceAddress(const std::string& host, std::uint16_t port) {
    addrinfo hints{};  // any address family, IPv4 or IPv6
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* found = nullptr;
    const int error = ::getaddrinfo(host.c_str(), nullptr, &hints, &found);
    if (error != 0 || found == nullptr) {
        throw std::runtime_error("cannot listen on " + formatAddress(host, port) + ": " +
                                 (error != 0 ? ::gai_strerror(error) : "no address"));
    }
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> owned(found, ::freeaddrinfo);
    char text[NI_MAXHOST];
    if (::getnameinfo(found->ai_addr, found->ai_addrlen, text, sizeof text, nullptr, 0,
                      NI_NUMERICHOST) != 0) {
        throw std::runtime_error("cannot listen on " + formatAddress(host, port) +
                                 ": no numeric address");
    }
    return text;
}

}  // namespace poetry
