/// \file
/// \brief Plain words for the errors a user may see (see messages.hpp).
#include "messages.hpp"

#include <sys/resource.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <new>
#include <system_error>

#include <boost/system/system_error.hpp>

namespace poetry {

namespace {

// Appends `c` to `out`, escaped if it is a control character (and, when
// `quoting`, if it is the quote or the backslash that escapes start with).
void appendEscaped(std::string& out, unsigned char c, bool quoting) {
    switch (c) {
        case '\n':
            out += "\\n";
            return;
        case '\t':
            out += "\\t";
            return;
        case '\r':
            out += "\\r";
            return;
        case '\'':
        case '\\':
            if (quoting) {
                out += '\\';
            }
            out += static_cast<char>(c);
            return;
        default:
            break;
    }
    if (c < 0x20 || c == 0x7f) {
        char hex[5];
        std::snprintf(hex, sizeof hex, "\\x%02x", c);
        out += hex;
        return;
    }
    out += static_cast<char>(c);
}

std::string fileLimitText() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) {
        return "too many open files";
    }
    return "too many open files (limit " + std::to_string(limit.rlim_cur) + ")";
}

}  // namespace

std::string quote(std::string_view text) {
    std::string out = "'";
    for (unsigned char c : text) {
        appendEscaped(out, c, true);
    }
    return out + "'";
}

std::string oneLine(std::string_view text) {
    std::string out;
    for (unsigned char c : text) {
        appendEscaped(out, c, false);
    }
    return out;
}

std::string describeErrno(int error) {
    switch (error) {
        case EMFILE:
            return fileLimitText();
        case ENFILE:
            return "too many open files in the system";
        case ENOMEM:
            return "out of memory";
        default:
            return std::strerror(error);
    }
}

std::string describeErrorCode(const boost::system::error_code& error) {
    if (error.category() == boost::system::system_category() ||
        error.category() == boost::system::generic_category()) {
        return describeErrno(error.value());
    }
    return oneLine(error.message());
}

std::string describeError(const std::exception& error) {
    if (dynamic_cast<const std::bad_alloc*>(&error) != nullptr) {
        return "out of memory";
    }
    if (const auto* boostError = dynamic_cast<const boost::system::system_error*>(&error)) {
        return describeErrorCode(boostError->code());
    }
    if (const auto* stdError = dynamic_cast<const std::system_error*>(&error)) {
        const auto& code = stdError->code();
        if (code.category() == std::system_category() ||
            code.category() == std::generic_category()) {
            return describeErrno(code.value());
        }
        return oneLine(code.message());
    }
    return oneLine(error.what());
}

std::string logError(std::string_view where) {
    std::string what = "unknown exception";
    try {
        throw;  // the exception being handled, to learn what it is
    } catch (const std::exception& error) {
        what = describeError(error);  // in plain words: "out of memory", not "std::bad_alloc"
    } catch (...) {
    }
    std::cerr << "Unhandled error in " << where << ": " << what << std::endl;
    return what;
}

}  // namespace poetry
