// The blocking servers' shared parts that can be tried without a process: what an
// accept() failure leads to (AcceptFailures), and the options both servers take.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <boost/system/error_code.hpp>

#include "common/blocking_server.hpp"
#include "common/messages.hpp"

namespace poetry {
namespace {

using namespace std::chrono_literals;

boost::system::error_code systemError(int value) {
    return {value, boost::system::system_category()};
}

// Out of descriptors, a server tries again and again until one frees: the first
// try says so, the others rest without a word, and the shortage's end (an accept
// that works) makes the next shortage say so again.
TEST(AcceptFailures, AShortageIsSaidOnceHoweverManyTriesItTakes) {
    std::ostringstream err;
    AcceptFailures failures("server", err);
    const std::string shortage = "server: cannot accept: " + describeErrno(EMFILE) + "\n";
    for (int attempt = 0; attempt < 50; ++attempt) {
        EXPECT_EQ(failures.failed(systemError(EMFILE)), AcceptFailures::kShortageRest);
    }
    EXPECT_EQ(err.str(), shortage);

    failures.succeeded();
    for (int attempt = 0; attempt < 3; ++attempt) {
        failures.failed(systemError(EMFILE));
    }
    EXPECT_EQ(err.str(), shortage + shortage);
}

// The system's limit, a full socket buffer pool and no memory are shortages too,
// and one shortage is one, whichever of them each try meets.
TEST(AcceptFailures, EveryKindOfShortageRestsAndIsOneShortage) {
    std::ostringstream err;
    AcceptFailures failures("server", err);
    for (int error : {ENFILE, ENOBUFS, ENOMEM, EMFILE}) {
        EXPECT_EQ(failures.failed(systemError(error)), AcceptFailures::kShortageRest) << error;
    }
    EXPECT_EQ(err.str(), "server: cannot accept: " + describeErrno(ENFILE) + "\n");
}

// Anything else (a client that left before it was accepted) is said each time,
// and tried again at once: waiting would not help.
TEST(AcceptFailures, AnyOtherFailureIsSaidEachTimeAndTriedAgainAtOnce) {
    std::ostringstream err;
    AcceptFailures failures("server", err);
    for (int attempt = 0; attempt < 2; ++attempt) {
        EXPECT_EQ(failures.failed(systemError(ECONNABORTED)), 0ms);
    }
    const std::string line =
        "server: accept failed (" + systemError(ECONNABORTED).message() + ")\n";
    EXPECT_EQ(err.str(), line + line);
}

// A blocking server's command line: the shared server options, the pace, and the
// poem itself, read once; a poem file that cannot be served is a usage error.
class BlockingServerOptionsTest : public ::testing::Test {
  protected:
    BlockingServerOptionsTest()
        : poem_(std::filesystem::temp_directory_path() /
                ("blocking_server_test." + std::to_string(::getpid()) + ".txt")) {
        std::ofstream(poem_) << "a short poem\n";
    }
    ~BlockingServerOptionsTest() override { std::filesystem::remove(poem_); }

    BlockingServerOptions parse(std::vector<std::string> words) const {
        CommandLine commandLine("server", "[options] POETRY_FILE", "Serves poetry.");
        addBlockingServerOptions(commandLine);
        std::vector<const char*> argv{"server"};
        for (const auto& word : words) {
            argv.push_back(word == "POEM" ? poem_.c_str() : word.c_str());
        }
        std::ostringstream out;
        auto values = commandLine.parse(static_cast<int>(argv.size()), argv.data(), out);
        return blockingServerOptions(values.value());
    }

    std::string usageError(std::vector<std::string> words) const {
        try {
            parse(std::move(words));
        } catch (const UsageError& e) {
            return e.what();
        }
        ADD_FAILURE() << "no usage error";
        return {};
    }

    std::filesystem::path poem_;
};

TEST_F(BlockingServerOptionsTest, DefaultsAndThePoem) {
    auto options = parse({"POEM"});
    EXPECT_EQ(options.delay, 0.7);
    EXPECT_EQ(options.numBytes, 10u);
    EXPECT_EQ(options.port, 0);
    EXPECT_EQ(options.iface, "127.0.0.1");
    EXPECT_FALSE(options.quiet);
    EXPECT_EQ(options.poetryFile, poem_.string());
    EXPECT_EQ(options.poem, "a short poem\n");

    options = parse({"--delay", "0", "--num-bytes", "1", "--quiet", "--port", "10000", "POEM"});
    EXPECT_EQ(options.delay, 0);
    EXPECT_EQ(options.numBytes, 1u);
    EXPECT_TRUE(options.quiet);
    EXPECT_EQ(options.port, 10000);
}

TEST_F(BlockingServerOptionsTest, BadValuesAreUsageErrorsNamingTheOption) {
    EXPECT_EQ(usageError({"--delay", "-1", "POEM"}),
              "--delay -1 must be between 0 and 3600 seconds");
    EXPECT_EQ(usageError({"--delay", "nan", "POEM"}),
              "--delay nan must be between 0 and 3600 seconds");
    EXPECT_EQ(usageError({"--num-bytes", "0", "POEM"}), "--num-bytes 0 must be at least 1");
    EXPECT_EQ(usageError({"/no/such/poem.txt"}), "poem file '/no/such/poem.txt' does not exist");
}

}  // namespace
}  // namespace poetry
