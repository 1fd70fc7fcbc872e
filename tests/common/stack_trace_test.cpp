// How the stack programs shorten what Boost.Stacktrace gives them: names without
// templates or parameters, paths relative to the project.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include <boost/stacktrace.hpp>

#include "common/stack_trace.hpp"

namespace poetry {
namespace {

TEST(ShortFunctionName, DropsTemplateArgumentsAndParameters) {
    EXPECT_EQ(shortFunctionName("poetry::protocols::TcpTransport::doRead()"),
              "poetry::protocols::TcpTransport::doRead");
    EXPECT_EQ(shortFunctionName("boost::asio::detail::reactive_wait_op<poetry::X::arm(std::shared_"
                                "ptr<W> const&)::{lambda(boost::system::error_code)#1}, "
                                "boost::asio::any_io_executor>::do_complete(void*, "
                                "boost::asio::detail::scheduler_operation*, "
                                "boost::system::error_code const&, unsigned long)"),
              "boost::asio::detail::reactive_wait_op::do_complete");
    EXPECT_EQ(shortFunctionName("poetry::reactor::Reason::message[abi:cxx11]() const"),
              "poetry::reactor::Reason::message[abi:cxx11]");
}

TEST(ShortFunctionName, KeepsLambdasAndCallOperatorsReadable) {
    EXPECT_EQ(shortFunctionName("poetry::R::arm(int)::{lambda(boost::system::error_code)#1}::"
                                "operator()(boost::system::error_code) const"),
              "poetry::R::arm::{lambda#1}::operator()");
}

TEST(ShortFunctionName, DropsTheAnonymousNamespace) {
    EXPECT_EQ(shortFunctionName("(anonymous namespace)::StackProtocol::dataReceived(std::basic_"
                                "string_view<char, std::char_traits<char> >)"),
              "StackProtocol::dataReceived");
    EXPECT_EQ(shortFunctionName("main"), "main");
}

// A call through a base class with a virtual base (a transport is a part04
// FileDescriptor) goes through a thunk, which the compiler may fill with the
// function's own body: the frame is the function's.
TEST(ShortFunctionName, NamesAThunkAfterItsFunction) {
    EXPECT_EQ(shortFunctionName("virtual thunk to poetry::protocols::detail::TcpClient::"
                                "connectionLost(poetry::reactor::Reason const&)"),
              "poetry::protocols::detail::TcpClient::connectionLost");
    EXPECT_EQ(shortFunctionName("non-virtual thunk to poetry::protocols::TcpTransport::"
                                "doRead()"),
              "poetry::protocols::TcpTransport::doRead");
}

TEST(ProjectPath, RelativeToTheProjectWhenInsideIt) {
    auto root = std::filesystem::temp_directory_path() / "poetry-project-path-test";
    std::filesystem::create_directories(root / "part05-protocols");
    std::ofstream(root / "part05-protocols" / "tcp.cpp") << "\n";
    EXPECT_EQ(projectPath(root.string() + "/part05-protocols/tcp.cpp", root.string()),
              "part05-protocols/tcp.cpp");
    // As a compiler cache records it, relative to the build directory.
    EXPECT_EQ(projectPath("../part05-protocols/tcp.cpp", root.string()),
              "part05-protocols/tcp.cpp");
    // Not ours: as given.
    EXPECT_EQ(projectPath("/usr/include/boost/asio/impl/io_context.ipp", root.string()),
              "/usr/include/boost/asio/impl/io_context.ipp");
    EXPECT_EQ(projectPath("../sysdeps/nptl/libc_start_call_main.h", root.string()),
              "../sysdeps/nptl/libc_start_call_main.h");
    std::filesystem::remove_all(root);
}

// [[gnu::noinline]] so that this frame is there under its own name.
[[gnu::noinline]] std::string stackOfThisTest(bool full) {
    std::ostringstream out;
    printStack(out, boost::stacktrace::stacktrace(), full);
    return out.str();
}

TEST(PrintStack, CompactFramesStartHereAndEndAtMain) {
    std::string compact = stackOfThisTest(false);
    ASSERT_EQ(compact.rfind(" 0# poetry::stackOfThisTest", 0), 0u) << compact;
    EXPECT_NE(compact.find("tests/common/stack_trace_test.cpp:"), std::string::npos) << compact;
    auto last = compact.substr(compact.rfind('#', compact.size() - 2) + 2);
    EXPECT_EQ(last.rfind("main", 0), 0u) << compact;
    EXPECT_EQ(compact.find(" at "), std::string::npos) << compact;

    // The whole signature and file:line, as Boost prints a frame. clang names the
    // function with the ABI tag of the std::string it returns, GCC without.
    std::string full = stackOfThisTest(true);
    const std::string first = full.substr(0, full.find('\n'));
    EXPECT_TRUE(std::regex_match(
        first,
        std::regex(
            R"( 0# poetry::\(anonymous namespace\)::stackOfThisTest(\[abi:cxx11\])?\(bool\) at )"
            R"(\S+/tests/common/stack_trace_test\.cpp:\d+)")))
        << full;
}

}  // namespace
}  // namespace poetry
