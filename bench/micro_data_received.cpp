// Micro-benchmark of client 2.0's PoetryProtocol::dataReceived(): one protocol is
// fed N chunks of 64 KiB, as one long poem arrives. Each chunk should cost the
// same however much came before it, so the total must grow as O(N); a protocol
// that copied its whole poem on every chunk would show O(N^2).
//
// N runs from 4 to 256 chunks (a 16 MiB poem). Past one chunk most of the cost is
// the memory the growing poem takes from the system (page faults: linear too), so
// a single chunk, served from memory already there, would sit off the line; and
// bigger poems cross more of the allocator's thresholds. Either would make the fit
// read a worse big-O than the protocol has.
//
// The protocol runs as in its unit tests: built by its own factory, connected to
// the StringTransport of part05-protocols/testing.hpp, no socket and no reactor.
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>

#include <benchmark/benchmark.h>

#include "common/report.hpp"
#include "part05-protocols/testing.hpp"

// Client 2.0's PoetryProtocol and PoetryClientFactory, from its program file.
#define PROTOCOL_GET_POETRY_CLASSES_ONLY
#include "part05-protocols/get_poetry.cpp"

namespace {

using poetry::client::PoetryClientFactory;
using poetry::client::PoetryProtocol;

void BM_DataReceived64KiB(benchmark::State& state) {
    const std::int64_t chunks = state.range(0);
    const std::string chunk(64 * 1024, 'x');
    std::ostringstream discard;  // quiet: the report writes nothing per chunk
    poetry::ClientReport report(/*quiet=*/true, discard, discard);
    for (auto _ : state) {
        PoetryClientFactory factory(1, report, [] {});
        auto built = factory.buildProtocol({"127.0.0.1", 10000});
        auto& protocol = dynamic_cast<PoetryProtocol&>(*built);
        poetry::protocols::StringTransport transport;
        protocol.makeConnection(transport);
        for (std::int64_t i = 0; i < chunks; ++i) {
            protocol.dataReceived(chunk);
        }
        benchmark::DoNotOptimize(protocol.poem().data());
    }
    state.SetComplexityN(chunks);
    state.SetBytesProcessed(state.iterations() * chunks * static_cast<std::int64_t>(chunk.size()));
}
BENCHMARK(BM_DataReceived64KiB)->RangeMultiplier(4)->Range(4, 256)->Complexity();

}  // namespace
