/// \file
/// \brief protocol-get-poetry-stack: client 2.0 with one change, to see who calls
/// dataReceived().
///
/// As the article's twisted-client-2/get-poetry-stack.py, the change is
/// dataReceived(): the first time bytes arrive, the protocol prints the call stack
/// and the program ends. Everything else is client 2.0's own PoetryProtocol and
/// PoetryClientFactory (included from get_poetry.cpp); the factory is only told to
/// build this protocol instead.
///
/// Read the stack from the top: our dataReceived(), called by the TCP transport's
/// doRead(), called by the part04 reactor when the socket turned readable, called
/// from inside Asio's io_context::run(), inside reactor.run(). The read descriptor
/// of Part 4 is still there, doing the work; part05 did not replace it, it built
/// on it.
#include <cstdlib>
#include <iostream>
#include <string_view>

#include <boost/stacktrace.hpp>

#include "common/command_line.hpp"
#include "common/duration.hpp"
#include "common/report.hpp"
#include "common/stack_trace.hpp"
#include "part04-raw-reactor/reactor.hpp"
#include "part05-protocols/connect.hpp"
#include "trace/wrapping.hpp"

// Client 2.0's two classes, without its main.
#define PROTOCOL_GET_POETRY_CLASSES_ONLY
#include "part05-protocols/get_poetry.cpp"

namespace {

using poetry::reactor::Reason;
using poetry::reactor::ReasonKind;

bool fullStack = false;  // --full: set once by run(), before the reactor starts

//! [dataReceived]
// Client 2.0's protocol with one change.
class StackProtocol : public poetry::client::PoetryProtocol {
  public:
    // Not inlined, so the stack shows this frame under its own name.
    [[gnu::noinline]] void dataReceived(std::string_view data) override {
        (void)data;
        poetry::printStack(std::cout, boost::stacktrace::stacktrace(), fullStack);
        // The article's os._exit(0): stop right here, once the stack is out. Beyond
        // the article: a download that failed before this one still sets the exit code.
        const bool failed = factoryAs<poetry::client::PoetryClientFactory>().report.failed() > 0;
        std::_Exit(poetry::finishOutput("protocol-get-poetry-stack",
                                        failed ? poetry::kExitFailure : poetry::kExitSuccess));
    }

    // Beyond the article, not part of the change: reached only when the connection
    // ended before its first byte (dataReceived() ends the program). There was no
    // stack to show, so the download failed, and a clean close says why in its own
    // words: "Connection was closed cleanly" would contradict "Lost poem".
    void connectionLost(const Reason& reason) override {
        PoetryProtocol::connectionLost(
            reason.check(ReasonKind::ConnectionDone)
                ? Reason(ReasonKind::ConnectionLost,
                         "Connection closed before the first byte: no stack to show")
                : reason);
    }
};
//! [dataReceived]

int run(int argc, char** argv) {
    poetry::CommandLine cl("protocol-get-poetry-stack", "[options] ADDRESS...",
                           "Client 2.0 that prints the call stack the first time "
                           "dataReceived() is called, then exits (Part 5). Exits with 1 "
                           "if a download failed before that, or if no server sent a "
                           "byte; with 0 otherwise.");
    cl.options()("full",
                 "print the whole stack as Boost.Stacktrace gives it: every "
                 "frame, whole signatures, paths as recorded");
    cl.options()("trace",
                 "print a line on stderr for each thing the reactor does; the step that "
                 "calls dataReceived() has none, as the program ends inside it (its stack "
                 "shows it instead)");
    cl.positional("ADDRESS", "a poetry server as [HOST:]PORT or [IPV6]:PORT", -1);
    auto values = cl.parse(argc, argv, std::cout);
    if (!values) {
        return poetry::kExitSuccess;  // --help was printed
    }
    auto options = poetry::clientOptions(*values);
    fullStack = values->count("full") != 0;

    //! [main]
    poetry::reactor::Reactor reactor;
    poetry::trace::Tracing tracing(options.trace, reactor);  // --trace
    poetry::ClientReport report(false);
    poetry::client::PoetryClientFactory factory(options.addresses.size(), report,
                                                [&reactor] { reactor.stop(); });
    factory.setProtocol<StackProtocol>();  // build our protocol instead of client 2.0's
    auto start = poetry::Stopwatch::now();
    for (const auto& address : options.addresses) {
        poetry::protocols::connectTCP(reactor, address.host, address.port, tracing.wrap(factory));
    }
    reactor.run();
    //! [main]
    // Only when no server sent a single byte: there was no dataReceived() to show,
    // and every download was reported as failed.
    report.finish(poetry::Stopwatch::now() - start);
    return report.failed() == 0 ? poetry::kExitSuccess : poetry::kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
    return poetry::runMain("protocol-get-poetry-stack", [&] { return run(argc, argv); });
}
