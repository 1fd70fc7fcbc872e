/// \file
/// \brief protocol-get-poetry: client 2.0, the first one built on transports, protocols
/// and factories.
///
/// There is no socket in this file. The program says where to connect and which
/// factory to use; connectTCP() makes the connections, the factory builds a
/// PoetryProtocol for each, and the TCP transport (a part04 read descriptor)
/// feeds the protocols from inside reactor.run(). A server that is down no longer
/// ends the run: the factory hears of it in clientConnectionFailed() and the other
/// downloads go on.
#include <iostream>

#include "common/command_line.hpp"
#include "common/duration.hpp"
#include "common/timeline.hpp"
#include "part04-raw-reactor/reactor.hpp"
#include "part04-raw-reactor/trace.hpp"
#include "part05-protocols/connect.hpp"
#include "part05-protocols/file_limit.hpp"
#include "part05-protocols/poetry_client.hpp"

namespace {

int run(int argc, char** argv) {
    auto parsed = poetry::parseClientCommandLine(
        "protocol-get-poetry",
        "Downloads poems at the same time with transports, protocols and "
        "factories (client 2.0, Part 5).",
        argc, argv, {.timeline = true, .trace = true});
    if (!parsed) {
        return poetry::kExitSuccess;  // --help was printed
    }
    const poetry::ClientOptions& options = *parsed;
    poetry::protocols::raiseFileLimit();  // one descriptor per download

    //! [main]
    poetry::reactor::Reactor reactor;
    poetry::reactor::traceIf(options.trace, reactor);  // --trace
    // The factory outlives reactor.run(); it stops the reactor when the last
    // download has ended, one way or the other.
    poetry::client::PoetryClientFactory factory(options.addresses.size(), options.quiet,
                                                [&reactor] { reactor.stop(); });
    auto start = poetry::Stopwatch::now();
    poetry::Timeline timeline(options.timeline, start);
    factory.recordTimeline(timeline);
    for (const auto& address : options.addresses) {
        poetry::protocols::connectTCP(reactor, address.host, address.port, factory);
    }
    reactor.run();
    auto elapsed = poetry::Stopwatch::now() - start;
    timeline.close();
    factory.report(elapsed);
    //! [main]
    return factory.failed() == 0 ? poetry::kExitSuccess : poetry::kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
    return poetry::runMain("protocol-get-poetry", [&] { return run(argc, argv); });
}
