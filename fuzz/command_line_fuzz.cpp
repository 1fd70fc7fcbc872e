// Fuzz target: the command lines of the clients and servers, with arbitrary
// arguments (the input, split at NUL bytes; its first byte picks client or server).
//
// Properties: runMain() turns whatever the parser throws into exit code 2 and
// exactly one line; an accepted command line, printed back as arguments and
// parsed again, gives the same options (parse, print, parse round-trips); and
// quote(), which puts arguments into those messages, is one line and reversible.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/command_line.hpp"
#include "common/messages.hpp"
#include "fuzz/check.hpp"

namespace {

using poetry::fuzz::check;

// Reverses quote(): the text between the quotes, with its escapes decoded.
std::optional<std::string> unquote(std::string_view text) {
    if (text.size() < 2 || text.front() != '\'' || text.back() != '\'') {
        return std::nullopt;
    }
    std::string out;
    for (std::size_t i = 1; i + 1 < text.size(); ++i) {
        if (text[i] != '\\') {
            out += text[i];
            continue;
        }
        if (++i + 1 >= text.size()) {
            return std::nullopt;
        }
        switch (text[i]) {
            case 'n':
                out += '\n';
                break;
            case 't':
                out += '\t';
                break;
            case 'r':
                out += '\r';
                break;
            case '\\':
            case '\'':
                out += text[i];
                break;
            case 'x':
                if (i + 3 >= text.size()) {
                    return std::nullopt;
                }
                out +=
                    static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
                i += 2;
                break;
            default:
                return std::nullopt;
        }
    }
    return out;
}

// Runs `body` as a program's main does, and returns its exit code and stderr.
std::pair<int, std::string> runQuietly(const std::function<int()>& body) {
    std::ostringstream err;
    auto* saved = std::cerr.rdbuf(err.rdbuf());
    int code = poetry::runMain("prog", body);
    std::cerr.rdbuf(saved);
    return {code, err.str()};
}

// Parses `args` (argv[0] included) into `values`, which stays empty for --help.
void parseArgs(const poetry::CommandLine& commandLine, const std::vector<std::string>& args,
               std::optional<poetry::po::variables_map>& values) {
    std::vector<const char*> argv;
    for (const auto& arg : args) {
        argv.push_back(arg.c_str());
    }
    std::ostringstream help;
    values = commandLine.parse(static_cast<int>(argv.size()), argv.data(), help);
    if (!values) {
        check(help.str().rfind("Usage: prog ", 0) == 0, "--help prints the usage", help.str());
    }
}

poetry::CommandLine clientLine() {
    poetry::CommandLine commandLine("prog", "[options] ADDRESS...", "A client.");
    poetry::addClientOptions(commandLine);
    return commandLine;
}

poetry::CommandLine serverLine() {
    poetry::CommandLine commandLine("prog", "[options] POETRY_FILE", "A server.");
    poetry::addServerOptions(commandLine);
    return commandLine;
}

// The client's options as arguments again: `--` first, as a host may begin with '-'.
std::vector<std::string> print(const poetry::ClientOptions& options) {
    std::vector<std::string> args = {"prog"};
    if (options.quiet) {
        args.push_back("-q");
    }
    args.push_back("--");
    for (const auto& address : options.addresses) {
        args.push_back(address.str());
    }
    return args;
}

std::vector<std::string> print(const poetry::ServerOptions& options) {
    std::vector<std::string> args = {"prog", "--port=" + std::to_string(options.port),
                                     "--iface=" + options.iface};
    if (options.quiet) {
        args.push_back("--quiet");
    }
    args.insert(args.end(), {"--", options.poetryFile});
    return args;
}

// Checks one command line of a kind (client or server): it is used, or it is a
// one-line usage error; and what was accepted, printed back and parsed again, gives
// the same options. `line` makes the CommandLine, `read` turns values into options.
template <typename Options>
void checkCommandLine(const char* kind, poetry::CommandLine (*line)(),
                      Options (*read)(const poetry::po::variables_map&),
                      bool (*same)(const Options&, const Options&),
                      const std::vector<std::string>& args) {
    std::optional<Options> parsed;
    auto [code, err] = runQuietly([&] {
        std::optional<poetry::po::variables_map> values;
        parseArgs(line(), args, values);
        if (values) {
            parsed = read(*values);
        }
        return 0;
    });
    check(code == 0 || code == 2,
          std::string("a ") + kind + "'s command line is used or a usage error", err);
    if (code == 2) {
        check(err.size() > 1 && err.find('\n') == err.size() - 1, "a usage error is one line", err);
        return;
    }
    check(err.empty(), "nothing on stderr when the command line is good", err);
    if (!parsed) {
        return;  // --help
    }
    std::optional<poetry::po::variables_map> values;
    parseArgs(line(), print(*parsed), values);
    check(values.has_value(), std::string("a printed ") + kind + " command line is not --help");
    check(same(read(*values), *parsed),
          std::string("parse, print, parse gives the same ") + kind + " options");
}

bool sameClient(const poetry::ClientOptions& a, const poetry::ClientOptions& b) {
    return a.quiet == b.quiet && a.addresses == b.addresses;
}

bool sameServer(const poetry::ServerOptions& a, const poetry::ServerOptions& b) {
    return a.port == b.port && a.iface == b.iface && a.quiet == b.quiet &&
           a.poetryFile == b.poetryFile;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const bool server = (data[0] & 1) != 0;
    std::vector<std::string> args = {"prog"};
    std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    while (!rest.empty() && args.size() < 64) {
        auto end = rest.find('\0');
        args.emplace_back(rest.substr(0, end));
        rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    }
    for (std::size_t i = 1; i < args.size(); ++i) {
        const std::string shown = poetry::quote(args[i]);
        check(poetry::fuzz::oneLine(shown), "quote() is one line", shown);
        check(unquote(shown) == args[i], "quote() can be read back", shown);
    }
    if (server) {
        checkCommandLine("server", serverLine, poetry::serverOptions, sameServer, args);
    } else {
        checkCommandLine("client", clientLine, poetry::clientOptions, sameClient, args);
    }
    return 0;
}
