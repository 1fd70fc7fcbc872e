/// \file
/// \brief ex2-connection-lost-stack: Part 5's second exercise. Client 2.0 that prints the
/// call stack each time the end of a connection is announced, to see who calls
/// whom when a connection ends.
///
/// Three callbacks print their stack: the protocol's connectionLost() (the
/// connection ended, cleanly or not), the factory's clientConnectionLost() (called
/// right after it, by the connector) and the factory's clientConnectionFailed()
/// (there never was a connection, so there is no protocol to tell). Read each
/// stack from the bottom up: Asio's loop, the reactor noticing the socket is
/// ready, the reactor calling doRead() (which returned a reason instead of
/// nothing) and then dropping the descriptor and calling its connectionLost(),
/// which tells the protocol, then the connector, which tells the factory.
#include <iostream>
#include <string>

#include <boost/stacktrace.hpp>

#include "common/command_line.hpp"
#include "part04-raw-reactor/reactor.hpp"
#include "part04-raw-reactor/reason.hpp"
#include "part04-raw-reactor/trace.hpp"
#include "part05-exercises/exercise_factory.hpp"
#include "part05-protocols/connect.hpp"
#include "part05-protocols/poetry_client.hpp"

namespace {

using poetry::protocols::Connector;
using poetry::reactor::Reason;

// "ConnectionDone: Connection was closed cleanly."
std::string describe(const Reason& reason) {
    return std::string(poetry::reactor::kindName(reason.kind())) + ": " + reason.message();
}

// The stack is taken by the caller, so the caller is its first frame.
void show(const std::string& what, const boost::stacktrace::stacktrace& stack) {
    std::cout << what << " called from:\n" << stack << std::flush;
}

//! [protocol]
class TracingProtocol : public poetry::client::PoetryProtocol {
  public:
    // Not inlined, so each trace starts with this frame under its own name.
    [[gnu::noinline]] void connectionLost(const Reason& reason) override {
        show("Task " + std::to_string(taskNum) + ": connectionLost(" + describe(reason) + ")",
             boost::stacktrace::stacktrace());
        PoetryProtocol::connectionLost(reason);  // then report the poem as client 2.0 does
    }
};
//! [protocol]

//! [factory]
class TracingFactory : public poetry::exercises::PoetryFactoryOf<TracingProtocol> {
  public:
    using PoetryFactoryOf::PoetryFactoryOf;

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
    auto parsed = poetry::parseClientCommandLine(
        "ex2-connection-lost-stack",
        "Downloads poems like client 2.0 and prints the call stack of "
        "connectionLost(), clientConnectionLost() and clientConnectionFailed() "
        "(Part 5, exercise 2). -q hides the chunk lines, not the stacks.",
        argc, argv, {.trace = true});
    if (!parsed) {
        return poetry::kExitSuccess;  // --help was printed
    }
    const poetry::ClientOptions& options = *parsed;

    poetry::reactor::Reactor reactor;
    poetry::reactor::traceIf(options.trace, reactor);  // --trace
    TracingFactory factory(options.addresses.size(), options.quiet, [&reactor] { reactor.stop(); });
    return poetry::exercises::getPoetry(reactor, factory, options.addresses);
}

}  // namespace

int main(int argc, char** argv) {
    return poetry::runMain("ex2-connection-lost-stack", [&] { return run(argc, argv); });
}
