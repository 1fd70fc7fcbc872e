/// \file
/// \brief Trace: the observer behind `--trace`, one line per step the reactor takes.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>

#include "part04-raw-reactor/delayed_call.hpp"
#include "part04-raw-reactor/observer.hpp"
#include "part04-raw-reactor/reactor.hpp"

namespace poetry::reactor {

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
/// connectionLost(), a lookup or connect answered) and goes on with every call that
/// step set off, in order. A step that kept the loop busy for 10 ms or more ends in
/// `[held the loop S s]`: while it ran, nothing else could. A call made outside any
/// step gets a line of its own.
///
/// Made by a program's `main` for `--trace` and handed to Reactor::setObserver();
/// its calls come from the reactor, part05's transport and connector (see Observer).
class Trace : public Observer {
  public:
    /// Writes to `out` (a program passes std::cerr). `now` tells the time; by default
    /// the steady clock, and a test passes its own to get fixed stamps.
    explicit Trace(std::ostream& out, std::function<Seconds()> now = {});

    void dispatching(int fd, Direction direction, const FileDescriptor& descriptor) override;
    void runningDelayedCall(const std::type_info& function) override;
    void losingConnection(const FileDescriptor& descriptor, const Reason& reason) override;
    void completed(std::string_view what) override;
    void returned(const std::optional<Reason>& result) override;
    void calling(std::string_view callee, std::string_view call) override;
    void stopping() override;

    /// How long a step may take before its line says it held the loop.
    static constexpr Seconds kHeldTheLoop{0.010};

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

/// Gives `reactor` a Trace on std::cerr when `on`: the one line in a program's
/// `main`, right after it made the reactor, that serves its `--trace` option.
void traceIf(bool on, Reactor& reactor);

}  // namespace poetry::reactor
