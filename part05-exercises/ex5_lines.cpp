/// \file
/// \brief ex5-lines: a reader of Part 5 found his messages arriving in pieces. That is
/// TCP: it carries a stream of bytes, and how the stream is cut into
/// dataReceived() calls depends on the sender, the network and timing, never on
/// where one message ends. The cure is a protocol that reassembles: a
/// LineReceiver buffers the bytes and calls lineReceived() once per complete line.
///
/// This client prints each line of the poem the moment its newline arrives,
/// between the chunk lines, so the output shows lines being completed by chunks
/// of any size. A line longer than --max-line-length ends the download with an
/// error: the server is not sending poetry.
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
#include "part05-exercises/line_receiver.hpp"

namespace {

using poetry::reactor::Reason;
using poetry::reactor::ReasonKind;

//! [protocol]
class LinePoetryProtocol : public poetry::protocols::LineReceiver {
  public:
    int taskNum = 0;  // stamped by the factory

    void connectionMade() override;
    void dataReceived(std::string_view data) override;
    void lineReceived(std::string_view line) override;
    void lineLengthExceeded(std::string_view line) override;
    void connectionLost(const Reason& reason) override;

  private:
    std::string poem_;    // every byte, for the byte counts and the poem count
    int lineNumber_ = 0;  // lines delivered so far
};
//! [protocol]

class LinePoetryFactory : public poetry::client::PoetryClientFactory {
  public:
    LinePoetryFactory(std::size_t maxLineLength, std::size_t poetryCount,
                      poetry::ClientReport& report, std::function<void()> allDone)
        : PoetryClientFactory(poetryCount, report, std::move(allDone)),
          maxLineLength_(maxLineLength) {
        // Client 2.0's own setProtocol() takes only PoetryProtocols, and this one is
        // a LineReceiver: so the plain factory's, and a buildProtocol() of our own.
        ClientFactory::setProtocol<LinePoetryProtocol>();
    }

    // Client 2.0's buildProtocol() stamps PoetryProtocols: start from the plain
    // ClientFactory's, and stamp the task number here, with client 2.0's own counter.
    std::unique_ptr<poetry::protocols::Protocol> buildProtocol(
        const poetry::Address& address) override {
        auto protocol = ClientFactory::buildProtocol(address);
        static_cast<LinePoetryProtocol&>(*protocol).taskNum = taskNum++;
        return protocol;
    }

    std::size_t maxLineLength() const { return maxLineLength_; }

  private:
    std::size_t maxLineLength_;
};

//! [callbacks]
void LinePoetryProtocol::connectionMade() {
    setMaxLength(factoryAs<LinePoetryFactory>().maxLineLength());
}

void LinePoetryProtocol::dataReceived(std::string_view data) {
    poem_.append(data);
    factoryAs<LinePoetryFactory>().report.chunk(taskNum, data.size(), transport()->getPeer());
    LineReceiver::dataReceived(data);  // calls lineReceived() for each line it completes
}

void LinePoetryProtocol::lineReceived(std::string_view line) {
    factoryAs<LinePoetryFactory>().report.note("Task " + std::to_string(taskNum) + " line " +
                                               std::to_string(++lineNumber_) + ": " +
                                               std::string(line));
}

void LinePoetryProtocol::lineLengthExceeded(std::string_view line) {
    (void)line;
    transport()->abortConnection();  // not poetry: drop it now, say why in connectionLost()
}

void LinePoetryProtocol::connectionLost(const Reason& reason) {
    auto& factory = factoryAs<LinePoetryFactory>();
    // A poem whose last line has no newline: that line is complete now, and the
    // limit holds for it as for any other.
    std::string rest = clearLineBuffer();
    bool tooLong = lineLengthWasExceeded();
    if (!tooLong && !rest.empty() && reason.check(ReasonKind::ConnectionDone)) {
        tooLong = rest.size() > maxLength();
        if (!tooLong) {
            lineReceived(rest);
        }
    }
    if (tooLong) {
        factory.poemFinished(
            taskNum, std::move(poem_), transport()->getPeer(),
            Reason(ReasonKind::ConnectionAborted,
                   "line " + std::to_string(lineNumber_ + 1) + " is longer than the limit of " +
                       std::to_string(maxLength()) + " bytes (--max-line-length)"));
        return;
    }
    factory.poemFinished(taskNum, std::move(poem_), transport()->getPeer(), reason);
}
//! [callbacks]

int run(int argc, char** argv) {
    poetry::CommandLine cl("ex5-lines", "[options] ADDRESS...",
                           "Downloads poems and prints each line as soon as it is complete, "
                           "whatever the chunk size (a reader's question in Part 5).");
    poetry::addClientOptions(cl, {.trace = true});
    cl.options()("max-line-length",
                 poetry::po::value<long long>()->default_value(
                     static_cast<long long>(poetry::protocols::LineReceiver::kDefaultMaxLength)),
                 "the longest line accepted, in bytes; a longer one ends the download");
    auto values = cl.parse(argc, argv, std::cout);
    if (!values) {
        return poetry::kExitSuccess;
    }
    auto options = poetry::clientOptions(*values);
    auto maxLineLength = (*values)["max-line-length"].as<long long>();
    if (maxLineLength < 1) {
        throw poetry::UsageError("--max-line-length " + std::to_string(maxLineLength) +
                                 " must be at least 1");
    }

    poetry::reactor::Reactor reactor;
    poetry::trace::Tracing tracing(options.trace, reactor);  // --trace
    poetry::ClientReport report(options.quiet);
    LinePoetryFactory factory(static_cast<std::size_t>(maxLineLength), options.addresses.size(),
                              report, [&reactor] { reactor.stop(); });
    return poetry::exercises::getPoetry(reactor, factory, tracing, options.addresses);
}

}  // namespace

int main(int argc, char** argv) {
    return poetry::runMain("ex5-lines", [&] { return run(argc, argv); });
}
