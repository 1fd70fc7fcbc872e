/// \file
/// \brief protocol-get-poetry-stack: client 2.0 with one change, to see who calls
/// dataReceived().
///
/// The first time bytes arrive, the protocol prints the call stack and the program
/// ends. Read the stack from the top: our dataReceived(), called by the TCP
/// transport's doRead(), called by the part04 reactor when the socket turned
/// readable, called from inside Asio's io_context::run(), inside reactor.run().
/// The read descriptor of Part 4 is still there, doing the work; part05 did not
/// replace it, it built on it.
#include <cstddef>
#include <iostream>
#include <string_view>

#include <boost/stacktrace.hpp>

#include "common/command_line.hpp"
#include "common/report.hpp"
#include "part04-raw-reactor/reactor.hpp"
#include "part04-raw-reactor/trace.hpp"
#include "part05-protocols/connect.hpp"
#include "part05-protocols/factory.hpp"
#include "part05-protocols/protocol.hpp"

namespace {

using poetry::reactor::Reason;

class StackFactory;

//! [dataReceived]
class StackProtocol : public poetry::protocols::Protocol {
  public:
    // Not inlined, so the trace shows this frame under its own name.
    [[gnu::noinline]] void dataReceived(std::string_view data) override;
};
//! [dataReceived]

class StackFactory : public poetry::protocols::ClientFactoryFor<StackProtocol> {
  public:
    StackFactory(poetry::reactor::Reactor& reactor, std::size_t count)
        : reactor_(reactor), remaining_(count) {}

    // Called by the first protocol that got bytes: the demo is over.
    void traced() {
        traced_ = true;
        if (reactor_.running()) {
            reactor_.stop();
        }
    }

    void clientConnectionFailed(poetry::protocols::Connector& connector,
                                const Reason& reason) override {
        std::cerr << poetry::failedToConnectLine(connector.getDestination().str(), reason.message())
                  << std::endl;
        ended();
    }

    // A connection that ended before its first byte left nothing to trace: say
    // so, as every client reports a lost poem.
    void clientConnectionLost(poetry::protocols::Connector& connector,
                              const Reason& reason) override {
        if (!traced_) {
            std::cerr << poetry::lostPoemLine(connector.getDestination().str(), 0, reason.message())
                      << std::endl;
        }
        ended();
    }

    bool tracedAny() const { return traced_; }

  private:
    void ended() {
        if (--remaining_ == 0 && reactor_.running()) {
            reactor_.stop();
        }
    }

    poetry::reactor::Reactor& reactor_;
    std::size_t remaining_;
    bool traced_ = false;
};

//! [dataReceived_body]
void StackProtocol::dataReceived(std::string_view data) {
    (void)data;
    if (factoryAs<StackFactory>().tracedAny()) {
        return;  // another connection's bytes, in the same turn as the first: one trace is enough
    }
    std::cout << boost::stacktrace::stacktrace() << std::flush;
    factoryAs<StackFactory>().traced();
}
//! [dataReceived_body]

int run(int argc, char** argv) {
    auto parsed = poetry::parseClientCommandLine(
        "protocol-get-poetry-stack",
        "Prints the call stack the first time dataReceived() is called, "
        "then exits (Part 5).",
        argc, argv, {.trace = true});
    if (!parsed) {
        return poetry::kExitSuccess;  // --help was printed
    }
    const poetry::ClientOptions& options = *parsed;

    poetry::reactor::Reactor reactor;
    poetry::reactor::traceIf(options.trace, reactor);  // --trace
    StackFactory factory(reactor, options.addresses.size());
    for (const auto& address : options.addresses) {
        poetry::protocols::connectTCP(reactor, address.host, address.port, factory);
    }
    reactor.run();
    return factory.tracedAny() ? poetry::kExitSuccess : poetry::kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
    return poetry::runMain("protocol-get-poetry-stack", [&] { return run(argc, argv); });
}
