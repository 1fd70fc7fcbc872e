/// \file
/// \brief ex4-done-or-lost: a reader of Part 5 found that the reason given to
/// connectionLost() was always ConnectionDone, and asked why he never saw
/// ConnectionLost. Two answers. First, when a server process exits, its kernel
/// closes its sockets cleanly, so a client really does see a clean close; to see
/// ConnectionLost you need a connection that breaks, which `faultpoetry --fault
/// reset` provides (it closes with a TCP reset). Second, ask the reason what it
/// is with check(), which matches a kind and everything below it in the tree of
/// kinds, rather than comparing its message or its exact type.
///
/// Beyond the article: a reader's question from below it, not one of its exercises.
#include <cstddef>
#include <functional>
#include <iostream>
#include <string>
#include <utility>

#include "common/command_line.hpp"
#include "common/report.hpp"
#include "part04-raw-reactor/reactor.hpp"
#include "part04-raw-reactor/reason.hpp"
#include "part05-exercises/client20.hpp"

namespace {

using poetry::reactor::Reason;
using poetry::reactor::ReasonKind;

//! [verdict]
// What kind of end this was, in the two words of the question. A protocol only
// ever hears a ConnectionClosed kind: the transport maps any error on a made
// connection to ConnectionLost (Reason::connectionEnded), and the connect errors
// go to the factory, never to a protocol. That tree has two branches, ConnectionDone
// and ConnectionLost (ConnectionAborted is one of the latter), so one check decides.
const char* verdict(const Reason& reason) {
    if (reason.check(ReasonKind::ConnectionDone)) {
        return "ConnectionDone";  // a clean close: the server said it had finished
    }
    return "ConnectionLost";  // broken: reset, error, or aborted by us
}
//! [verdict]

//! [protocol]
class VerdictProtocol : public poetry::client::PoetryProtocol {
  public:
    void connectionLost(const Reason& reason) override;
};

class VerdictFactory : public poetry::client::PoetryClientFactory {
  public:
    VerdictFactory(std::size_t poetryCount, poetry::ClientReport& report,
                   std::function<void()> allDone)
        : PoetryClientFactory(poetryCount, report, std::move(allDone)) {
        setProtocol<VerdictProtocol>();
    }

    // Called by a protocol when its connection ended: `Task N: VERDICT (KIND: MESSAGE)`.
    void connectionEnded(int task, const Reason& reason) {
        report.note("Task " + std::to_string(task) + ": " + verdict(reason) + " (" +
                    poetry::reactor::kindName(reason.kind()) + ": " + reason.message() + ")");
    }
};

void VerdictProtocol::connectionLost(const Reason& reason) {
    factoryAs<VerdictFactory>().connectionEnded(taskNum, reason);
    PoetryProtocol::connectionLost(reason);  // count the poem, or report it lost
}
//! [protocol]

int run(int argc, char** argv) {
    auto parsed = poetry::parseClientCommandLine(
        "ex4-done-or-lost",
        "Downloads poems like client 2.0 and says, for each, whether the "
        "connection ended with ConnectionDone or ConnectionLost (a reader's "
        "question in Part 5).",
        argc, argv, {.trace = true});
    if (!parsed) {
        return poetry::kExitSuccess;  // --help was printed
    }
    const poetry::ClientOptions& options = *parsed;

    poetry::reactor::Reactor reactor;
    poetry::trace::Tracing tracing(options.trace, reactor);  // --trace
    poetry::ClientReport report(options.quiet);
    VerdictFactory factory(options.addresses.size(), report, [&reactor] { reactor.stop(); });
    return poetry::exercises::getPoetry(reactor, factory, tracing, options.addresses);
}

}  // namespace

int main(int argc, char** argv) {
    return poetry::runMain("ex4-done-or-lost", [&] { return run(argc, argv); });
}
