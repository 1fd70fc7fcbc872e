/// \file
/// \brief `blocking-get-poetry`: the blocking client, one poem after another.
///
/// It downloads the poems one after another. Each download blocks the whole
/// program: while we wait for the first server's next few bytes, the second and
/// third servers, which may have their poems ready, sit idle. So the total time
/// is the sum of the three downloads. The later parts fix exactly this.
#include <iostream>
#include <new>
#include <string>

#include <boost/asio.hpp>

#include "common/command_line.hpp"
#include "common/duration.hpp"
#include "common/messages.hpp"
#include "common/report.hpp"
#include "common/timeline.hpp"

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

/// What one blocking download ended with.
struct Download {
    std::string poem;        ///< The poem, or as much of it as arrived.
    bool connected = false;  ///< False when we never reached the server.
    error_code error;        ///< Empty when the poem arrived whole.
};

//! [get_poetry]
// Connects, then reads until the server closes the connection, keeping what
// arrives: the poem, as the article's get_poetry returns it. Every call here
// blocks: resolve, connect and each read_some wait for the network before they
// return. The poem's end is the server's close, which read_some reports as the
// error code asio::error::eof: an expected outcome, so we use the error_code
// overload and treat EOF as the normal way out of the loop.
Download getPoetry(asio::io_context& io, const poetry::Address& address, int task,
                   poetry::Timeline& timeline) {
    Download result;
    tcp::resolver resolver(io);
    auto endpoints = resolver.resolve(address.host, std::to_string(address.port),
                                      tcp::resolver::numeric_service, result.error);
    if (result.error) {
        return result;
    }
    tcp::socket socket(io);
    asio::connect(socket, endpoints, result.error);
    if (result.error) {
        return result;
    }
    result.connected = true;

    char buffer[1024];
    for (;;) {
        error_code ec;
        std::size_t n = socket.read_some(asio::buffer(buffer), ec);
        try {
            result.poem.append(buffer, n);  // the article's `poem += data`
        } catch (const std::bad_alloc&) {   // beyond the article: a poem too big to keep
            result.error = make_error_code(boost::system::errc::not_enough_memory);
            return result;
        }
        if (n > 0) {
            timeline.chunk(task, address.str(), n);  // --timeline only; not the lesson
        }
        if (ec == asio::error::eof) {
            return result;  // the server closed: the poem is complete
        }
        if (ec) {
            result.error = ec;  // reset or other failure: the poem is incomplete
            return result;
        }
    }
}
//! [get_poetry]

int run(int argc, char** argv) {
    auto parsed = poetry::parseClientCommandLine(
        "blocking-get-poetry", "Downloads poems one after another with blocking sockets (Part 1).",
        argc, argv, {.timeline = true});
    if (!parsed) {
        return poetry::kExitSuccess;  // --help was printed
    }
    const poetry::ClientOptions& options = *parsed;

    //! [main_loop]
    asio::io_context io;
    std::size_t poems = 0;
    std::size_t failed = 0;
    auto start = poetry::Stopwatch::now();
    poetry::Timeline timeline(options.timeline, start);
    int task = 0;
    for (const auto& address : options.addresses) {
        ++task;
        const std::string where = address.str();
        if (!options.quiet) {
            std::cout << "Task " << task << ": get poetry from: " << where << std::endl;
        }
        auto taskStart = poetry::Stopwatch::now();
        Download download = getPoetry(io, address, task, timeline);
        const std::string why = poetry::describeErrorCode(download.error);  // in plain words
        if (!download.connected) {
            ++failed;
            std::cerr << poetry::failedToConnectLine(where, why) << std::endl;
        } else if (download.error) {
            ++failed;
            std::cerr << poetry::lostPoemLine(where, download.poem.size(), why) << std::endl;
        } else {
            ++poems;
            if (!options.quiet) {
                std::cout << "Task " << task << ": got " << download.poem.size()
                          << " bytes of poetry from " << where << " in "
                          << poetry::formatDuration(poetry::Stopwatch::now() - taskStart)
                          << std::endl;
            }
        }
    }
    auto elapsed = poetry::Stopwatch::now() - start;
    timeline.close();
    std::cout << poetry::summaryLine(poems, failed, elapsed) << std::endl;
    //! [main_loop]
    return failed == 0 ? poetry::kExitSuccess : poetry::kExitFailure;
}

}  // namespace

int main(int argc, char** argv) {
    return poetry::runMain("blocking-get-poetry", [&] { return run(argc, argv); });
}
