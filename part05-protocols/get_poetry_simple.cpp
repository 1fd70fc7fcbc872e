/// \file
/// \brief protocol-get-poetry-simple: client 2.1, client 2.0 without the task numbers.
///
/// The protocol keeps the poem; the factory collects the finished poems and stops
/// the reactor after the last download; the program prints the poems, each as it
/// arrived, byte for byte, once the reactor has stopped.
#include <cstddef>
#include <functional>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/command_line.hpp"
#include "common/duration.hpp"
#include "common/file_limit.hpp"
#include "common/report.hpp"
#include "part04-raw-reactor/reactor.hpp"
#include "part05-protocols/connect.hpp"
#include "part05-protocols/factory.hpp"
#include "part05-protocols/protocol.hpp"
#include "trace/wrapping.hpp"

namespace {

using poetry::reactor::Reason;
using poetry::reactor::ReasonKind;

class PoetryClientFactory;

//! [protocol]
// Keeps every byte; at the end, gives the poem to the factory.
class PoetryProtocol : public poetry::protocols::Protocol {
  public:
    void dataReceived(std::string_view data) override { poem_.append(data); }
    void connectionLost(const Reason& reason) override;

  private:
    std::string poem_;
};
//! [protocol]

//! [factory]
class PoetryClientFactory : public poetry::protocols::ClientFactory {
  public:
    PoetryClientFactory(std::size_t poetryCount, std::function<void()> allDone)
        : remaining_(poetryCount), allDone_(std::move(allDone)) {
        setProtocol<PoetryProtocol>();  // tell the base class what protocol to build
    }

    void poemFinished(const poetry::Address& peer, std::string poem, const Reason& reason) {
        if (reason.check(ReasonKind::ConnectionDone)) {
            poems.push_back(std::move(poem));
        } else {
            std::cerr << poetry::lostPoemLine(peer.str(), poem.size(), reason.message())
                      << std::endl;
            ++failed;
        }
        countDown();
    }

    void clientConnectionFailed(poetry::protocols::Connector& connector,
                                const Reason& reason) override {
        std::cerr << poetry::failedToConnectLine(connector.getDestination().str(), reason.message())
                  << std::endl;
        ++failed;
        countDown();
    }

    std::vector<std::string> poems;  // whole poems, in the order they finished
    std::size_t failed = 0;

  private:
    void countDown() {
        if (--remaining_ == 0) {
            allDone_();
        }
    }

    std::size_t remaining_;
    std::function<void()> allDone_;
};
//! [factory]

void PoetryProtocol::connectionLost(const Reason& reason) {
    factoryAs<PoetryClientFactory>().poemFinished(transport()->getPeer(), std::move(poem_), reason);
}

int run(int argc, char** argv) {
    auto parsed = poetry::parseClientCommandLine(
        "protocol-get-poetry-simple",
        "Downloads poems at the same time and prints them (client 2.1, "
        "Part 5).",
        argc, argv, {.trace = true});
    if (!parsed) {
        return poetry::kExitSuccess;  // --help was printed
    }
    const poetry::ClientOptions& options = *parsed;
    poetry::raiseFileLimit();  // beyond the article: for thousands of downloads

    //! [main]
    poetry::reactor::Reactor reactor;
    poetry::trace::Tracing tracing(options.trace, reactor);  // --trace
    PoetryClientFactory factory(options.addresses.size(), [&reactor] { reactor.stop(); });
    auto start = poetry::Stopwatch::now();
    for (const auto& address : options.addresses) {
        poetry::protocols::connectTCP(reactor, address.host, address.port, tracing.wrap(factory));
    }
    reactor.run();
    auto elapsed = poetry::Stopwatch::now() - start;
    if (!options.quiet) {
        for (const auto& poem : factory.poems) {
            std::cout << poem;  // exactly the bytes that arrived
            if (!poem.empty() && poem.back() != '\n') {
                std::cout << '\n';  // keep the next poem, or the summary, on its own line
            }
        }
    }
    std::cout << poetry::summaryLine(factory.poems.size(), factory.failed, elapsed) << std::endl;
    //! [main]
    return factory.failed == 0 ? poetry::kExitSuccess : poetry::kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
    return poetry::runMain("protocol-get-poetry-simple", [&] { return run(argc, argv); });
}
