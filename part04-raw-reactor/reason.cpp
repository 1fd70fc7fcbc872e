/// \file
/// \brief Reasons: the kind of an ending, its message, and the error code behind it.
#include "part04-raw-reactor/reason.hpp"

#include <cstddef>
#include <utility>

#include <boost/asio/error.hpp>

namespace poetry::reactor {

namespace {

// Twisted's two trees of failures (and DNSLookupError on its own), one row per kind,
// in ReasonKind's order: its name, and the kind it is a case of (itself for a root).
struct KindRow {
    const char* name;
    ReasonKind parent;
};
constexpr KindRow kKinds[] = {
    {"ConnectionClosed", ReasonKind::ConnectionClosed},
    {"ConnectionDone", ReasonKind::ConnectionClosed},
    {"ConnectionLost", ReasonKind::ConnectionClosed},
    {"ConnectionAborted", ReasonKind::ConnectionLost},
    {"ConnectError", ReasonKind::ConnectError},
    {"ConnectionRefusedError", ReasonKind::ConnectError},
    {"TCPTimedOutError", ReasonKind::ConnectError},
    {"UserError", ReasonKind::ConnectError},
    {"TimeoutError", ReasonKind::UserError},
    {"DNSLookupError", ReasonKind::DNSLookupError},
};

static_assert(sizeof kKinds / sizeof kKinds[0] ==
                  static_cast<std::size_t>(ReasonKind::DNSLookupError) + 1,
              "one row per kind");

const KindRow& row(ReasonKind kind) {
    return kKinds[static_cast<std::size_t>(kind)];
}

}  // namespace

ReasonKind parentKind(ReasonKind kind) {
    return row(kind).parent;
}

const char* kindName(ReasonKind kind) {
    return row(kind).name;
}

Reason::Reason(ReasonKind kind, std::string message, boost::system::error_code error)
    : kind_(kind), message_(std::move(message)), error_(error) {}

Reason Reason::connectionEnded(boost::system::error_code error) {
    if (!error || error == boost::asio::error::eof) {
        return Reason(ReasonKind::ConnectionDone, "Connection was closed cleanly.", error);
    }
    // Once connected, the error does not matter to the kind: the connection is lost.
    return Reason(ReasonKind::ConnectionLost, error.message(), error);
}

Reason Reason::connectFailed(boost::system::error_code error) {
    if (error == boost::asio::error::connection_refused) {
        return Reason(ReasonKind::ConnectionRefusedError, error.message(), error);
    }
    if (error == boost::asio::error::timed_out) {
        return Reason(ReasonKind::TCPTimedOutError, error.message(), error);
    }
    if (!error) {
        return Reason(ReasonKind::ConnectError, "An error occurred while connecting.", error);
    }
    return Reason(ReasonKind::ConnectError, error.message(), error);
}

Reason Reason::dnsLookupFailed(const std::string& host, const std::string& why,
                               boost::system::error_code error) {
    return Reason(ReasonKind::DNSLookupError,
                  "DNS lookup failed: address '" + host + "' not found: " + why, error);
}

bool Reason::check(ReasonKind kind) const {
    ReasonKind k = kind_;  // up the tree from our own kind, until `kind` or the root
    while (k != kind && parentKind(k) != k) {
        k = parentKind(k);
    }
    return k == kind;
}

}  // namespace poetry::reactor
