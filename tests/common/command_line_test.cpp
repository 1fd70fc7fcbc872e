// The shared command-line conventions: --help, usage errors that name the argument.
#include <gtest/gtest.h>

#include <sstream>

#include "common/command_line.hpp"

namespace poetry {
namespace {

struct Args {
    std::vector<std::string> words;
    std::vector<const char*> argv() const {
        std::vector<const char*> out{"prog"};
        for (const auto& w : words) {
            out.push_back(w.c_str());
        }
        return out;
    }
};

std::optional<po::variables_map> parse(const CommandLine& cl, const Args& args, std::ostream& out) {
    auto argv = args.argv();
    return cl.parse(static_cast<int>(argv.size()), argv.data(), out);
}

CommandLine clientLine() {
    CommandLine cl("client", "[options] ADDRESS...", "Gets poetry.");
    addClientOptions(cl);
    return cl;
}

CommandLine serverLine() {
    CommandLine cl("server", "[options] POETRY_FILE", "Serves poetry.");
    addServerOptions(cl);
    return cl;
}

std::string usageErrorFor(const CommandLine& cl, const Args& args) {
    std::ostringstream out;
    try {
        auto values = parse(cl, args, out);
        if (values && cl.program() == "client") {
            clientOptions(*values);
        } else if (values) {
            serverOptions(*values);
        }
    } catch (const UsageError& e) {
        return e.what();
    }
    ADD_FAILURE() << "no usage error";
    return {};
}

TEST(CommandLine, HelpIsPrintedAndNothingParsed) {
    for (const char* flag : {"-h", "--help"}) {
        std::ostringstream out;
        EXPECT_FALSE(parse(clientLine(), {{flag}}, out).has_value());
        EXPECT_NE(out.str().find("Usage: client [options] ADDRESS..."), std::string::npos);
        EXPECT_NE(out.str().find("--quiet"), std::string::npos);
    }
}

TEST(CommandLine, ClientOptions) {
    std::ostringstream out;
    auto values = parse(clientLine(), {{"-q", "10000", "[::1]:10001", "example.org:7"}}, out);
    ASSERT_TRUE(values.has_value());
    auto options = clientOptions(*values);
    EXPECT_TRUE(options.quiet);
    ASSERT_EQ(options.addresses.size(), 3u);
    EXPECT_EQ(options.addresses[0].str(), "127.0.0.1:10000");
    EXPECT_EQ(options.addresses[1].str(), "[::1]:10001");
    EXPECT_EQ(options.addresses[2].str(), "example.org:7");
}

TEST(CommandLine, ServerDefaults) {
    std::ostringstream out;
    auto values = parse(serverLine(), {{"poem.txt"}}, out);
    ASSERT_TRUE(values.has_value());
    auto options = serverOptions(*values);
    EXPECT_EQ(options.port, 0);
    EXPECT_EQ(options.iface, "127.0.0.1");
    EXPECT_FALSE(options.quiet);
    EXPECT_EQ(options.poetryFile, "poem.txt");
}

struct BadLine {
    bool client;
    std::vector<std::string> words;
    const char* mentions;
};

class BadCommandLine : public ::testing::TestWithParam<BadLine> {};

TEST_P(BadCommandLine, IsAUsageErrorNamingTheArgument) {
    const auto& c = GetParam();
    auto message = usageErrorFor(c.client ? clientLine() : serverLine(), {c.words});
    EXPECT_NE(message.find(c.mentions), std::string::npos) << message;
    EXPECT_EQ(message.find('\n'), std::string::npos) << "one line: " << message;
}

INSTANTIATE_TEST_SUITE_P(
    Table, BadCommandLine,
    ::testing::Values(BadLine{true, {}, "missing ADDRESS"}, BadLine{true, {"70000"}, "'70000'"},
                      BadLine{true, {"host:port"}, "'host:port'"},
                      BadLine{true, {"--bogus", "10000"}, "--bogus"},
                      BadLine{true, {"--qu", "10000"}, "--qu"},  // no guessing of prefixes
                      BadLine{false, {}, "missing POETRY_FILE"},
                      BadLine{false, {"a.txt", "b.txt"}, "too many arguments"},
                      BadLine{false, {"--port", "x", "a.txt"}, "--port"},
                      BadLine{false, {"--port", "65536", "a.txt"}, "--port 65536"},
                      BadLine{false, {"--port", "-1", "a.txt"}, "--port -1"},
                      BadLine{false, {"--iface", "", "a.txt"}, "--iface"}));

// An empty value, given apart or after '=', is named as such: not taken for the
// start of every option's name (Boost's "option is ambiguous and matches
// '--POETRY_FILE', '--iface', ..." names hidden options a user never typed).
TEST(CommandLine, AnEmptyValueIsNamedAsEmpty) {
    EXPECT_EQ(usageErrorFor(serverLine(), {{"--port", "", "poem"}}),
              "--port needs a value, and was given an empty one");
    EXPECT_EQ(usageErrorFor(serverLine(), {{"poem", "--port="}}),
              "--port needs a value, and was given an empty one");
    EXPECT_EQ(usageErrorFor(serverLine(), {{"--quiet", "--iface", "", "poem"}}),
              "--iface needs a value, and was given an empty one");
    // After the value of another option, even one that starts with a dash.
    EXPECT_EQ(usageErrorFor(serverLine(), {{"--port", "-5", "--iface=", "poem"}}),
              "--iface needs a value, and was given an empty one");
    const char* timeline[] = {"client", "--timeline", "", "10000"};
    try {
        parseClientCommandLine("client", "Gets poetry.", 4, timeline, {.timeline = true});
        ADD_FAILURE() << "an empty --timeline accepted";
    } catch (const UsageError& e) {
        EXPECT_STREQ(e.what(), "--timeline needs a value, and was given an empty one");
    }
}

// `--=VALUE` names no option at all: a usage error that says so, not Boost's list of
// every option as a possible match (the fuzzer found it thrown past the usage-error
// handling, as an exit 1).
TEST(CommandLine, AnOptionWithNoNameIsUnrecognised) {
    EXPECT_EQ(usageErrorFor(serverLine(), {{"--=x", "poem"}}), "unrecognised option '--=x'");
    EXPECT_EQ(usageErrorFor(clientLine(), {{"--=", "10000"}}), "unrecognised option '--='");
}

// Only an option that takes a value can be given an empty one: an empty word
// anywhere else is an argument, and judged as one.
TEST(CommandLine, AnEmptyArgumentIsStillAnArgument) {
    EXPECT_EQ(usageErrorFor(clientLine(), {{"-q", ""}}), "invalid address '': empty");
    EXPECT_EQ(usageErrorFor(clientLine(), {{"10000", "--", "--port", ""}}),
              "invalid address '--port': port '--port' is not a number");
}

// Boost's own messages fill in %placeholders% until none is left; an argument
// holding one must neither hang the parser (it did, found by fuzz-command-line)
// nor change the message around it.
TEST(CommandLine, APlaceholderInAnArgumentIsJustText) {
    EXPECT_EQ(usageErrorFor(serverLine(), {{"-x%canonical_option%", "poem"}}),
              "unrecognised option '-x%canonical_option%'");
    EXPECT_EQ(usageErrorFor(serverLine(), {{"--port=%value%", "poem"}}),
              "the argument ('%value%') for option '--port' is invalid");
    EXPECT_EQ(usageErrorFor(clientLine(), {{"--q%option%", "10000"}}),
              "unrecognised option '--q%option%'");
    EXPECT_EQ(usageErrorFor(serverLine(), {{"--port", "1", "--port", "2", "poem"}}),
              "option '--port' cannot be specified more than once");
    EXPECT_EQ(usageErrorFor(serverLine(), {{"poem", "--iface"}}),
              "the required argument for option '--iface' is missing");
}

TEST(ParseClientCommandLine, OptionsHelpAndErrors) {
    const char* good[] = {"client", "-q", "10000", "[::1]:7"};
    auto options = parseClientCommandLine("client", "Gets poetry.", 4, good);
    ASSERT_TRUE(options.has_value());
    EXPECT_TRUE(options->quiet);
    ASSERT_EQ(options->addresses.size(), 2u);
    EXPECT_EQ(options->addresses[1].str(), "[::1]:7");

    const char* help[] = {"client", "--help"};
    ::testing::internal::CaptureStdout();
    EXPECT_FALSE(parseClientCommandLine("client", "Gets poetry.", 2, help).has_value());
    EXPECT_NE(::testing::internal::GetCapturedStdout().find("Usage: client [options] ADDRESS..."),
              std::string::npos);

    const char* bad[] = {"client", "70000"};
    EXPECT_THROW(parseClientCommandLine("client", "Gets poetry.", 2, bad), UsageError);
    const char* none[] = {"client"};
    EXPECT_THROW(parseClientCommandLine("client", "Gets poetry.", 1, none), UsageError);
}

TEST(ParseClientCommandLine, TimelineAndTraceOnlyWhereOffered) {
    const char* watched[] = {"client", "--timeline", "run.csv", "--trace", "10000"};
    auto options = parseClientCommandLine("client", "Gets poetry.", 5, watched,
                                          {.timeline = true, .trace = true});
    ASSERT_TRUE(options.has_value());
    EXPECT_EQ(options->timeline, "run.csv");
    EXPECT_TRUE(options->trace);
    EXPECT_FALSE(options->quiet);

    const char* plain[] = {"client", "10000"};
    options = parseClientCommandLine("client", "Gets poetry.", 2, plain,
                                     {.timeline = true, .trace = true});
    ASSERT_TRUE(options.has_value());
    EXPECT_EQ(options->timeline, "");
    EXPECT_FALSE(options->trace);

    // A client that does not offer them rejects them, naming the option.
    for (const char* option : {"--trace", "--timeline"}) {
        const char* words[] = {"client", option, "x.csv", "10000"};
        try {
            parseClientCommandLine("client", "Gets poetry.", 4, words);
            ADD_FAILURE() << option << " accepted";
        } catch (const UsageError& e) {
            EXPECT_NE(std::string(e.what()).find(option), std::string::npos) << e.what();
        }
    }
    const char* missing[] = {"client", "10000", "--timeline"};
    EXPECT_THROW(parseClientCommandLine("client", "Gets poetry.", 3, missing, {.timeline = true}),
                 UsageError);
    const char* empty[] = {"client", "--timeline", "", "10000"};
    EXPECT_THROW(parseClientCommandLine("client", "Gets poetry.", 4, empty, {.timeline = true}),
                 UsageError);
}

TEST(ParseClientCommandLine, HelpListsTheExtras) {
    const char* help[] = {"client", "--help"};
    ::testing::internal::CaptureStdout();
    parseClientCommandLine("client", "Gets poetry.", 2, help, {.timeline = true, .trace = true});
    auto text = ::testing::internal::GetCapturedStdout();
    EXPECT_NE(text.find("--timeline FILE"), std::string::npos) << text;
    EXPECT_NE(text.find("--trace"), std::string::npos) << text;
}

TEST(RunMain, UsageErrorExitsTwoAndExceptionsExitOne) {
    EXPECT_EQ(runMain("p", [] { return 0; }), kExitSuccess);
    EXPECT_EQ(runMain("p", []() -> int { throw UsageError("bad --x"); }), kExitUsage);
    EXPECT_EQ(runMain("p", []() -> int { throw std::runtime_error("boom"); }), kExitFailure);
}

}  // namespace
}  // namespace poetry
