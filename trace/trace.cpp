/// \file
/// \brief Trace: the lines of `--trace`, and the names in them.
#include "trace/trace.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <ostream>
#include <regex>

#include <boost/core/demangle.hpp>

namespace poetry::trace {

using reactor::Direction;
using reactor::FileDescriptor;
using reactor::Reason;
using reactor::ReasonKind;

namespace {

// Drops the namespaces from a demangled name: in this project a namespace is
// lower case (poetry::reactor::), a class is not.
std::string withoutNamespaces(const std::string& name) {
    static const std::regex kNamespace(R"((\(anonymous namespace\)|\b[a-z_][a-z0-9_]*)::)");
    return std::regex_replace(name, kNamespace, "");
}

// Drops a function's parameter list: "f(int, char)" becomes "f()".
std::string withoutParameters(const std::string& function) {
    if (function.empty() || function.back() != ')') {
        return function;
    }
    int depth = 0;
    for (std::size_t i = function.size(); i-- > 0;) {
        if (function[i] == ')') {
            ++depth;
        } else if (function[i] == '(' && --depth == 0) {
            return function.substr(0, i) + "()";
        }
    }
    return function;
}

}  // namespace

std::string className(const std::type_info& type) {
    std::string name = boost::core::demangle(type.name());
    // GCC and Clang name a lambda after the function it was written in:
    // "ns::Class::method(args)::{lambda()#1}" (Clang: "...::'lambda'()").
    for (const char* marker : {"::{lambda(", "::'lambda"}) {
        auto at = name.find(marker);
        if (at != std::string::npos) {
            return "lambda in " + withoutParameters(withoutNamespaces(name.substr(0, at)));
        }
    }
    return withoutNamespaces(name);
}

std::string reasonSummary(const Reason& reason) {
    if (reason.kind() == ReasonKind::ConnectionDone) {
        return kindName(reason.kind());
    }
    return std::string(kindName(reason.kind())) + ": " + reason.message();
}

Trace::Trace(std::ostream& out, std::function<Seconds()> now) : out_(out), now_(std::move(now)) {
    if (!now_) {
        now_ = [] {
            return std::chrono::duration_cast<Seconds>(
                std::chrono::steady_clock::now().time_since_epoch());
        };
    }
    start_ = now_();
}

std::string Trace::stamp(Seconds at) const {
    char text[32];
    std::snprintf(text, sizeof text, "+%.6f", (at - start_).count());
    return text;
}

void Trace::begin(const std::string& what) {
    if (depth_++ > 0) {
        line_ += " -> " + what;  // a step inside a step: part of the same line
        return;
    }
    stepStart_ = now_();
    line_ = stamp(stepStart_) + " " + what;
}

void Trace::write(const std::string& line) {
    out_ << line << '\n' << std::flush;  // one write per line, so lines never mix
}

std::string Trace::callName(const FileDescriptor& descriptor, Direction direction) const {
    (void)descriptor;
    return direction == Direction::Read ? "doRead" : "doWrite";
}

void Trace::dispatching(int fd, Direction direction, const FileDescriptor& descriptor) {
    begin("fd " + std::to_string(fd) +
          (direction == Direction::Read ? " readable -> " : " writable -> ") +
          descriptor.logPrefix() + "." + callName(descriptor, direction));
}

void Trace::runningDelayedCall(const std::type_info& function) {
    begin("delayed call due -> " + className(function));
}

void Trace::losingConnection(const FileDescriptor& descriptor, const Reason& reason) {
    begin(descriptor.logPrefix() + ".connectionLost(" + reasonSummary(reason) + ")");
}

void Trace::completed(std::string_view what) {
    begin(std::string(what));
}

void Trace::returned(const std::optional<Reason>& result) {
    if (depth_ == 0) {
        return;  // a return without a step: nothing to end
    }
    if (result) {
        line_ += " returns " + reasonSummary(*result);
    }
    if (--depth_ > 0) {
        return;
    }
    const Seconds held = now_() - stepStart_;
    if (held >= kHeldTheLoop) {
        char text[48];
        std::snprintf(text, sizeof text, " [held the loop %.6f s]", held.count());
        line_ += text;
    }
    write(line_);
    line_.clear();
}

void Trace::calling(std::string_view callee, std::string_view call) {
    std::string what = std::string(callee) + "." + std::string(call);
    if (depth_ > 0) {
        line_ += " -> " + what;
        return;
    }
    write(stamp(now_()) + " " + what);  // outside any step: a line of its own
}

void Trace::stopping() {
    calling("reactor", "stop()");
}

void traceIf(bool on, reactor::Reactor& reactor) {
    if (on) {
        reactor.setObserver(std::make_unique<Trace>(std::cerr));
    }
}

}  // namespace poetry::trace
