// parseAddress() against a table of good and bad command-line addresses.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "common/address.hpp"

namespace poetry {
namespace {

struct Good {
    const char* text;
    const char* host;
    std::uint16_t port;
    const char* shown;
};

class GoodAddress : public ::testing::TestWithParam<Good> {};

TEST_P(GoodAddress, Parses) {
    const auto& c = GetParam();
    Address a = parseAddress(c.text);
    EXPECT_EQ(a.host, c.host);
    EXPECT_EQ(a.port, c.port);
    EXPECT_EQ(a.str(), c.shown);
}

INSTANTIATE_TEST_SUITE_P(
    Table, GoodAddress,
    ::testing::Values(Good{"10000", "127.0.0.1", 10000, "127.0.0.1:10000"},
                      Good{"1", "127.0.0.1", 1, "127.0.0.1:1"},
                      Good{"65535", "127.0.0.1", 65535, "127.0.0.1:65535"},
                      Good{"localhost:80", "localhost", 80, "localhost:80"},
                      Good{"10.1.2.3:10001", "10.1.2.3", 10001, "10.1.2.3:10001"},
                      Good{"[::1]:10002", "::1", 10002, "[::1]:10002"},
                      Good{"[fe80::1%lo]:7", "fe80::1%lo", 7, "[fe80::1%lo]:7"}));

struct Bad {
    const char* text;
    const char* mentions;  // a piece of the message that says what is wrong
};

class BadAddress : public ::testing::TestWithParam<Bad> {};

TEST_P(BadAddress, IsRejectedWithAClearMessage) {
    const auto& c = GetParam();
    try {
        parseAddress(c.text);
        FAIL() << "accepted '" << c.text << "'";
    } catch (const std::invalid_argument& e) {
        std::string message = e.what();
        EXPECT_NE(message.find(c.mentions), std::string::npos) << message;
        EXPECT_NE(message.find(std::string("'") + c.text + "'"), std::string::npos)
            << "message should quote the bad argument: " << message;
        EXPECT_EQ(message.find('\n'), std::string::npos) << "one line";
    }
}

INSTANTIATE_TEST_SUITE_P(
    Table, BadAddress,
    ::testing::Values(Bad{"", "empty"}, Bad{"0", "out of range"}, Bad{"65536", "out of range"},
                      Bad{"99999999999999999999", "out of range"}, Bad{"-1", "not a number"},
                      Bad{"abc", "not a number"}, Bad{"10000x", "not a number"},
                      Bad{"host:", "missing port"}, Bad{":10000", "empty host"},
                      Bad{"::1:10000", "brackets"}, Bad{"[::1:10000", "missing ']'"},
                      Bad{"[::1]10000", "expected ':PORT'"}, Bad{"[]:10000", "empty host"},
                      Bad{"[::1]:", "missing port"}, Bad{"a b:10000", "space or control"},
                      Bad{"a[b:10000", "bracket"}, Bad{"[[::1]:10000", "bracket"}));

// A newline in an argument must not break the one-line message: the argument is
// quoted with escapes, so the message also says exactly which bytes were typed.
TEST(ParseAddress, ControlCharactersAreEscapedInTheMessage) {
    const std::pair<std::string, std::string> cases[] = {
        {"12\n34", R"('12\n34')"},
        {"host\nname:80", R"('host\nname:80')"},
        {"it's", R"('it\'s')"},
        {"\x1b[31m:80", R"('\x1b[31m:80')"},
    };
    for (const auto& [text, shown] : cases) {
        try {
            parseAddress(text);
            FAIL() << "accepted " << shown;
        } catch (const std::invalid_argument& e) {
            std::string message = e.what();
            EXPECT_NE(message.find("invalid address " + shown + ": "), std::string::npos)
                << message;
            for (unsigned char c : message) {
                EXPECT_GE(c, 0x20) << "a control character in: " << message;
            }
        }
    }
}

TEST(FormatAddress, BracketsOnlyIpv6) {
    EXPECT_EQ(formatAddress("127.0.0.1", 5), "127.0.0.1:5");
    EXPECT_EQ(formatAddress("::1", 5), "[::1]:5");
}

}  // namespace
}  // namespace poetry
