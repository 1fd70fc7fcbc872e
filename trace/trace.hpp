/// \file
/// \brief Trace: the lines of `--trace`, one per step the reactor takes.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <typeinfo>

#include "part04-raw-reactor/delayed_call.hpp"
#include "part04-raw-reactor/reactor.hpp"

namespace poetry::trace {

using reactor::Seconds;

/// The class name of `type` as a reader writes it: no namespaces, and a lambda as
/// `lambda in Class::function()`. For the trace's lines.
std::string className(const std::type_info& type);

/// The class name of what `object` really is (its dynamic type, for a class with
/// virtual functions), as className(const std::type_info&) writes it.
template <typename T>
std::string className(const T& object) {
    return className(typeid(object));
}

/// `Kind` for a clean close, `Kind: message` for anything else: a reason on one line.
std::string reasonSummary(const reactor::Reason& reason);

/// Writes one line per step the reactor takes, as it finishes, stamped with the
/// seconds since the trace was made:
///
///     +0.700412 fd 7 readable -> TcpTransport[127.0.0.1:10000].doRead ->
///     PoetryProtocol.dataReceived(30 bytes) +2.101034 fd 7 readable ->
///     TcpTransport[127.0.0.1:10000].doRead returns ConnectionDone +2.101102
///     TcpTransport[127.0.0.1:10000].connectionLost(ConnectionDone) ->
///     PoetryProtocol.connectionLost(ConnectionDone) -> reactor.stop()
///
/// A line starts with what the reactor did (a descriptor ready, a delayed call due, a
/// connectionLost(), a lookup answered, a signal), which the reactor tells it through
/// its Observer hook, and goes on with every call that step set off, which the
/// wrappers of wrapping.hpp tell it through calling(). A step that kept the loop busy
/// for 10 ms or more ends in `[held the loop S s]`: while it ran, nothing else could.
///
/// Made by traceIf() (a part04 program) or by Tracing (a part05 program) in `main`,
/// for `--trace`, and handed to Reactor::setObserver(), which owns it.
class Trace : public reactor::Observer {
  public:
    /// Writes to `out` (a program passes std::cerr). `now` tells the time; by default
    /// the steady clock, and a test passes its own to get fixed stamps.
    explicit Trace(std::ostream& out, std::function<Seconds()> now = {});

    /// Begins a line: `fd N readable -> NAME.doRead` (or `writable`, `doWrite`).
    void dispatching(int fd, reactor::Direction direction,
                     const reactor::FileDescriptor& descriptor) override;

    /// Begins a line: `delayed call due -> NAME`, NAME the function's className().
    void runningDelayedCall(const std::type_info& function) override;

    /// Begins a line: `NAME.connectionLost(REASON)`.
    void losingConnection(const reactor::FileDescriptor& descriptor,
                          const reactor::Reason& reason) override;

    /// Begins a line with `what` (`resolve(HOST) answered`, `signal 15`).
    void completed(std::string_view what) override;

    /// Ends the step begun last: adds ` returns REASON` when there is one, and writes the
    /// line once the outermost step is over.
    void returned(const std::optional<reactor::Reason>& result) override;

    /// Adds ` -> reactor.stop()`, as calling() does.
    void stopping() override;

    /// Called by the wrappers (wrapping.hpp) right before they call on into the object
    /// they wrap: adds ` -> CALLEE.CALL` to the line of the step under way, or, outside
    /// any step, writes a line of its own.
    void calling(std::string_view callee, std::string_view call);

    /// How long a step may take before its line says it held the loop.
    static constexpr Seconds kHeldTheLoop{0.010};

  protected:
    /// The name of the call a dispatch makes, after the descriptor's logPrefix():
    /// `doRead` or `doWrite`. The part05 trace names a client's connect `doConnect`.
    virtual std::string callName(const reactor::FileDescriptor& descriptor,
                                 reactor::Direction direction) const;

  private:
    void begin(const std::string& what);
    void write(const std::string& line);
    std::string stamp(Seconds at) const;

    std::ostream& out_;
    std::function<Seconds()> now_;
    Seconds start_;
    std::string line_;  // the step being described, written when it is over
    Seconds stepStart_{0};
    int depth_ = 0;  // how many steps are open
};

/// Gives `reactor` a Trace on std::cerr when `on`: the one line in a part04
/// program's `main`, right after it made the reactor, that serves its `--trace`.
void traceIf(bool on, reactor::Reactor& reactor);

}  // namespace poetry::trace
