/// \file
/// \brief Printing a call stack so a reader can follow it: the two stack programs' output.
#pragma once

#include <iosfwd>
#include <string>

#include <boost/stacktrace/stacktrace_fwd.hpp>

namespace poetry {

/// Prints `stack`, innermost call first, one frame per line.
///
/// Called by the stack demo (`protocol-get-poetry-stack`) and exercise 2 with a
/// stack they take where they are (`boost::stacktrace::stacktrace()`), so the
/// first frame is their own function. By default the lines are compact, to be
/// read on a screen: function names without template arguments or parameter
/// lists, paths relative to the project, each file and line in one aligned column, and
/// nothing below `main`:
///
///      0# poetry::client::PoetryProtocol::dataReceived   part05-protocols/get_poetry.cpp:123
///      1# poetry::protocols::TcpTransport::doRead        part05-protocols/tcp.cpp:210
///
/// With `full`, the stack exactly as Boost.Stacktrace prints it (whole signatures,
/// paths as the debug information gives them, every frame).
///
/// For every frame but the first, the line is where that call will return to,
/// usually the line just after the call.
void printStack(std::ostream& out, const boost::stacktrace::stacktrace& stack, bool full);

/// A function name as printStack() shows it: `a::B<int>::f(char const*) const`
/// becomes `a::B::f`, `{lambda(int)#1}` becomes `{lambda#1}`, a name in an
/// anonymous namespace loses its `(anonymous namespace)::`, and a thunk
/// (`virtual thunk to a::B::f(int)`, which adjusts `this` for a base class) is
/// named after its function.
std::string shortFunctionName(const std::string& name);

/// A source path as printStack() shows it: relative to `root` (the project)
/// when the file is in it, as given otherwise.
std::string projectPath(const std::string& path, const std::string& root);

}  // namespace poetry
