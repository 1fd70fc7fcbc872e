// bench-asio-floor: the benchmark's job written directly on Asio, with no layer of ours.
//
// It downloads COUNT poems from HOST:PORT at once, on one io_context, the way our
// reactor drives Asio: async_connect, then for each socket async_wait(wait_read)
// and a non-blocking read_some() loop until the read would block, then wait
// again, until EOF. It keeps no poem, only a byte count per download. What it
// costs is what Asio costs for this job; bench/run judges our layers against it.
// With --keep it also keeps each poem, as our clients do (appended to a string per
// download, all kept to the end): what keeping the poems costs, layers aside.
//
//   bench-asio-floor [--keep] HOST PORT COUNT
//
// Prints `Got N poems (B bytes) in S s`, with ` (F failed)` when some download
// failed or ended before sending anything. Exit 0 when none failed.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio.hpp>

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

struct Totals {
    long poems = 0;
    long failed = 0;
    std::size_t bytes = 0;
    bool keep = false;              // --keep: keep every poem in `kept`
    std::vector<std::string> kept;  // the poems, with --keep
};

char buffer[65536];  // one buffer for every read: nothing is kept

// One download; its handlers hold it alive until the socket reached EOF or failed.
class Download : public std::enable_shared_from_this<Download> {
  public:
    Download(asio::io_context& io, Totals& totals) : socket_(io), totals_(totals) {}

    void start(const tcp::endpoint& server) {
        socket_.async_connect(server, [self = shared_from_this()](error_code ec) {
            if (ec) {
                return self->finish(ec);
            }
            self->socket_.non_blocking(true);
            self->waitForData();
        });
    }

  private:
    void waitForData() {
        socket_.async_wait(tcp::socket::wait_read, [self = shared_from_this()](error_code ec) {
            ec ? self->finish(ec) : self->readAvailable();
        });
    }

    void readAvailable() {
        error_code ec;
        while (!ec) {
            std::size_t n = socket_.read_some(asio::buffer(buffer), ec);
            bytes_ += n;
            if (totals_.keep) {
                poem_.append(buffer, n);
            }
        }
        if (ec == asio::error::would_block) {
            return waitForData();
        }
        finish(ec);
    }

    void finish(error_code ec) {
        if (ec == asio::error::eof && bytes_ > 0) {
            ++totals_.poems;
            totals_.bytes += bytes_;
            if (totals_.keep) {
                totals_.kept.push_back(std::move(poem_));
            }
        } else {
            ++totals_.failed;
        }
    }

    tcp::socket socket_;
    Totals& totals_;
    std::size_t bytes_ = 0;
    std::string poem_;  // with --keep
};

}  // namespace

int main(int argc, char** argv) {
    const bool keep = argc == 5 && std::string_view(argv[1]) == "--keep";
    if (keep) {
        --argc;
        ++argv;
    }
    if (argc != 4) {
        std::fprintf(stderr, "usage: bench-asio-floor [--keep] HOST PORT COUNT\n");
        return 2;
    }
    const long port = std::strtol(argv[2], nullptr, 10);
    const long count = std::strtol(argv[3], nullptr, 10);
    error_code ec;
    const auto address = asio::ip::make_address(argv[1], ec);
    if (ec || port < 1 || port > 65535 || count < 1) {
        std::fprintf(stderr,
                     "bench-asio-floor: bad HOST, PORT or COUNT (want an IP address, "
                     "1..65535, at least 1)\n");
        return 2;
    }
    try {
        const auto start = std::chrono::steady_clock::now();
        asio::io_context io;
        Totals totals;
        totals.keep = keep;
        const tcp::endpoint server(address, static_cast<unsigned short>(port));
        for (long i = 0; i < count; ++i) {
            std::make_shared<Download>(io, totals)->start(server);
        }
        io.run();  // returns when the last download has finished

        const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
        std::printf("Got %ld poems (%zu bytes) in %.6f s", totals.poems, totals.bytes,
                    elapsed.count());
        if (totals.failed > 0) {
            std::printf(" (%ld failed)", totals.failed);
        }
        std::printf("\n");
        return totals.failed == 0 ? 0 : 1;
    } catch (const std::exception& error) {
        std::fprintf(stderr, "bench-asio-floor: %s\n", error.what());  // out of descriptors
        return 1;
    }
}
