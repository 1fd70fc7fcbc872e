/// \file
/// \brief `fastpoetry`: the concurrent poetry server of the article's Part 6, on
/// listenTCP() and a ServerFactory.
///
/// Each client gets the whole poem at once: its protocol writes the poem and asks the
/// transport to close once it has all gone out. The poem is read once, at start, and
/// every write hands the transport a reference to that one copy, not a copy of it, so
/// a client that reads slowly (or never) costs a pointer and a position, whatever the
/// poem's size. One process, one thread, one reactor, any number of clients at once.
#include <csignal>
#include <iostream>
#include <memory>
#include <string>

#include "common/command_line.hpp"
#include "common/file_limit.hpp"
#include "part04-raw-reactor/reactor.hpp"
#include "part05-protocols/factory.hpp"
#include "part05-protocols/listen.hpp"
#include "part05-protocols/protocol.hpp"
#include "trace/wrapping.hpp"

namespace {

//! [protocol]
// One client's connection: the poem, then the end.
class PoetryServeProtocol : public poetry::protocols::Protocol {
  public:
    void connectionMade() override;
};

class PoetryServerFactory : public poetry::protocols::ServerFactory {
  public:
    PoetryServerFactory(std::string poem, bool quiet)
        : poem(std::make_shared<const std::string>(std::move(poem))), quiet(quiet) {
        setProtocol<PoetryServeProtocol>();
    }

    const std::shared_ptr<const std::string> poem;  // read once at start, never copied
    const bool quiet;
};

void PoetryServeProtocol::connectionMade() {
    const auto& factory = factoryAs<PoetryServerFactory>();
    if (!factory.quiet) {
        std::cout << "Somebody at " << transport()->getPeer().str() << " wants poetry!"
                  << std::endl;
    }
    transport()->write(factory.poem);  // queues a reference to the one copy
    transport()->loseConnection();     // closes once it has all been sent
}
//! [protocol]

int run(int argc, char** argv) {
    auto parsed = poetry::parseServerCommandLine(
        "fastpoetry", "Serves a poem at once, to any number of clients at the same time.", argc,
        argv, /*trace=*/true);
    if (!parsed) {
        return poetry::kExitSuccess;  // --help was printed
    }
    poetry::raiseFileLimit();       // beyond the article: one descriptor per client
    std::signal(SIGPIPE, SIG_IGN);  // a closed stdout is an error line, not a silent death

    //! [main]
    poetry::reactor::Reactor reactor;
    poetry::trace::Tracing tracing(parsed->trace, reactor);  // --trace
    // SIGINT and SIGTERM stop the reactor; run() returns and we exit 0. Set up
    // before the first line is printed: whoever reads it may signal us at once.
    reactor.stopOnSignals();
    PoetryServerFactory factory(std::move(parsed->poem), parsed->quiet);
    auto port = poetry::protocols::listenTCP(reactor, parsed->port, tracing.wrap(factory),
                                             poetry::protocols::kDefaultBacklog,
                                             poetry::interfaceAddress(parsed->iface, parsed->port));
    std::cout << "Serving " << parsed->poetryFile << " on port " << port->getHost().port << "."
              << std::endl;
    reactor.run();
    //! [main]
    return poetry::kExitSuccess;
}

}  // namespace

int main(int argc, char** argv) {
    return poetry::runMain("fastpoetry", [&] { return run(argc, argv); });
}
