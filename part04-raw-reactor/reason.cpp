/// \file
/// \brief Reasons: the kind of an ending, its message, and the error code behind it.
#include "part04-raw-reactor/reason.hpp"

#include <utility>

#include <boost/asio/error.hpp>

namespace poetry::reactor {

ReasonKind parentKind(ReasonKind kind) {
    switch (kind) {
        case ReasonKind::ConnectionDone:
        case ReasonKind::ConnectionLost:
            return ReasonKind::ConnectionClosed;
        case ReasonKind::ConnectionAborted:
            return ReasonKind::ConnectionLost;
        case ReasonKind::ConnectionRefusedError:
        case ReasonKind::TCPTimedOutError:
        case ReasonKind::UserError:
            return ReasonKind::ConnectError;
        case ReasonKind::TimeoutError:
            return ReasonKind::UserError;
        case ReasonKind::ConnectionClosed:
        case ReasonKind::ConnectError:
        case ReasonKind::DNSLookupError:
            break;
    }
    return kind;
}

const char* kindName(ReasonKind kind) {
    switch (kind) {
        case ReasonKind::ConnectionClosed:
            return "ConnectionClosed";
        case ReasonKind::ConnectionDone:
            return "ConnectionDone";
        case ReasonKind::ConnectionLost:
            return "ConnectionLost";
        case ReasonKind::ConnectionAborted:
            return "ConnectionAborted";
        case ReasonKind::ConnectError:
            return "ConnectError";
        case ReasonKind::ConnectionRefusedError:
            return "ConnectionRefusedError";
        case ReasonKind::TCPTimedOutError:
            return "TCPTimedOutError";
        case ReasonKind::UserError:
            return "UserError";
        case ReasonKind::TimeoutError:
            return "TimeoutError";
        case ReasonKind::DNSLookupError:
            return "DNSLookupError";
    }
    return "Unknown";
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

Reason Reason::connectionDone() {
    return Reason(ReasonKind::ConnectionDone, "Connection was closed cleanly.");
}

bool Reason::check(ReasonKind kind) const {
    // Walk up from our own kind to the root; a match anywhere on the way counts.
    for (ReasonKind k = kind_;; k = parentKind(k)) {
        if (k == kind) {
            return true;
        }
        if (parentKind(k) == k) {
            return false;
        }
    }
}

}  // namespace poetry::reactor
