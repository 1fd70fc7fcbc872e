// Reasons: kind matching through the tree, and error codes mapped to kinds.
#include "part04-raw-reactor/reason.hpp"

#include <gtest/gtest.h>

#include <cerrno>

#include <boost/asio/error.hpp>

namespace {

using poetry::reactor::Reason;
using poetry::reactor::ReasonKind;
namespace error = boost::asio::error;

TEST(Reason, ChecksItsOwnKindAndItsAncestors) {
    Reason aborted(ReasonKind::ConnectionAborted, "aborted");
    EXPECT_TRUE(aborted.check(ReasonKind::ConnectionAborted));
    EXPECT_TRUE(aborted.check(ReasonKind::ConnectionLost));
    EXPECT_TRUE(aborted.check(ReasonKind::ConnectionClosed));
    EXPECT_FALSE(aborted.check(ReasonKind::ConnectionDone));
    EXPECT_FALSE(aborted.check(ReasonKind::ConnectError));
}

TEST(Reason, ParentDoesNotMatchChild) {
    Reason lost(ReasonKind::ConnectionLost, "lost");
    EXPECT_FALSE(lost.check(ReasonKind::ConnectionAborted));
    EXPECT_TRUE(lost.check(ReasonKind::ConnectionClosed));
}

TEST(Reason, ConnectErrorsShareTheirRoot) {
    for (auto kind :
         {ReasonKind::ConnectionRefused, ReasonKind::DNSLookupError, ReasonKind::TimeoutError}) {
        Reason reason(kind, "x");
        EXPECT_TRUE(reason.check(ReasonKind::ConnectError)) << poetry::reactor::kindName(kind);
        EXPECT_FALSE(reason.check(ReasonKind::ConnectionClosed));
    }
}

TEST(Reason, ConnectionDoneIsCleanWithAReadableMessage) {
    Reason done = Reason::connectionDone();
    EXPECT_EQ(done.kind(), ReasonKind::ConnectionDone);
    EXPECT_TRUE(done.check(ReasonKind::ConnectionClosed));
    EXPECT_FALSE(done.check(ReasonKind::ConnectionLost));
    EXPECT_EQ(done.message(), "Connection was closed cleanly.");
    EXPECT_FALSE(done.errorCode());
}

TEST(Reason, FromErrorCodeMapsTheUsualSocketErrors) {
    EXPECT_EQ(Reason::fromErrorCode(error::eof).kind(), ReasonKind::ConnectionDone);
    EXPECT_EQ(Reason::fromErrorCode(error::connection_refused).kind(),
              ReasonKind::ConnectionRefused);
    EXPECT_EQ(Reason::fromErrorCode(error::timed_out).kind(), ReasonKind::TimeoutError);
    EXPECT_EQ(Reason::fromErrorCode(error::host_not_found).kind(), ReasonKind::DNSLookupError);
    Reason reset = Reason::fromErrorCode(error::connection_reset);
    EXPECT_EQ(reset.kind(), ReasonKind::ConnectionLost);
    EXPECT_EQ(reset.errorCode(), error::connection_reset);
    EXPECT_EQ(reset.message(), boost::system::error_code(error::connection_reset).message());
}

TEST(Reason, FromErrnoMapsLikeFromErrorCode) {
    EXPECT_EQ(Reason::fromErrno(ECONNREFUSED).kind(), ReasonKind::ConnectionRefused);
    EXPECT_EQ(Reason::fromErrno(ETIMEDOUT).kind(), ReasonKind::TimeoutError);
    Reason reset = Reason::fromErrno(ECONNRESET);
    EXPECT_EQ(reset.kind(), ReasonKind::ConnectionLost);
    EXPECT_EQ(reset.errorCode().value(), ECONNRESET);
    EXPECT_EQ(reset.message(), "Connection reset by peer");
}

TEST(Reason, KindNamesAreTwistedsSpelling) {
    EXPECT_STREQ(poetry::reactor::kindName(ReasonKind::ConnectionDone), "ConnectionDone");
    EXPECT_STREQ(poetry::reactor::kindName(ReasonKind::DNSLookupError), "DNSLookupError");
    EXPECT_EQ(poetry::reactor::parentKind(ReasonKind::ConnectionClosed),
              ReasonKind::ConnectionClosed);
}

}  // namespace
