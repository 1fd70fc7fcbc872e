// Fuzz target: client 2.0's PoetryProtocol and PoetryClientFactory, fed a poem
// of arbitrary bytes in arbitrary chunks through the string transport, then
// ended cleanly or not.
//
// Properties: a poem that ends cleanly comes out of the factory byte for byte
// as it went in, however it was cut; the chunk lines add up to the bytes fed
// and there is one per chunk; the task's total, the lost-poem line and the
// summary tell the same count; and a client never writes to its server.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <regex>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "common/report.hpp"
#include "fuzz/check.hpp"
#include "part04-raw-reactor/reason.hpp"
#include "part05-protocols/testing.hpp"

// Client 2.0's PoetryProtocol and PoetryClientFactory, from its program file.
#define PROTOCOL_GET_POETRY_CLASSES_ONLY
#include "part05-protocols/get_poetry.cpp"

namespace {

using poetry::fuzz::check;
using poetry::reactor::Reason;
using poetry::reactor::ReasonKind;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider input(data, size);
    const bool clean = input.ConsumeBool();
    std::vector<std::size_t> chunks;
    for (int i = input.ConsumeIntegralInRange(0, 32); i > 0; --i) {
        chunks.push_back(input.ConsumeIntegralInRange<std::size_t>(1, 64));
    }
    const std::string poem = input.ConsumeRemainingBytesAsString();

    std::ostringstream out;
    std::ostringstream err;
    bool allDone = false;
    poetry::ClientReport report(false, out, err);
    poetry::client::PoetryClientFactory factory(1, report, [&] { allDone = true; });
    poetry::protocols::StringTransport transport;
    auto protocol = factory.buildProtocol(transport.getPeer());
    protocol->makeConnection(transport);
    std::size_t at = 0;
    std::size_t fed = 0;
    for (std::size_t i = 0; at < poem.size(); ++i) {
        std::size_t n = i < chunks.size() ? chunks[i] : poem.size() - at;
        n = std::min(n, poem.size() - at);
        // A copy that dies right after the call, as the transport's shared read
        // buffer is overwritten: the protocol must have kept its own copy.
        std::string chunk = poem.substr(at, n);
        protocol->dataReceived(chunk);
        chunk.assign(chunk.size(), '#');
        at += n;
        ++fed;
    }
    protocol->connectionLost(clean
                                 ? Reason::connectionDone()
                                 : Reason(ReasonKind::ConnectionLost, "Connection reset by peer"));
    check(allDone, "the factory is done after its one download");
    report.finish(std::chrono::nanoseconds(0));

    check(transport.value().empty(), "a client writes nothing to its server");
    if (clean) {
        check(factory.poems.size() == 1 && factory.poems.at(1) == poem,
              "a clean end gives the poem byte for byte");
        check(err.str().empty(), "nothing on stderr for a whole poem", err.str());
    } else {
        check(factory.poems.empty(), "a broken end gives no poem");
        check(err.str() == "Lost poem from 192.0.2.2:10000 after " + std::to_string(poem.size()) +
                               " bytes (Connection reset by peer)\n",
              "one lost-poem line with the count", err.str());
    }

    // stdout: a line per chunk, the task's total, the summary.
    std::istringstream lines(out.str());
    std::size_t chunkLines = 0;
    std::size_t chunkBytes = 0;
    std::string line;
    static const std::regex chunkLine(
        R"(Task 1: got (\d+) bytes of poetry from 192\.0\.2\.2:10000)");
    std::smatch match;
    while (std::getline(lines, line) && std::regex_match(line, match, chunkLine)) {
        ++chunkLines;
        chunkBytes += std::stoul(match[1]);
    }
    check(chunkLines == fed, "one chunk line per chunk", out.str());
    check(chunkBytes == poem.size(), "the chunk lines add up to the bytes fed", out.str());
    check(line == "Task 1: " + std::to_string(poem.size()) + " bytes of poetry",
          "the task's total is the bytes fed", out.str());
    check(std::getline(lines, line) && line == (clean ? "Got 1 poems in 0:00:00.000000"
                                                      : "Got 0 poems in 0:00:00.000000 (1 failed)"),
          "the summary counts the poem", out.str());
    return 0;
}
