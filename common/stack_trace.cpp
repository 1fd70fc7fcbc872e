/// \file
/// \brief Printing a call stack so a reader can follow it (see stack_trace.hpp).
#include "stack_trace.hpp"

#include <algorithm>
#include <filesystem>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include <boost/stacktrace.hpp>

namespace poetry {

std::string shortFunctionName(const std::string& fullName) {
    static const std::string anonymous = "(anonymous namespace)::";
    // A thunk adjusts `this` for a base class, then runs the function itself: the
    // reader wants the function.
    std::string_view name = fullName;
    for (std::string_view thunk : {"virtual thunk to ", "non-virtual thunk to "}) {
        if (name.starts_with(thunk)) {
            name.remove_prefix(thunk.size());
        }
    }
    std::string out;
    int angles = 0;  // inside template arguments
    int parens = 0;  // inside a parameter list
    for (std::size_t i = 0; i < name.size(); ++i) {
        char c = name[i];
        if (angles == 0 && parens == 0 && name.compare(i, anonymous.size(), anonymous) == 0) {
            i += anonymous.size() - 1;  // a file's own classes: the path says which file
        } else if (angles == 0 && parens == 0 && c == '(' && out.ends_with("operator") &&
                   name.compare(i, 2, "()") == 0) {
            out += "()";  // operator() keeps its name
            ++i;
        } else if (c == '<') {
            ++angles;
        } else if (c == '>') {
            angles -= angles > 0;
        } else if (angles > 0) {
            continue;
        } else if (c == '(') {
            ++parens;
        } else if (c == ')') {
            parens -= parens > 0;
        } else if (parens == 0) {
            out += c;
        }
    }
    // What follows the parameter list: " const", " [clone .cold]".
    for (const std::string tail : {" [clone .cold]", " const", " &&", " &"}) {
        if (out.ends_with(tail)) {
            out.erase(out.size() - tail.size());
        }
    }
    return out;
}

std::string projectPath(const std::string& path, const std::string& root) {
    if (!root.empty() && path.starts_with(root + "/")) {
        return path.substr(root.size() + 1);
    }
    // Relative to the build directory, as a compiler cache may record it:
    // "../part05-protocols/tcp.cpp".
    std::string rest = path;
    while (rest.starts_with("../") || rest.starts_with("./")) {
        rest.erase(0, rest.find('/') + 1);
    }
    std::error_code error;
    if (rest != path && !root.empty() && std::filesystem::exists(root + "/" + rest, error)) {
        return rest;
    }
    return path;
}

void printStack(std::ostream& out, const boost::stacktrace::stacktrace& stack, bool full) {
    if (full) {
        out << stack;
        return;
    }
    struct Line {
        std::string name;
        std::string where;
    };
    std::vector<Line> lines;
    for (const auto& frame : stack) {
        Line line{shortFunctionName(frame.name()), ""};
        if (line.name.empty()) {
            line.name = "??";
        }
        std::string file = frame.source_file();
        if (!file.empty()) {
            line.where =
                projectPath(file, POETRY_SOURCE_DIR) + ":" + std::to_string(frame.source_line());
        }
        lines.push_back(line);
        if (lines.back().name == "main") {
            break;  // below main is the C library starting the program
        }
    }
    std::size_t width = 0;
    for (const auto& line : lines) {
        width = std::max(width, line.name.size());
    }
    width = std::min<std::size_t>(width, 60);  // one very long name does not push every path away
    for (std::size_t i = 0; i < lines.size(); ++i) {
        std::string number = std::to_string(i);
        out << std::string(number.size() < 2 ? 2 - number.size() : 0, ' ') << number << "# "
            << lines[i].name;
        if (!lines[i].where.empty()) {
            std::size_t pad = lines[i].name.size() < width ? width - lines[i].name.size() : 0;
            out << std::string(pad + 2, ' ') << lines[i].where;
        }
        out << '\n';
    }
}

}  // namespace poetry
