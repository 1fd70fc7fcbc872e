// Micro-benchmarks of delayed calls on the reactor: scheduling N of them, then
// cancelling them all, or letting them all run. Google Benchmark fits the total
// cost against N and reports the big-O, so a scan of every pending call on each
// schedule, cancel or run shows up as O(N^2) instead of hiding in a total.
//
// Only the reactor's public API is used (callLater, DelayedCall::cancel, run, stop).
#include <algorithm>
#include <cstdint>
#include <memory>
#include <numeric>
#include <random>
#include <vector>

#include <benchmark/benchmark.h>

#include "part04-raw-reactor/reactor.hpp"

namespace {

using poetry::reactor::DelayedCall;
using poetry::reactor::Reactor;
using poetry::reactor::Seconds;

// Indexes 0..n-1 in a scrambled order, the same on every run: neither the best
// case of a structure kept sorted (calls scheduled in due order) nor its worst.
std::vector<std::int64_t> scrambled(std::int64_t n, unsigned seed) {
    std::vector<std::int64_t> order(static_cast<std::size_t>(n));
    std::iota(order.begin(), order.end(), 0);
    std::shuffle(order.begin(), order.end(), std::mt19937(seed));
    return order;
}

// Schedules N calls an hour from now in scrambled due order, then cancels all of
// them in another scrambled order: the connect timeouts of N connections that
// all connected.
void BM_ScheduleThenCancel(benchmark::State& state) {
    const std::int64_t n = state.range(0);
    const auto due = scrambled(n, 1);
    const auto cancelOrder = scrambled(n, 2);
    Reactor reactor;
    std::vector<std::shared_ptr<DelayedCall>> calls(static_cast<std::size_t>(n));
    for (auto _ : state) {
        for (std::int64_t i = 0; i < n; ++i) {
            calls[i] =
                reactor.callLater(Seconds(3600.0 + 1e-3 * static_cast<double>(due[i])), [] {});
        }
        for (std::int64_t i : cancelOrder) {
            calls[i]->cancel();
        }
    }
    state.SetComplexityN(n);
    state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_ScheduleThenCancel)->RangeMultiplier(2)->Range(128, 10000)->Complexity();

// Schedules N calls in scrambled due order and runs the reactor until all have run.
// The due times are k nanoseconds from now for k < N: scheduling N calls takes
// longer than N nanoseconds, so every call is due when run() starts and the
// benchmark never waits for the clock.
void BM_ScheduleThenRun(benchmark::State& state) {
    const std::int64_t n = state.range(0);
    const auto due = scrambled(n, 3);
    Reactor reactor;
    std::int64_t ran = 0;
    for (auto _ : state) {
        ran = 0;
        for (std::int64_t i = 0; i < n; ++i) {
            reactor.callLater(Seconds(1e-9 * static_cast<double>(due[i])), [&] {
                if (++ran == n) {
                    reactor.stop();
                }
            });
        }
        reactor.run();
    }
    state.SetComplexityN(n);
    state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_ScheduleThenRun)->RangeMultiplier(2)->Range(128, 10000)->Complexity();

}  // namespace
