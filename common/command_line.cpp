/// \file
/// \brief The command-line conventions every program shares (see command_line.hpp).
#include "command_line.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "messages.hpp"
#include "poem_file.hpp"

namespace poetry {

namespace {

// Boost's parser takes positional arguments one at a time, erasing each from the
// front of its vector of tokens: quadratic in their number, which shows with 10,000
// addresses. Boost tries this style parser first on each token; it takes a whole
// run of positional tokens at once, and leaves everything else to Boost as before.
std::vector<po::option> takePositionalRun(std::vector<std::string>& tokens) {
    auto end = std::find_if(tokens.begin(), tokens.end(), [](const std::string& token) {
        return token.size() >= 2 && token[0] == '-';  // an option, or "--"
    });
    std::vector<po::option> taken;
    for (auto token = tokens.begin(); token != end; ++token) {
        po::option option;
        option.value.push_back(*token);
        option.original_tokens.push_back(*token);
        taken.push_back(std::move(option));
    }
    tokens.erase(tokens.begin(), end);
    return taken;
}

}  // namespace

CommandLine::CommandLine(std::string program, std::string synopsis, std::string summary)
    : program_(std::move(program)),
      synopsis_(std::move(synopsis)),
      summary_(std::move(summary)),
      options_("Options") {
    options_.add_options()("help,h", "show this help and exit");
}

po::options_description_easy_init CommandLine::options() {
    return options_.add_options();
}

CommandLine& CommandLine::positional(const std::string& name, const std::string& help,
                                     int maxCount) {
    positional_.push_back({name, help, maxCount});
    return *this;
}

std::string CommandLine::help() const {
    std::ostringstream out;
    out << "Usage: " << program_ << " " << synopsis_ << "\n\n" << summary_ << "\n\n";
    if (!positional_.empty()) {
        out << "Arguments:\n";
        for (const auto& p : positional_) {
            out << "  " << p.name << (p.maxCount == 1 ? "" : "...") << "\n      " << p.help << "\n";
        }
        out << "\n";
    }
    out << options_;
    return out.str();
}

namespace {

// Runs Boost's parser over argv with the given options and positional names.
po::variables_map parseWithBoost(const std::vector<const char*>& argv,
                                 const po::options_description& all,
                                 const po::positional_options_description& positional) {
    po::variables_map values;
    po::store(
        po::command_line_parser(static_cast<int>(argv.size()), argv.data())
            .options(all)
            .positional(positional)
            .extra_style_parser(takePositionalRun)
            .style(po::command_line_style::default_style & ~po::command_line_style::allow_guessing)
            .run(),
        values);
    po::notify(values);
    return values;
}

// Boost builds an error's message by replacing placeholders such as %value% until
// none is left, so an argument that holds one (`--port=%value%`) never stops being
// replaced, and the program hangs. When an argument holds a '%', the message comes
// from parsing again with every '%' turned into a byte no argument holds, which is
// turned back into '%' afterwards.
std::string describeParseError(const po::error& error, const std::vector<const char*>& argv,
                               const po::options_description& all,
                               const po::positional_options_description& positional) {
    auto hasPercent = [](const char* arg) { return std::strchr(arg, '%') != nullptr; };
    if (std::none_of(argv.begin(), argv.end(), hasPercent)) {
        return error.what();
    }
    std::string joined;
    for (const char* arg : argv) {
        joined += arg;
    }
    char stand_in = 1;
    while (stand_in < 32 && joined.find(stand_in) != std::string::npos) {
        ++stand_in;
    }
    if (stand_in == 32) {
        return "invalid arguments";
    }
    std::vector<std::string> copies;
    for (const char* arg : argv) {
        copies.emplace_back(arg);
        std::replace(copies.back().begin(), copies.back().end(), '%', stand_in);
    }
    std::vector<const char*> copyArgv;
    for (const auto& copy : copies) {
        copyArgv.push_back(copy.c_str());
    }
    std::string message = "invalid arguments";
    try {
        parseWithBoost(copyArgv, all, positional);
    } catch (const po::error& again) {
        message = again.what();
    }
    std::replace(message.begin(), message.end(), stand_in, '%');
    return message;
}

// An option given an empty value (`--port ''` or `--port=`) is named in the
// message. Left to Boost, `--port ''` reads as an option whose name is empty,
// which every option name starts with, and the message lists them all, hidden
// ones included; `--port=` gets a message about the equal sign.
void rejectEmptyValues(const std::vector<const char*>& argv, const po::options_description& all) {
    for (std::size_t i = 1; i < argv.size(); ++i) {
        const std::string_view token = argv[i];
        if (token == "--") {
            return;  // the rest are arguments, whatever they look like
        }
        if (token.size() <= 2 || token.substr(0, 2) != "--") {
            continue;
        }
        const auto equals = token.find('=');
        const std::string name(
            token.substr(2, equals == std::string_view::npos ? equals : equals - 2));
        if (name.empty()) {  // `--=VALUE`: Boost would list every option as a match
            throw UsageError("unrecognised option " + quote(token));
        }
        const auto* option = all.find_nothrow(name, false);
        if (option == nullptr || option->semantic()->max_tokens() == 0) {
            continue;  // not ours to judge: Boost names an unknown option itself
        }
        const bool separate = equals == std::string_view::npos;
        const char* value =
            separate ? (i + 1 < argv.size() ? argv[i + 1] : nullptr) : argv[i] + equals + 1;
        if (value != nullptr && *value == '\0') {
            throw UsageError("--" + name + " needs a value, and was given an empty one");
        }
        if (separate && value != nullptr && std::string_view(value).substr(0, 2) != "--") {
            ++i;  // its value, which may start with a dash (`--delay -1`)
        }
    }
}

}  // namespace

std::optional<po::variables_map> CommandLine::parse(int argc, const char* const argv[],
                                                    std::ostream& out) const {
    po::options_description all;
    all.add(options_);
    po::positional_options_description positional;
    for (const auto& p : positional_) {
        if (p.maxCount == -1) {
            all.add_options()(p.name.c_str(), po::value<std::vector<std::string>>());
        } else {
            all.add_options()(p.name.c_str(), po::value<std::string>());
        }
        positional.add(p.name.c_str(), p.maxCount);
    }

    std::vector<const char*> args(argv, argv + argc);
    rejectEmptyValues(args, all);
    po::variables_map values;
    try {
        values = parseWithBoost(args, all, positional);
    } catch (const po::too_many_positional_options_error&) {
        throw UsageError("too many arguments");
    } catch (const po::error& e) {
        throw UsageError(describeParseError(e, args, all, positional));
    }

    if (values.count("help") != 0) {
        out << help();
        return std::nullopt;
    }
    for (const auto& p : positional_) {
        if (values.count(p.name) == 0) {
            throw UsageError("missing " + p.name);
        }
    }
    return values;
}

namespace {

// A program started with stdin, stdout or stderr closed (`prog >&-`) would hand
// that number to its first socket, and print poems into a connection. Each
// closed one gets /dev/null opened read-only: the number is taken, and every
// write to it fails, so a closed stdout is noticed like any other write error.
void keepStandardDescriptorsTaken() {
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) {
            int placeholder = ::open("/dev/null", O_RDONLY);  // the lowest free number: fd
            if (placeholder >= 0 && placeholder != fd) {
                ::close(placeholder);
            }
        }
    }
}

// Whether everything printed on stdout reached it. Flushes first. Once a write
// has failed, the stream only remembers that it did, not why; an empty write
// asks again (it fails on /dev/full and on a closed descriptor, and costs
// nothing where writing works).
bool standardOutputWritten(std::string& why) {
    std::cout.flush();
    if (std::cout.good() && std::fflush(stdout) == 0 && std::ferror(stdout) == 0) {
        return true;
    }
    why.clear();
    if (::write(STDOUT_FILENO, "", 0) < 0) {
        why = ": " + describeErrno(errno);
    }
    return false;
}

}  // namespace

int runMain(const std::string& program, const std::function<int()>& body) {
    keepStandardDescriptorsTaken();
    int status = kExitFailure;
    try {
        status = body();
    } catch (const UsageError& e) {
        std::cerr << program << ": error: " << oneLine(e.what()) << " (see --help)" << std::endl;
        status = kExitUsage;
    } catch (const std::exception& e) {
        std::cerr << program << ": error: " << describeError(e) << std::endl;
        status = kExitFailure;
    }
    return finishOutput(program, status);
}

namespace {

// What outputFailed() was told, in order, until finishOutput() prints it.
std::vector<std::string>& failedOutputs() {
    static std::vector<std::string> messages;
    return messages;
}

}  // namespace

void outputFailed(std::string message) {
    failedOutputs().push_back(std::move(message));
}

int finishOutput(const std::string& program, int status) {
    for (const auto& message : failedOutputs()) {
        std::cerr << program << ": error: " << oneLine(message) << std::endl;
        if (status == kExitSuccess) {
            status = kExitFailure;
        }
    }
    failedOutputs().clear();
    // A poem that could not be printed was not delivered: say so, as cat does.
    std::string why;
    if (!standardOutputWritten(why)) {
        std::cerr << program << ": error: cannot write to standard output" << why << std::endl;
        if (status == kExitSuccess) {
            status = kExitFailure;
        }
    }
    return status;
}

void addClientOptions(CommandLine& commandLine, ClientExtras extras) {
    commandLine.options()("quiet,q", "print only the summary line (and errors)");
    if (extras.timeline) {
        commandLine.options()("timeline", po::value<std::string>()->value_name("FILE"),
                              "write one CSV row per chunk to FILE: task,peer,seconds,bytes");
    }
    if (extras.trace) {
        addTraceOption(commandLine);
    }
    commandLine.positional("ADDRESS", "a poetry server as [HOST:]PORT or [IPV6]:PORT", -1);
}

void addTraceOption(CommandLine& commandLine) {
    commandLine.options()("trace", "print a line on stderr for each thing the reactor does");
}

ClientOptions clientOptions(const po::variables_map& values) {
    ClientOptions result;
    result.quiet = values.count("quiet") != 0;
    result.trace = values.count("trace") != 0;
    if (values.count("timeline") != 0) {
        result.timeline = values["timeline"].as<std::string>();  // never empty: parse() says so
    }
    for (const auto& text : values["ADDRESS"].as<std::vector<std::string>>()) {
        try {
            result.addresses.push_back(parseAddress(text));
        } catch (const std::invalid_argument& e) {
            throw UsageError(e.what());
        }
    }
    return result;
}

std::optional<ClientOptions> parseClientCommandLine(const std::string& program,
                                                    const std::string& summary, int argc,
                                                    const char* const argv[], ClientExtras extras) {
    CommandLine commandLine(program, "[options] ADDRESS...", summary);
    addClientOptions(commandLine, extras);
    auto values = commandLine.parse(argc, argv, std::cout);
    if (!values) {
        return std::nullopt;
    }
    return clientOptions(*values);
}

void addServerOptions(CommandLine& commandLine) {
    commandLine.options()("port", po::value<long long>()->default_value(0),
                          "port to listen on (0: the system picks a free one)")(
        "iface", po::value<std::string>()->default_value("127.0.0.1"), "interface to listen on")(
        "quiet",
        "do not print a line per client and per chunk (the log is written as it happens, "
        "from the server's one loop: a stdout pipe nobody reads makes the server wait, and "
        "every client with it)");
    commandLine.positional("POETRY_FILE", "the poem to serve", 1);
}

ServerOptions serverOptions(const po::variables_map& values) {
    ServerOptions result;
    auto port = values["port"].as<long long>();
    if (port < 0 || port > 65535) {
        throw UsageError("--port " + std::to_string(port) + " out of range 0..65535");
    }
    result.port = static_cast<std::uint16_t>(port);
    result.iface = values["iface"].as<std::string>();  // never empty: parse() says so
    result.quiet = values.count("quiet") != 0;
    result.trace = values.count("trace") != 0;
    result.poetryFile = values["POETRY_FILE"].as<std::string>();
    return result;
}

std::string readPoemArgument(const std::string& path) {
    try {
        return readPoemFile(path);
    } catch (const PoemFileError& e) {
        throw UsageError(e.what());  // the file named on the command line is wrong
    }
}

std::optional<ServerOptions> parseServerCommandLine(const std::string& program,
                                                    const std::string& summary, int argc,
                                                    const char* const argv[], bool trace) {
    CommandLine commandLine(program, "[options] POETRY_FILE", summary);
    addServerOptions(commandLine);
    if (trace) {
        addTraceOption(commandLine);
    }
    auto values = commandLine.parse(argc, argv, std::cout);
    if (!values) {
        return std::nullopt;
    }
    ServerOptions options = serverOptions(*values);
    options.poem = readPoemArgument(options.poetryFile);
    return options;
}

}  // namespace poetry
