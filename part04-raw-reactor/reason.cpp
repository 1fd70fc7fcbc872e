// Reasons: which kind of failure, and the error code behind it.
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
        case ReasonKind::ConnectionRefused:
        case ReasonKind::DNSLookupError:
        case ReasonKind::TimeoutError:
            return ReasonKind::ConnectError;
        case ReasonKind::ConnectionClosed:
        case ReasonKind::ConnectError:
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
        case ReasonKind::ConnectionRefused:
            return "ConnectionRefused";
        case ReasonKind::DNSLookupError:
            return "DNSLookupError";
        case ReasonKind::TimeoutError:
            return "TimeoutError";
    }
    return "Unknown";
}

Reason::Reason(ReasonKind kind, std::string message, boost::system::error_code error)
    : kind_(kind), message_(std::move(message)), error_(error) {}

Reason Reason::fromErrorCode(boost::system::error_code error) {
    namespace error_ns = boost::asio::error;
    if (!error || error == error_ns::eof) {
        return Reason(ReasonKind::ConnectionDone, "Connection was closed cleanly.", error);
    }
    if (error == error_ns::connection_refused) {
        return Reason(ReasonKind::ConnectionRefused, error.message(), error);
    }
    if (error == error_ns::timed_out) {
        return Reason(ReasonKind::TimeoutError, error.message(), error);
    }
    if (error == error_ns::host_not_found || error == error_ns::host_not_found_try_again ||
        error == error_ns::no_data || error == error_ns::no_recovery) {
        return Reason(ReasonKind::DNSLookupError, error.message(), error);
    }
    return Reason(ReasonKind::ConnectionLost, error.message(), error);
}

Reason Reason::fromErrno(int error) {
    return fromErrorCode(boost::system::error_code(error, boost::system::system_category()));
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
