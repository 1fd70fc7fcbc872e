/// \file
/// \brief The reactor's observer: how `--trace` watches the loop at work.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <typeinfo>

#include "part04-raw-reactor/descriptor.hpp"
#include "part04-raw-reactor/reason.hpp"

namespace poetry::reactor {

/// Watches the reactor work: told of each step it takes, in order, while it takes it.
///
/// A program that wants to see its loop gives the reactor one with
/// Reactor::setObserver() before run() (`--trace` gives a Trace). From then on:
///   - the reactor calls dispatching(), runningDelayedCall() or losingConnection()
///     when it starts a step (a dispatch to a ready descriptor, a due delayed call,
///     a connectionLost()), and returned() when that step is over; so do the reactor
///     and part05's connector with completed(), when an Asio operation they started
///     themselves (a name lookup, a connect) calls them back;
///   - the code the reactor called, and the layers above it (part05's transport and
///     connector), call calling() each time they call on into a protocol, a factory
///     or a transport, so the observer sees the chain a step sets off;
///   - stop() calls stopping().
///
/// Everything is called on the loop's thread, in the order it happens; steps may nest
/// (a step's code may make the reactor start another). Nobody else calls it. The
/// reactor owns its observer. With none set, each of these hooks costs the reactor
/// and the transport one null pointer check, and nothing else.
class Observer {
  public:
    virtual ~Observer() = default;

    /// Called by the reactor when `fd` is ready, right before it calls `descriptor`'s
    /// doRead() (Direction::Read) or doWrite() (Direction::Write).
    virtual void dispatching(int fd, Direction direction, const FileDescriptor& descriptor) = 0;

    /// Called by the reactor when a delayed call is due, right before it runs it.
    /// `function` is the type of what it runs (for a lambda, a name that says
    /// which function the lambda was written in).
    virtual void runningDelayedCall(const std::type_info& function) = 0;

    /// Called by the reactor right before it calls `descriptor.connectionLost(reason)`.
    virtual void losingConnection(const FileDescriptor& descriptor, const Reason& reason) = 0;

    /// Called when an Asio operation that is not a wait the reactor dispatches calls
    /// back, right before its handler runs: by Reactor::resolve() (`resolve(HOST)
    /// answered`), by part05's connector (`connect(HOST:PORT) done`), by the reactor's
    /// signal handler. `what` says what happened.
    virtual void completed(std::string_view what) = 0;

    /// Called when the step begun last is over (by whoever began it). For a dispatch,
    /// `result` is what doRead() or doWrite() returned: nothing while the connection
    /// lives on, else the reason it ended. For the other steps it is nothing.
    virtual void returned(const std::optional<Reason>& result) = 0;

    /// Called right before a call on into another object, inside a step: by part05's
    /// transport before it calls its protocol (`PoetryProtocol`, `dataReceived(30
    /// bytes)`) and when its protocol asks it to close (`loseConnection()`); by the
    /// connector before it calls its factory (`clientConnectionFailed(...)`).
    /// `callee` names the object, `call` the method and what it is given.
    virtual void calling(std::string_view callee, std::string_view call) = 0;

    /// Called by Reactor::stop(), from whatever callback or signal handler called it.
    virtual void stopping() = 0;
};

/// The class name of `type` as a reader writes it: no namespaces, and a lambda as
/// `lambda in Class::function()`. For observers' lines and their callers.
std::string className(const std::type_info& type);

/// The class name of what `object` really is (its dynamic type, for a class with
/// virtual functions), as className(const std::type_info&) writes it.
template <typename T>
std::string className(const T& object) {
    return className(typeid(object));
}

/// `Kind` for a clean close, `Kind: message` for anything else: how an observer
/// writes a reason on one line.
std::string reasonSummary(const Reason& reason);

}  // namespace poetry::reactor
