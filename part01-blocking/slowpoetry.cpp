/// \file
/// \brief `slowpoetry`: the article's slow poetry server, blocking and one client at a time.
///
/// It accepts a client, sends it the poem a few bytes at a time with a rest between
/// chunks, closes the connection, and only then accepts the next client. Whoever
/// connects meanwhile waits in the kernel's listen queue: that is what "blocking"
/// means here, and why the tutorial starts three servers, one per poem.
///
/// What a server needs beyond the article (listening, an accept() that survives a
/// shortage of descriptors, ending cleanly on Ctrl-C) is in common/blocking_server.hpp.
/// Its sibling `faultpoetry` misbehaves on purpose; it includes this file for
/// sendPoem(), with SLOWPOETRY_SEND_POEM_ONLY defined to leave this program's run() out.
#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include <boost/asio.hpp>

#include "common/blocking_server.hpp"
#include "common/command_line.hpp"

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

//! [send_poem]
// Sends the poem in chunks of numBytes, resting between them. A client that
// leaves early makes write() fail with an error code (EPIPE or ECONNRESET): we
// simply stop sending to it. SIGPIPE is ignored, so it cannot kill the server.
void sendPoem(tcp::socket& socket, const poetry::BlockingServerOptions& options) {
    const std::string& poem = options.poem;
    std::size_t sent = 0;
    while (sent < poem.size()) {
        std::size_t n = std::min(options.numBytes, poem.size() - sent);
        if (!options.quiet) {
            std::cout << "Sending " << n << " bytes" << std::endl;
        }
        error_code ec;
        asio::write(socket, asio::buffer(poem.data() + sent, n), ec);
        if (ec) {
            if (!options.quiet) {
                std::cout << "Client left early (" << ec.message() << ")" << std::endl;
            }
            return;
        }
        sent += n;
        if (sent < poem.size()) {
            std::this_thread::sleep_for(std::chrono::duration<double>(options.delay));
        }
    }
}
//! [send_poem]

}  // namespace

#ifndef SLOWPOETRY_SEND_POEM_ONLY

namespace {

int run(int argc, char** argv) {
    poetry::CommandLine cl("slowpoetry", "[options] POETRY_FILE",
                           "Serves a poem slowly, to one client at a time (Part 1's blocking "
                           "server).");
    poetry::addBlockingServerOptions(cl);
    auto values = cl.parse(argc, argv, std::cout);
    if (!values) {
        return poetry::kExitSuccess;  // --help was printed
    }
    const auto options = poetry::blockingServerOptions(*values);  // the poem too

    //! [serve]
    asio::io_context io;
    poetry::BlockingServer server("slowpoetry", io, options);  // listens
    std::cout << "Serving " << options.poetryFile << " on port " << server.port() << "."
              << std::endl;
    for (;;) {
        auto [socket, peer] = server.accept();  // blocks until a client connects
        if (!options.quiet) {
            std::cout << "Somebody at "
                      << poetry::formatAddress(peer.address().to_string(), peer.port())
                      << " wants poetry!" << std::endl;
        }
        sendPoem(socket, options);  // nobody else is served until this returns
        error_code ignored;
        socket.close(ignored);  // the client reads the close as the end of the poem
    }
    //! [serve]
}

}  // namespace

int main(int argc, char** argv) {
    return poetry::runMain("slowpoetry", [&] { return run(argc, argv); });
}

#endif  // SLOWPOETRY_SEND_POEM_ONLY
