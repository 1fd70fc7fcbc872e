/// \file
/// \brief `fastpoetry`: the concurrent poetry server on listenTCP() and a ServerFactory.
///
/// Each client gets the whole poem as fast as it reads: the protocol is a pull
/// producer that writes one piece of the poem each time the transport has sent the
/// last, then unregisters and asks the transport to loseConnection(). All clients
/// share one read-only copy of the poem; each connection holds only its position.
/// One process, one thread, one reactor, and any number of clients at the same time.
#include <algorithm>
#include <csignal>
#include <cstdint>
#include <iostream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <boost/asio/ip/tcp.hpp>

#include "common/command_line.hpp"
#include "common/poem_file.hpp"
#include "part04-raw-reactor/reactor.hpp"
#include "part04-raw-reactor/trace.hpp"
#include "part05-protocols/factory.hpp"
#include "part05-protocols/file_limit.hpp"
#include "part05-protocols/listen.hpp"
#include "part05-protocols/producer.hpp"
#include "part05-protocols/protocol.hpp"

namespace {

class PoetryServerFactory;

//! [protocol]
// One connection's poem sender: a Protocol that is also its transport's pull
// producer (as Twisted's basic.FileSender is).
class PoetryServeProtocol : public poetry::protocols::Protocol, public poetry::protocols::Producer {
  public:
    void connectionMade() override;
    void resumeProducing() override;
    void stopProducing() override;

  private:
    std::shared_ptr<const std::string> poem_;  // the factory's copy, shared
    std::size_t sent_ = 0;                     // how much of it we have written
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
    poem_ = factory.poem;
    transport()->registerProducer(*this, /*streaming=*/false);
}
//! [protocol]

//! [producer]
// A piece small enough that a client who stops reading holds at most this much of
// our memory (whatever of it the kernel did not take), whatever the poem's size.
constexpr std::size_t kPieceSize = 16 * 1024;

// Called by the transport each time it has sent everything we wrote before.
void PoetryServeProtocol::resumeProducing() {
    std::string_view rest = std::string_view(*poem_).substr(sent_);
    std::string_view piece = rest.substr(0, std::min(rest.size(), kPieceSize));
    sent_ += piece.size();
    transport()->write(piece);  // the transport copies only what the kernel did not take
    if (sent_ == poem_->size()) {
        transport()->unregisterProducer();
        transport()->loseConnection();  // closes once this last piece has gone out
    }
}

// Called by the transport if the client left before the whole poem was sent.
void PoetryServeProtocol::stopProducing() {
    poem_.reset();
}
//! [producer]

// --iface may be a name ("localhost"); listenTCP() takes an IP address. Resolving
// once at start-up, before the reactor runs, may block: nothing else is going on yet.
std::string interfaceAddress(poetry::reactor::Reactor& reactor, const std::string& iface) {
    boost::asio::ip::tcp::resolver resolver(reactor.context());
    boost::system::error_code error;
    auto results = resolver.resolve(iface, "0", boost::asio::ip::tcp::resolver::passive, error);
    if (error || results.empty()) {
        throw std::runtime_error("cannot listen on " + iface + ": " +
                                 (error ? error.message() : "no address"));
    }
    return results.begin()->endpoint().address().to_string();
}

int run(int argc, char** argv) {
    poetry::CommandLine cl("fastpoetry", "[options] POETRY_FILE",
                           "Serves a poem at once, to any number of clients at the same time "
                           "(Part 5). Its log goes to stdout as it happens, from the loop: "
                           "once a pipe on stdout is full because nothing reads it, the "
                           "server waits, and so does every client. --quiet leaves the "
                           "log out.");
    poetry::addServerOptions(cl);
    poetry::addTraceOption(cl);
    auto values = cl.parse(argc, argv, std::cout);
    if (!values) {
        return poetry::kExitSuccess;
    }
    auto server = poetry::serverOptions(*values);
    std::string poem;
    try {
        poem = poetry::readPoemFile(server.poetryFile);
    } catch (const poetry::PoemFileError& e) {
        throw poetry::UsageError(e.what());  // the file named on the command line is wrong
    }
    poetry::protocols::raiseFileLimit();  // one descriptor per client
    std::signal(SIGPIPE, SIG_IGN);        // belt and braces: every send uses MSG_NOSIGNAL

    //! [main]
    poetry::reactor::Reactor reactor;
    poetry::reactor::traceIf(values->count("trace") != 0, reactor);  // --trace
    // SIGINT and SIGTERM stop the reactor; run() returns and we exit 0. Set up
    // before the first line is printed: whoever reads it may signal us at once.
    reactor.stopOnSignals();
    PoetryServerFactory factory(std::move(poem), server.quiet);
    auto port = poetry::protocols::listenTCP(reactor, server.port, factory,
                                             poetry::protocols::kDefaultBacklog,
                                             interfaceAddress(reactor, server.iface));
    std::cout << "Serving " << server.poetryFile << " on port " << port->getHost().port << "."
              << std::endl;

    reactor.run();
    //! [main]
    return poetry::kExitSuccess;
}

}  // namespace

int main(int argc, char** argv) {
    return poetry::runMain("fastpoetry", [&] { return run(argc, argv); });
}
