/// \file
/// \brief protocol-get-poetry: client 2.0, the first one built on transports,
/// protocols and factories.
///
/// Read it top to bottom as the article's listing (twisted-client-2/get-poetry.py):
/// the PoetryProtocol, the PoetryClientFactory, then main. There is no socket in
/// this file. The program says where to connect and which factory to use;
/// connectTCP() makes the connections, the factory builds a PoetryProtocol for
/// each, and the TCP transport (a part04 read descriptor) feeds the protocols from
/// inside reactor.run(). A server that is down no longer ends the run: the factory
/// hears of it in clientConnectionFailed() and the other downloads go on.
///
/// The exercises and the unit tests build on these two classes: they define
/// PROTOCOL_GET_POETRY_CLASSES_ONLY and include this file, which leaves main out.
#include <concepts>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "common/address.hpp"
#include "common/command_line.hpp"
#include "common/duration.hpp"
#include "common/report.hpp"
#include "common/timeline.hpp"
#include "part04-raw-reactor/reactor.hpp"
#include "part04-raw-reactor/reason.hpp"
#include "part05-protocols/connect.hpp"
#include "part05-protocols/factory.hpp"
#include "part05-protocols/protocol.hpp"

namespace poetry::client {

class PoetryClientFactory;

//! [PoetryProtocol]
/// Downloads one poem over one connection (the article's `PoetryProtocol`).
///
/// Built by PoetryClientFactory::buildProtocol(), which stamps its task number.
/// The transport then calls dataReceived() with each chunk and connectionLost()
/// once at the end; the protocol keeps the poem and, at the end, hands it to its
/// factory, the one place that knows about all the downloads.
class PoetryProtocol : public protocols::Protocol {
  public:
    /// The task number, stamped by PoetryClientFactory::buildProtocol().
    int taskNum = 0;

    /// Called by the transport with each chunk: keeps it and says so.
    void dataReceived(std::string_view data) override;

    /// Called by the transport when the connection has ended: the poem is done
    /// (or lost), so it goes to the factory.
    void connectionLost(const reactor::Reason& reason) override;

    /// The bytes received so far.
    const std::string& poem() const { return poem_; }

  private:
    std::string poem_;
};
//! [PoetryProtocol]

//! [PoetryClientFactory]
/// Builds a PoetryProtocol for each connection and counts the downloads down
/// (the article's `PoetryClientFactory`).
///
/// The program gives it to connectTCP() once per server. Each download ends in
/// exactly one of poemFinished() (its connection ended) or clientConnectionFailed()
/// (there never was a connection); after the last one, the factory calls `allDone`,
/// the program's reactor.stop().
class PoetryClientFactory : public protocols::ClientFactory {
  public:
    /// Expects `poetryCount` downloads and tells `report` how each one goes.
    PoetryClientFactory(std::size_t poetryCount, ClientReport& report,
                        std::function<void()> allDone)
        : report(report), poetryCount_(poetryCount), allDone_(std::move(allDone)) {
        setProtocol<PoetryProtocol>();  // tell the base class what protocol to build
    }

    /// Called by the connector once connected: a new PoetryProtocol, with the next
    /// task number, so tasks are numbered in the order the connections were made.
    std::unique_ptr<protocols::Protocol> buildProtocol(const Address& address) override {
        auto protocol = ClientFactory::buildProtocol(address);  // ours: setProtocol() above
        static_cast<PoetryProtocol&>(*protocol).taskNum = taskNum++;
        return protocol;
    }

    /// Factory::setProtocol() for PoetryProtocols only, since buildProtocol() above
    /// stamps a task number on what it builds: naming any other protocol here does
    /// not compile. (A factory of other protocols says ClientFactory::setProtocol().)
    template <std::derived_from<PoetryProtocol> P>
    void setProtocol() {
        ClientFactory::setProtocol<P>();
    }

    /// Called by a protocol when its connection has ended: a clean close
    /// (ConnectionDone) means the poem is whole, anything else that it was cut short.
    void poemFinished(int task, std::string poem, const Address& from,
                      const reactor::Reason& reason) {
        // Beyond the article, whose client counts every end as a poem: only a clean
        // close means the poem is whole.
        if (reason.check(reactor::ReasonKind::ConnectionDone)) {
            report.poem(task, poem.size());
            poems[task] = std::move(poem);
        } else {
            report.lost(task, from, poem.size(), reason.message());
        }
        countDown();
    }

    /// Called by the connector when no connection could be made: no protocol was
    /// built, so only the factory hears of it.
    void clientConnectionFailed(protocols::Connector& connector,
                                const reactor::Reason& reason) override {
        report.failedToConnect(connector.getDestination(), reason.message());
        countDown();
    }

    ClientReport& report;              ///< Where the chunk, failure and summary lines go.
    int taskNum = 1;                   ///< The next task number (the article's `task_num`).
    std::map<int, std::string> poems;  ///< The poems that arrived whole, by task number.

  private:
    // No lock, although every download calls this: the reactor makes one callback
    // at a time, so two downloads never count down together, and allDone_ runs once.
    void countDown() {
        if (--poetryCount_ == 0) {
            allDone_();
        }
    }

    std::size_t poetryCount_;
    std::function<void()> allDone_;
};
//! [PoetryClientFactory]

//! [PoetryProtocol_callbacks]
// `inline`, as in a header: the exercises and tests include this file, and a
// program may compile it into more than one of its files.
inline void PoetryProtocol::dataReceived(std::string_view data) {
    poem_.append(data);  // `data` is lent for this call only: keep a copy
    factoryAs<PoetryClientFactory>().report.chunk(taskNum, data.size(), transport()->getPeer());
}

inline void PoetryProtocol::connectionLost(const reactor::Reason& reason) {
    factoryAs<PoetryClientFactory>().poemFinished(taskNum, std::move(poem_), transport()->getPeer(),
                                                  reason);
}
//! [PoetryProtocol_callbacks]

}  // namespace poetry::client

#ifndef PROTOCOL_GET_POETRY_CLASSES_ONLY

#include "common/file_limit.hpp"
#include "trace/wrapping.hpp"

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
    // Beyond the article: one descriptor per download, and the benchmarks open 10,000.
    poetry::raiseFileLimit();

    //! [main]
    poetry::reactor::Reactor reactor;
    poetry::trace::Tracing tracing(options.trace, reactor);  // --trace
    poetry::ClientReport report(options.quiet);
    // The factory outlives reactor.run(); it stops the reactor when the last
    // download has ended, one way or the other.
    poetry::client::PoetryClientFactory factory(options.addresses.size(), report,
                                                [&reactor] { reactor.stop(); });
    auto start = poetry::Stopwatch::now();
    poetry::Timeline timeline(options.timeline, start);  // --timeline
    report.recordTimeline(timeline);
    for (const auto& address : options.addresses) {
        poetry::protocols::connectTCP(reactor, address.host, address.port, tracing.wrap(factory));
    }
    reactor.run();
    auto elapsed = poetry::Stopwatch::now() - start;
    timeline.close();
    report.finish(elapsed);
    //! [main]
    return report.failed() == 0 ? poetry::kExitSuccess : poetry::kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
    return poetry::runMain("protocol-get-poetry", [&] { return run(argc, argv); });
}

#endif  // PROTOCOL_GET_POETRY_CLASSES_ONLY
