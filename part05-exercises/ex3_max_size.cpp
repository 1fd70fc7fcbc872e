/// \file
/// \brief ex3-max-size: a reader of Part 5 asked what stops a malicious server from
/// sending gigabytes. Nothing, in client 2.0: dataReceived() appends every chunk to
/// the poem, so a server that never stops sending makes the client grow until the
/// machine runs out of memory.
///
/// The fix is one check in dataReceived(): count what arrived, and once a download
/// passes --max-bytes, drop the connection with abortConnection() (no need to be
/// polite to that server) and report it. The transport reads into one fixed buffer
/// and the protocol keeps at most --max-bytes plus the one read that crossed the
/// limit, so the client's memory is bounded however fast and however long the
/// server sends.
///
/// Beyond the article: a reader's question from below it, not one of its exercises.
#include <cstddef>
#include <functional>
#include <iostream>
#include <string>
#include <string_view>
#include <utility>

#include "common/command_line.hpp"
#include "common/report.hpp"
#include "part04-raw-reactor/reactor.hpp"
#include "part04-raw-reactor/reason.hpp"
#include "part05-exercises/client20.hpp"

namespace {

using poetry::reactor::Reason;
using poetry::reactor::ReasonKind;

class LimitedPoetryFactory;

//! [protocol]
class LimitedPoetryProtocol : public poetry::client::PoetryProtocol {
  public:
    void dataReceived(std::string_view data) override;
    void connectionLost(const Reason& reason) override;

  private:
    bool tooLong_ = false;
};

class LimitedPoetryFactory : public poetry::client::PoetryClientFactory {
  public:
    LimitedPoetryFactory(std::size_t maxBytes, std::size_t poetryCount,
                         poetry::ClientReport& report, std::function<void()> allDone)
        : PoetryClientFactory(poetryCount, report, std::move(allDone)), maxBytes_(maxBytes) {
        setProtocol<LimitedPoetryProtocol>();
    }

    std::size_t maxBytes() const { return maxBytes_; }

  private:
    std::size_t maxBytes_;
};
//! [protocol]

//! [dataReceived]
void LimitedPoetryProtocol::dataReceived(std::string_view data) {
    if (tooLong_) {
        return;  // already dropped; nothing more should come, but keep nothing if it does
    }
    PoetryProtocol::dataReceived(data);  // it arrived: keep it, print the chunk line
    if (poem().size() > factoryAs<LimitedPoetryFactory>().maxBytes()) {
        // Past the limit: the poem is not a poem any more. abortConnection()
        // closes with a reset now, without flushing anything or waiting for the
        // server; connectionLost(ConnectionAborted) follows one reactor turn later.
        // We kept at most the limit plus this one read (the transport reads at
        // most 64 KiB at a time), and report every byte that arrived.
        tooLong_ = true;
        transport()->abortConnection();
    }
}

void LimitedPoetryProtocol::connectionLost(const Reason& reason) {
    if (!tooLong_) {
        PoetryProtocol::connectionLost(reason);
        return;
    }
    auto limit = factoryAs<LimitedPoetryFactory>().maxBytes();
    PoetryProtocol::connectionLost(
        Reason(ReasonKind::ConnectionAborted, "dropped: the poem is longer than the limit of " +
                                                  std::to_string(limit) + " bytes (--max-bytes)"));
}
//! [dataReceived]

int run(int argc, char** argv) {
    poetry::CommandLine cl("ex3-max-size", "[options] ADDRESS...",
                           "Downloads poems like client 2.0, but drops any download that grows "
                           "beyond --max-bytes (a reader's question in Part 5).");
    poetry::addClientOptions(cl, {.trace = true});
    cl.options()("max-bytes", poetry::po::value<long long>()->default_value(1048576),
                 "the most bytes a poem may have; a longer one is dropped");
    auto values = cl.parse(argc, argv, std::cout);
    if (!values) {
        return poetry::kExitSuccess;
    }
    auto options = poetry::clientOptions(*values);
    auto maxBytes = (*values)["max-bytes"].as<long long>();
    if (maxBytes < 1) {
        throw poetry::UsageError("--max-bytes " + std::to_string(maxBytes) + " must be at least 1");
    }

    poetry::reactor::Reactor reactor;
    poetry::trace::Tracing tracing(options.trace, reactor);  // --trace
    poetry::ClientReport report(options.quiet);
    LimitedPoetryFactory factory(static_cast<std::size_t>(maxBytes), options.addresses.size(),
                                 report, [&reactor] { reactor.stop(); });
    return poetry::exercises::getPoetry(reactor, factory, tracing, options.addresses);
}

}  // namespace

int main(int argc, char** argv) {
    return poetry::runMain("ex3-max-size", [&] { return run(argc, argv); });
}
