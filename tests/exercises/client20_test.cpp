// What the exercises build on (client20.hpp), checked where it could break.
//
// This file and timeout_protocol_test.cpp both include ex1_timeout.cpp, and so
// client 2.0's program file: two files of one test program. It links only because
// the member functions those files define outside their classes are inline.
#include <gtest/gtest.h>

#include <string_view>

#include "part05-exercises/line_receiver.hpp"
#include "part05-protocols/factory.hpp"

#define EX1_TIMEOUT_CLASSES_ONLY
#include "part05-exercises/ex1_timeout.cpp"

namespace poetry::exercises {
namespace {

using client::PoetryClientFactory;
using client::PoetryProtocol;
using protocols::ClientFactory;

// Whether `factory.setProtocol<P>()` compiles.
template <typename F, typename P>
concept CanSetProtocol = requires(F& factory) {
    factory.template setProtocol<P>();
};

// A protocol that is not a PoetryProtocol, as ex5's is not.
class LineProtocol : public protocols::LineReceiver {
  public:
    void lineReceived(std::string_view line) override { (void)line; }
};

// Client 2.0's buildProtocol() stamps a task number on a PoetryProtocol, so its
// factory, and every exercise's factory derived from it, refuses any other protocol
// at compile time. A factory of other protocols says the plain factory's
// setProtocol() by name, as ex5 does.
TEST(Client20Classes, ItsFactoryBuildsOnlyPoetryProtocols) {
    EXPECT_TRUE((CanSetProtocol<PoetryClientFactory, PoetryProtocol>));
    EXPECT_TRUE((CanSetProtocol<PoetryClientFactory, TimeoutPoetryProtocol>));
    EXPECT_TRUE((CanSetProtocol<TimeoutPoetryFactory, TimeoutPoetryProtocol>));
    EXPECT_FALSE((CanSetProtocol<PoetryClientFactory, LineProtocol>));
    EXPECT_FALSE((CanSetProtocol<TimeoutPoetryFactory, LineProtocol>));
    EXPECT_TRUE((CanSetProtocol<ClientFactory, LineProtocol>));
}

}  // namespace
}  // namespace poetry::exercises
