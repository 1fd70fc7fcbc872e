// Messages on one line, in plain words: quoting arguments, describing failures.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cerrno>
#include <new>
#include <stdexcept>
#include <string>
#include <system_error>

#include <boost/system/system_error.hpp>

#include "common/messages.hpp"

namespace poetry {
namespace {

TEST(Quote, PlainTextIsOnlyPutInQuotes) {
    EXPECT_EQ(quote("poetry/science.txt"), "'poetry/science.txt'");
    EXPECT_EQ(quote(""), "''");
    EXPECT_EQ(quote("Ode à la nuit"), "'Ode à la nuit'");  // UTF-8 stays as it is
}

TEST(Quote, ControlCharactersQuotesAndBackslashesAreEscaped) {
    EXPECT_EQ(quote("12\n34"), R"('12\n34')");
    EXPECT_EQ(quote("a\tb\rc"), R"('a\tb\rc')");
    EXPECT_EQ(quote("\x1b[31mred"), R"('\x1b[31mred')");
    EXPECT_EQ(quote(std::string("nul\0byte", 8)), R"('nul\x00byte')");
    EXPECT_EQ(quote("\x7f"), R"('\x7f')");
    EXPECT_EQ(quote("it's"), R"('it\'s')");
    EXPECT_EQ(quote(R"(C:\poems)"), R"('C:\\poems')");
}

TEST(OneLine, EscapesControlCharactersOnly) {
    EXPECT_EQ(oneLine("the argument ('1\n2') is invalid"), R"(the argument ('1\n2') is invalid)");
    EXPECT_EQ(oneLine(R"(it's C:\here)"), R"(it's C:\here)");
}

TEST(DescribeError, OutOfMemoryInPlainWords) {
    EXPECT_EQ(describeError(std::bad_alloc()), "out of memory");
    EXPECT_EQ(describeErrno(ENOMEM), "out of memory");
}

TEST(DescribeError, TooManyOpenFilesNamesTheLimit) {
    rlimit limit{};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
    const std::string expected =
        "too many open files (limit " + std::to_string(limit.rlim_cur) + ")";
    EXPECT_EQ(describeErrno(EMFILE), expected);
    // Asio's own wording, as thrown when it cannot make its epoll descriptor.
    boost::system::system_error asio(
        boost::system::error_code(EMFILE, boost::system::system_category()), "epoll");
    ASSERT_NE(std::string(asio.what()).find("[system:24]"), std::string::npos) << asio.what();
    EXPECT_EQ(describeError(asio), expected);
    EXPECT_EQ(describeError(std::system_error(EMFILE, std::generic_category(), "pipe")), expected);
    EXPECT_EQ(describeErrno(ENFILE), "too many open files in the system");
}

TEST(DescribeError, OtherErrorsKeepTheirMessageOnOneLine) {
    EXPECT_EQ(describeErrno(ECONNREFUSED), "Connection refused");
    EXPECT_EQ(describeError(std::system_error(EACCES, std::system_category(), "open")),
              "Permission denied");
    EXPECT_EQ(describeError(std::runtime_error("two\nlines")), R"(two\nlines)");
}

}  // namespace
}  // namespace poetry
