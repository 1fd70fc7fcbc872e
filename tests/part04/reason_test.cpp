// Reasons: the tree of kinds as Twisted's error.py has it, and how error codes map to
// kinds in each phase of a connection: while connecting, and once it is made.
#include "part04-raw-reactor/reason.hpp"

#include <gtest/gtest.h>

#include <cerrno>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/error.hpp>

namespace {

using poetry::reactor::errnoCode;
using poetry::reactor::kindName;
using poetry::reactor::Reason;
using poetry::reactor::ReasonKind;
using K = ReasonKind;
namespace error = boost::asio::error;

const std::vector<ReasonKind> kAllKinds = {
    K::ConnectionClosed, K::ConnectionDone,         K::ConnectionLost,   K::ConnectionAborted,
    K::ConnectError,     K::ConnectionRefusedError, K::TCPTimedOutError, K::UserError,
    K::TimeoutError,     K::DNSLookupError,
};

// Each kind and what it is a kind of (itself included), from twisted/internet/error.py.
const std::map<ReasonKind, std::set<ReasonKind>> kTwistedAncestors = {
    {K::ConnectionClosed, {K::ConnectionClosed}},
    {K::ConnectionDone, {K::ConnectionDone, K::ConnectionClosed}},
    {K::ConnectionLost, {K::ConnectionLost, K::ConnectionClosed}},
    {K::ConnectionAborted, {K::ConnectionAborted, K::ConnectionLost, K::ConnectionClosed}},
    {K::ConnectError, {K::ConnectError}},
    {K::ConnectionRefusedError, {K::ConnectionRefusedError, K::ConnectError}},
    {K::TCPTimedOutError, {K::TCPTimedOutError, K::ConnectError}},
    {K::UserError, {K::UserError, K::ConnectError}},
    {K::TimeoutError, {K::TimeoutError, K::UserError, K::ConnectError}},
    {K::DNSLookupError, {K::DNSLookupError}},  // an IOError in Twisted, not a ConnectError
};

TEST(Reason, EveryKindChecksExactlyItsTwistedAncestors) {
    ASSERT_EQ(kTwistedAncestors.size(), kAllKinds.size());
    for (ReasonKind kind : kAllKinds) {
        Reason reason(kind, "why");
        for (ReasonKind other : kAllKinds) {
            EXPECT_EQ(reason.check(other), kTwistedAncestors.at(kind).count(other) == 1)
                << kindName(kind) << ".check(" << kindName(other) << ")";
        }
    }
}

// Names are what the trace and the exercises print: one per kind, none shared,
// each a Twisted class name. Twisted names every failure to connect (DNS too)
// "...Error", and no end of a made connection.
TEST(Reason, KindNamesAreDistinctAndOnlyConnectFailuresEndInError) {
    std::set<std::string> seen;
    for (ReasonKind kind : kAllKinds) {
        const std::string name = kindName(kind);
        EXPECT_TRUE(seen.insert(name).second) << name << " names two kinds";
        EXPECT_TRUE(std::regex_match(name, std::regex("[A-Z][A-Za-z]+"))) << name;
        const bool connectFailure =
            Reason(kind, "").check(K::ConnectError) || Reason(kind, "").check(K::DNSLookupError);
        EXPECT_EQ(name.ends_with("Error"), connectFailure) << name;
    }
}

TEST(Reason, ConnectionDoneIsAConnectionClosedButNotLost) {
    Reason done = Reason::connectionDone();
    EXPECT_EQ(done.kind(), K::ConnectionDone);
    EXPECT_TRUE(done.check(K::ConnectionClosed));
    EXPECT_FALSE(done.check(K::ConnectionLost));
    EXPECT_FALSE(done.check(K::ConnectionAborted));
    EXPECT_EQ(done.message(), "Connection was closed cleanly.");
    EXPECT_FALSE(done.errorCode());
}

// A descriptor that calls the socket API itself (the connector, the port) has an
// errno where Asio would have given its own code: through errnoCode(), both make
// the same reason, in each phase of a connection.
TEST(Reason, AnErrnoAndAsiosCodeForItMakeTheSameReason) {
    const std::pair<int, boost::system::error_code> same[] = {
        {ECONNREFUSED, error::connection_refused},
        {ETIMEDOUT, error::timed_out},
        {ECONNRESET, error::connection_reset},
        {EPIPE, error::broken_pipe},
    };
    for (const auto& [errnoValue, asioCode] : same) {
        for (auto make : {&Reason::connectFailed, &Reason::connectionEnded}) {
            Reason fromErrno = make(errnoCode(errnoValue));
            Reason fromAsio = make(asioCode);
            EXPECT_EQ(fromErrno.kind(), fromAsio.kind()) << asioCode.message();
            EXPECT_EQ(fromErrno.message(), fromAsio.message());
            EXPECT_EQ(fromErrno.errorCode(), fromAsio.errorCode());
        }
    }
}

// ---- once a connection is made: connectionEnded() ---------------------------

TEST(Reason, OnAMadeConnectionEndOfFileIsConnectionDone) {
    EXPECT_EQ(Reason::connectionEnded(error::eof).kind(), K::ConnectionDone);
    EXPECT_EQ(Reason::connectionEnded({}).kind(), K::ConnectionDone);
}

TEST(Reason, OnAMadeConnectionEveryErrorIsConnectionLost) {
    // Errors the kernel gives on an open connection; ETIMEDOUT (keepalive or
    // retransmissions gave up) and ECONNREFUSED (an ICMP error) included.
    for (int e : {ECONNRESET, EPIPE, ETIMEDOUT, ECONNABORTED, ECONNREFUSED, EHOSTUNREACH,
                  ENETUNREACH, ENETDOWN, EIO}) {
        Reason reason = Reason::connectionEnded(errnoCode(e));
        EXPECT_EQ(reason.kind(), K::ConnectionLost) << "errno " << e;
        EXPECT_EQ(reason.errorCode(), errnoCode(e));
        EXPECT_EQ(reason.message(), errnoCode(e).message());
    }
    // Asio's own names for some of them, as a read_some or write_some gives them.
    for (auto e : {error::connection_reset, error::broken_pipe, error::timed_out,
                   error::connection_aborted, error::operation_aborted}) {
        EXPECT_EQ(Reason::connectionEnded(e).kind(), K::ConnectionLost) << e;
    }
}

TEST(Reason, OnAMadeConnectionNoErrnoIsEverAConnectErrorKind) {
    for (int e = 1; e < 200; ++e) {
        Reason reason = Reason::connectionEnded(errnoCode(e));
        EXPECT_TRUE(reason.check(K::ConnectionLost)) << "errno " << e;
        EXPECT_FALSE(reason.check(K::ConnectError)) << "errno " << e;
        EXPECT_FALSE(reason.check(K::DNSLookupError)) << "errno " << e;
    }
}

// ---- while connecting: connectFailed() ----------------------------------------

TEST(Reason, WhileConnectingRefusedIsConnectionRefusedError) {
    for (Reason reason : {Reason::connectFailed(errnoCode(ECONNREFUSED)),
                          Reason::connectFailed(error::connection_refused)}) {
        EXPECT_EQ(reason.kind(), K::ConnectionRefusedError);
        EXPECT_EQ(reason.message(), "Connection refused");
        EXPECT_EQ(reason.errorCode(), error::connection_refused);
    }
}

TEST(Reason, WhileConnectingAKernelTimeoutIsTCPTimedOutErrorNotTheConnectorsTimeoutError) {
    Reason reason = Reason::connectFailed(errnoCode(ETIMEDOUT));
    EXPECT_EQ(reason.kind(), K::TCPTimedOutError);
    EXPECT_TRUE(reason.check(K::ConnectError));
    EXPECT_FALSE(reason.check(K::TimeoutError));
    EXPECT_FALSE(reason.check(K::UserError));
}

TEST(Reason, WhileConnectingAnyOtherErrorIsAPlainConnectError) {
    for (int e : {ENETUNREACH, EHOSTUNREACH, EADDRNOTAVAIL, EMFILE, ECONNRESET, EACCES}) {
        Reason reason = Reason::connectFailed(errnoCode(e));
        EXPECT_EQ(reason.kind(), K::ConnectError) << "errno " << e;
        EXPECT_EQ(reason.message(), errnoCode(e).message());
    }
    // Without an error code there is still no connection, and no "Success" message.
    EXPECT_EQ(Reason::connectFailed({}).kind(), K::ConnectError);
    EXPECT_EQ(Reason::connectFailed({}).message(), "An error occurred while connecting.");
}

TEST(Reason, WhileConnectingNoErrnoIsEverAConnectionClosedKind) {
    for (int e = 1; e < 200; ++e) {
        Reason reason = Reason::connectFailed(errnoCode(e));
        EXPECT_TRUE(reason.check(K::ConnectError)) << "errno " << e;
        EXPECT_FALSE(reason.check(K::ConnectionClosed)) << "errno " << e;
    }
}

TEST(Reason, TheSameErrnoIsAConnectErrorBeforeAndConnectionLostAfter) {
    EXPECT_EQ(Reason::connectFailed(errnoCode(ETIMEDOUT)).kind(), K::TCPTimedOutError);
    EXPECT_EQ(Reason::connectionEnded(errnoCode(ETIMEDOUT)).kind(), K::ConnectionLost);
    EXPECT_EQ(Reason::connectFailed(errnoCode(ECONNREFUSED)).kind(), K::ConnectionRefusedError);
    EXPECT_EQ(Reason::connectionEnded(errnoCode(ECONNREFUSED)).kind(), K::ConnectionLost);
}

// ---- before connecting: the name ----------------------------------------------

TEST(Reason, AFailedLookupIsADNSLookupErrorNamingTheHost) {
    Reason reason = Reason::dnsLookupFailed("nosuch.invalid", "Host not found (authoritative)",
                                            error::host_not_found);
    EXPECT_EQ(reason.kind(), K::DNSLookupError);
    EXPECT_EQ(reason.message(),
              "DNS lookup failed: address 'nosuch.invalid' not found: Host not found "
              "(authoritative)");
    EXPECT_EQ(reason.errorCode(), error::host_not_found);
    EXPECT_FALSE(reason.check(K::ConnectError));
}

}  // namespace
