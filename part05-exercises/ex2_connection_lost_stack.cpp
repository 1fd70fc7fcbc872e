/// \file
/// \brief ex2-connection-lost-stack: Part 5's second exercise. Client 2.0 that
/// prints the call stack each time the end of a connection is announced, to see
/// who calls whom when a connection ends.
///
/// Three callbacks print their stack: the protocol's connectionLost() (the
/// connection ended, cleanly or not), the factory's clientConnectionLost() (called
/// right after it, by the connector) and the factory's clientConnectionFailed()
/// (there never was a connection, so there is no protocol to tell). Read each
/// stack from the bottom up: Asio's loop, the reactor noticing the socket is
/// ready, the reactor calling doRead() (which returned a reason instead of
/// nothing) and then dropping the descriptor and calling its connectionLost(),
/// which tells the protocol, then the connector, which tells the factory.
///
/// The stacks are compact (names without templates or parameters, paths in the
/// project); `--full` prints them whole, as Boost.Stacktrace gives them.
#include <iostream>
#include <string>

#include <boost/stacktrace.hpp>

#include "common/command_line.hpp"
#include "common/report.hpp"
#include "common/stack_trace.hpp"
#include "part04-raw-reactor/reactor.hpp"
#include "part04-raw-reactor/reason.hpp"
#include "part05-exercises/client20.hpp"
#include "part05-protocols/connect.hpp"

namespace {

using poetry::protocols::Connector;
using poetry::reactor::Reason;

bool fullStacks = false;  // --full: set once by run(), before the reactor starts

// "ConnectionDone: Connection was closed cleanly."
std::string describe(const Reason& reason) {
    return std::string(poetry::reactor::kindName(reason.kind())) + ": " + reason.message();
}

// The stack is taken by the caller, so the caller is its first frame.
void show(const std::string& what, const boost::stacktrace::stacktrace& stack) {
    std::cout << what << " called from:\n";
    poetry::printStack(std::cout, stack, fullStacks);
    std::cout << std::flush;
}

//! [protocol]
// Client 2.0's protocol, with connectionLost() showing who called it.
class TracingProtocol : public poetry::client::PoetryProtocol {
  public:
    // Not inlined, so each stack starts with this frame under its own name.
    [[gnu::noinline]] void connectionLost(const Reason& reason) override {
        show("Task " + std::to_string(taskNum) + ": connectionLost(" + describe(reason) + ")",
             boost::stacktrace::stacktrace());
        PoetryProtocol::connectionLost(reason);  // then report the poem as client 2.0 does
    }
};
//! [protocol]

//! [factory]
// Client 2.0's factory, building TracingProtocols and showing who calls its two
// connection callbacks.
class TracingFactory : public poetry::client::PoetryClientFactory {
  public:
    TracingFactory(std::size_t poetryCount, poetry::ClientReport& report,
                   std::function<void()> allDone)
        : PoetryClientFactory(poetryCount, report, std::move(allDone)) {
        setProtocol<TracingProtocol>();
    }

    [[gnu::noinline]] void clientConnectionLost(Connector& connector,
                                                const Reason& reason) override {
        show("clientConnectionLost(" + connector.getDestination().str() + ", " + describe(reason) +
                 ")",
             boost::stacktrace::stacktrace());
    }

    [[gnu::noinline]] void clientConnectionFailed(Connector& connector,
                                                  const Reason& reason) override {
        show("clientConnectionFailed(" + connector.getDestination().str() + ", " +
                 describe(reason) + ")",
             boost::stacktrace::stacktrace());
        PoetryClientFactory::clientConnectionFailed(connector, reason);  // the usual report
    }
};
//! [factory]

int run(int argc, char** argv) {
    poetry::CommandLine cl("ex2-connection-lost-stack", "[options] ADDRESS...",
                           "Downloads poems like client 2.0 and prints the call stack of "
                           "connectionLost(), clientConnectionLost() and "
                           "clientConnectionFailed() (Part 5, exercise 2).");
    cl.options()("full",
                 "print each stack whole, as Boost.Stacktrace gives it: every "
                 "frame, whole signatures, paths as recorded");
    cl.positional("ADDRESS", "a poetry server as [HOST:]PORT or [IPV6]:PORT", -1);
    poetry::addTraceOption(cl);
    auto values = cl.parse(argc, argv, std::cout);
    if (!values) {
        return poetry::kExitSuccess;  // --help was printed
    }
    auto options = poetry::clientOptions(*values);
    fullStacks = values->count("full") != 0;

    poetry::reactor::Reactor reactor;
    poetry::trace::Tracing tracing(options.trace, reactor);  // --trace
    poetry::ClientReport report(false);
    TracingFactory factory(options.addresses.size(), report, [&reactor] { reactor.stop(); });
    return poetry::exercises::getPoetry(reactor, factory, tracing, options.addresses);
}

}  // namespace

int main(int argc, char** argv) {
    return poetry::runMain("ex2-connection-lost-stack", [&] { return run(argc, argv); });
}
