// Micro-benchmark of client 2.0's PoetryProtocol::dataReceived(): one protocol is
// fed N chunks of 64 KiB, as one long poem arrives. Each chunk should cost the
// same however much came before it, so the total must grow as O(N); a protocol
// that copied or scanned its whole poem on every chunk would show O(N^2).
//
// What is measured is the protocol, not the machine's memory, so two things are
// kept still. The memory: on a virtual machine the first touch of a fresh page
// costs far more than the copy into it, and a poem that grows from fresh pages on
// every pass would be timed by its page faults (linear too, and slow enough to
// half hide an O(N^2) protocol). So glibc is asked to keep what it frees (no
// separate mapping for big blocks, no giving back to the system), and one untimed
// pass touches the memory first. The caches: N runs from 4 to 64 chunks, a poem of
// at most 4 MiB; past that the copy slows as the poem leaves the caches, and the
// fit would read a worse big-O than the protocol has. Even so it may read
// O(N log N) on a busy machine; a protocol that scans its poem on every chunk
// reads O(N^2) every time.
//
// The protocol runs as in its unit tests: built by its own factory, connected to
// the StringTransport of part05-protocols/testing.hpp, no socket and no reactor.
#include <malloc.h>

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

// Feeds `chunks` chunks to a new protocol of a new factory, as one download would.
void receivePoem(poetry::ClientReport& report, const std::string& chunk, std::int64_t chunks) {
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

void BM_DataReceived64KiB(benchmark::State& state) {
    const std::int64_t chunks = state.range(0);
    const std::string chunk(64 * 1024, 'x');
    std::ostringstream discard;  // quiet: the report writes nothing per chunk
    poetry::ClientReport report(/*quiet=*/true, discard, discard);
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);   // big blocks from the heap, reused
    mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);  // and the heap kept, not given back
    receivePoem(report, chunk, chunks);            // untimed: the pages are touched once
    for (auto _ : state) {
        receivePoem(report, chunk, chunks);
    }
    state.SetComplexityN(chunks);
    state.SetBytesProcessed(state.iterations() * chunks * static_cast<std::int64_t>(chunk.size()));
}
BENCHMARK(BM_DataReceived64KiB)->RangeMultiplier(2)->Range(4, 64)->Complexity();

}  // namespace
