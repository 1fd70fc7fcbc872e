/// \file
/// \brief ex1-timeout: Part 5's first exercise. Client 2.0 with `--timeout SECONDS`: a
/// download that has not finished that long after its connection was made is
/// closed and reported as timed out, and the others go on.
///
/// The protocol and factory are in timeout_client.hpp, so that a unit test can run
/// them on a test clock. This file is the program: options, the reactor, and one
/// check at the end that the article asks for: every delayed call we armed was
/// either fired or cancelled, none is left behind.
#include <iostream>
#include <sstream>

#include "common/command_line.hpp"
#include "part04-raw-reactor/reactor.hpp"
#include "part04-raw-reactor/trace.hpp"
#include "part05-exercises/timeout_client.hpp"

namespace {

int run(int argc, char** argv) {
    poetry::CommandLine cl("ex1-timeout", "[options] ADDRESS...",
                           "Downloads poems like client 2.0, but gives up on any download that "
                           "takes longer than --timeout seconds (Part 5, exercise 1).");
    poetry::addClientOptions(cl, {.trace = true});
    cl.options()("timeout", poetry::po::value<double>()->default_value(10.0, "10"),
                 "seconds a download may take, from connecting to the last byte");
    auto values = cl.parse(argc, argv, std::cout);
    if (!values) {
        return poetry::kExitSuccess;
    }
    auto options = poetry::clientOptions(*values);
    double seconds = (*values)["timeout"].as<double>();
    if (!(seconds > 0) || seconds > 86400) {
        std::ostringstream text;
        text << "--timeout " << seconds << " must be more than 0 and at most 86400 seconds";
        throw poetry::UsageError(text.str());
    }
    poetry::reactor::Seconds timeout(seconds);

    //! [main]
    poetry::reactor::Reactor reactor;
    poetry::reactor::traceIf(options.trace, reactor);  // --trace
    poetry::exercises::TimeoutPoetryFactory factory(reactor, timeout, options.addresses.size(),
                                                    options.quiet, [&reactor] { reactor.stop(); });
    // The same limit for each connection attempt, so nothing waits longer.
    int status = poetry::exercises::getPoetry(reactor, factory, options.addresses, timeout);

    // Every deadline was cancelled or fired: a leftover would be a bug in the protocol.
    auto armed = reactor.getDelayedCalls().size();
    if (armed != 0) {
        std::cerr << "ex1-timeout: error: " << armed
                  << " delayed call(s) still armed after the last download" << std::endl;
        return poetry::kExitFailure;
    }
    //! [main]
    return status;
}

}  // namespace

int main(int argc, char** argv) {
    return poetry::runMain("ex1-timeout", [&] { return run(argc, argv); });
}
