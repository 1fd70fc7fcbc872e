// Micro-benchmark of one reactor turn: one descriptor is ready, the reactor calls
// its doRead(), and run() returns. N other descriptors are watched but stay idle,
// so a turn whose cost grows with the number of watched descriptors (a scan of
// all of them, say) shows up in the big-O that Google Benchmark reports.
//
// Only the reactor's public API is used (addReader, run, stop) with plain pipes.
#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>
#include <boost/asio/posix/stream_descriptor.hpp>

#include "part04-raw-reactor/reactor.hpp"

namespace {

using poetry::reactor::Reactor;
using poetry::reactor::ReadDescriptor;
using poetry::reactor::ReadyHandler;
using poetry::reactor::Reason;

// A pipe whose ends are closed when it goes.
struct Pipe {
    int read = -1;
    int write = -1;
    Pipe() {
        int fds[2];
        if (::pipe(fds) != 0) {
            throw std::runtime_error("pipe() failed");
        }
        read = fds[0];
        write = fds[1];
    }
    ~Pipe() {
        ::close(read);
        ::close(write);
    }
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
};

// The ready descriptor: each doRead() takes the byte that made it readable, puts
// a new one in (so the next turn finds it readable again) and stops the reactor.
class Ready : public ReadDescriptor {
  public:
    Ready(Reactor& reactor, const Pipe& pipe)
        : reactor_(reactor), pipe_(pipe), stream_(reactor.context(), ::dup(pipe.read)) {}
    int fileno() override { return stream_.native_handle(); }
    void asyncWait(boost::asio::socket_base::wait_type type, ReadyHandler ready) override {
        stream_.async_wait(static_cast<boost::asio::posix::descriptor_base::wait_type>(type),
                           std::move(ready));
    }
    std::optional<Reason> doRead() override {
        char byte;
        if (::read(pipe_.read, &byte, 1) != 1 || ::write(pipe_.write, &byte, 1) != 1) {
            throw std::runtime_error("the benchmark's pipe failed");
        }
        reactor_.stop();
        return std::nullopt;
    }
    void connectionLost(const Reason&) override {}

  private:
    Reactor& reactor_;
    const Pipe& pipe_;
    boost::asio::posix::stream_descriptor stream_;  // owns a duplicate of the read end
};

// An idle descriptor: a duplicate of the read end of a pipe nobody writes to.
class Idle : public ReadDescriptor {
  public:
    Idle(Reactor& reactor, int fd) : stream_(reactor.context(), fd) {}
    int fileno() override { return stream_.native_handle(); }
    void asyncWait(boost::asio::socket_base::wait_type type, ReadyHandler ready) override {
        stream_.async_wait(static_cast<boost::asio::posix::descriptor_base::wait_type>(type),
                           std::move(ready));
    }
    std::optional<Reason> doRead() override {
        throw std::logic_error("an idle descriptor was called");
    }
    void connectionLost(const Reason&) override {}

  private:
    boost::asio::posix::stream_descriptor stream_;  // owns (and closes) its duplicate
};

// Raises the open-file limit as far as allowed; true when `needed` fit under it.
bool allowOpenFiles(std::int64_t needed) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return false;
    }
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
    return limit.rlim_cur == RLIM_INFINITY || static_cast<std::int64_t>(limit.rlim_cur) > needed;
}

void BM_ReactorTurn(benchmark::State& state) {
    const std::int64_t idleCount = state.range(0);
    if (!allowOpenFiles(idleCount + 64)) {
        state.SkipWithError(
            ("needs " + std::to_string(idleCount + 64) + " open files (ulimit -Hn)").c_str());
        return;
    }
    Pipe idle;
    Pipe ready;
    Reactor reactor;
    // The reactor holds the descriptors: when it goes, it lets go of them (and the
    // idle ones close their duplicates); the pipes, made before it, close last.
    std::vector<std::shared_ptr<Idle>> idlers;
    for (std::int64_t i = 0; i < idleCount; ++i) {
        const int fd = ::dup(idle.read);
        if (fd < 0) {
            state.SkipWithError("dup() failed: out of descriptors");
            return;
        }
        idlers.push_back(std::make_shared<Idle>(reactor, fd));
        reactor.addReader(idlers.back());
    }
    reactor.addReader(std::make_shared<Ready>(reactor, ready));
    if (::write(ready.write, "x", 1) != 1) {
        state.SkipWithError("write() to the pipe failed");
        return;
    }
    for (auto _ : state) {
        reactor.run();  // one doRead() of the ready pipe, which stops the reactor
    }
    state.SetComplexityN(idleCount);
}
BENCHMARK(BM_ReactorTurn)->RangeMultiplier(8)->Range(8, 8192)->Complexity();

}  // namespace
