/// \file
/// \brief Keeping every error message one clear line: quoting what the user typed,
/// and naming failures in plain words instead of library internals.
#pragma once

#include <exception>
#include <string>
#include <string_view>

#include <boost/system/error_code.hpp>

namespace poetry {

/// `text` in single quotes, ready to sit inside a one-line message.
///
/// A newline, tab or any other control character is written as an escape (`\n`,
/// `\t`, `\x1b`), and so are a single quote and a backslash (`\'`, `\\`), so the
/// result is always one line and says exactly which bytes were typed. Called
/// wherever a message repeats an argument: addresses, poem file names.
std::string quote(std::string_view text);

/// `text` with its control characters escaped as quote() does, without quotes
/// around it. The last guard of runMain(): whatever a library put in an error
/// message, it is printed on one line.
std::string oneLine(std::string_view text);

/// What an errno value means, in plain words for a one-line message: EMFILE is
/// `too many open files (limit N)` with this process's limit, ENFILE
/// `too many open files in the system`, ENOMEM `out of memory`; any other
/// value is the system's own text (strerror).
std::string describeErrno(int error);

/// describeErrno() of an error code from the system (as Asio reports socket
/// errors); the code's own message for any other kind of error code.
std::string describeErrorCode(const boost::system::error_code& error);

/// What went wrong, for a one-line message, without library internals.
///
/// std::bad_alloc is `out of memory`; a std::system_error or
/// boost::system::system_error with an errno code is describeErrno() of that
/// code (so `epoll: Too many open files [system:24]` becomes
/// `too many open files (limit 5)`); anything else is its what(), on one line.
/// Called by runMain() and by the reactor when a callback throws.
std::string describeError(const std::exception& error);

/// Reports the exception being handled, as Twisted's `log.err` does: one line on
/// stderr, `Unhandled error in WHERE: WHAT` (WHAT as describeError() puts it), and the
/// program goes on. Called from a catch block by whoever caught what a callback let
/// escape: the reactor (doRead, doWrite, connectionLost, a delayed call, a lookup's
/// or a signal's callback) and part05's port (a factory's or protocol's callback).
/// Returns WHAT.
std::string logError(std::string_view where);

}  // namespace poetry
