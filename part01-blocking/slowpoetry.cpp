// slowpoetry: the blocking, deliberately slow poetry server of Part 1.
//
// It serves one client at a time. For each client it sends the poem a few bytes
// at a time, sleeping between chunks, then closes the connection and waits for
// the next client. While it is busy with one client, every other client waits in
// the listen queue: that is what "blocking" means here, and why the servers in
// the tutorial are started three times, once per poem.
//
// It also has --fault modes, so the failure paths of the later clients can be
// reproduced by hand: `reset` drops the connection half way with a TCP reset,
// `stall` accepts and then sends nothing, `endless` never stops sending.
#include <csignal>
#include <iostream>
#include <sstream>
#include <thread>

#include <boost/asio.hpp>

#include "common/command_line.hpp"
#include "common/poem_file.hpp"

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

/// How the server misbehaves, if it does.
enum class Fault { none, reset, stall, endless };

Fault parseFault(const std::string& text) {
    if (text == "none")
        return Fault::none;
    if (text == "reset")
        return Fault::reset;
    if (text == "stall")
        return Fault::stall;
    if (text == "endless")
        return Fault::endless;
    throw poetry::UsageError("--fault '" + text + "' is not one of none, reset, stall, endless");
}

struct Settings {
    double delay = 0.7;
    std::size_t numBytes = 10;
    bool quiet = false;
    Fault fault = Fault::none;
};

//! [send_poem]
// Sends the poem in chunks of numBytes, sleeping between them. A client that
// leaves early makes write() fail with an error code (EPIPE or ECONNRESET); we
// simply stop sending to it. SIGPIPE is ignored, so it cannot kill the server.
void sendPoem(tcp::socket& socket, const std::string& poem, const Settings& settings) {
    std::size_t sent = 0;
    while (sent < poem.size()) {
        std::size_t n = std::min(settings.numBytes, poem.size() - sent);
        if (!settings.quiet) {
            std::cout << "Sending " << n << " bytes" << std::endl;
        }
        error_code ec;
        asio::write(socket, asio::buffer(poem.data() + sent, n), ec);
        if (ec) {
            if (!settings.quiet) {
                std::cout << "Client left early (" << ec.message() << ")" << std::endl;
            }
            return;
        }
        sent += n;
        if (sent < poem.size()) {
            std::this_thread::sleep_for(std::chrono::duration<double>(settings.delay));
        }
    }
}
//! [send_poem]

// --fault reset: half the poem, then close with SO_LINGER 0, which makes the
// kernel send a TCP reset instead of the normal FIN. The client sees
// "Connection reset by peer" mid-poem.
void sendHalfThenReset(tcp::socket& socket, const std::string& poem, const Settings& settings) {
    error_code ec;
    asio::write(socket, asio::buffer(poem.data(), poem.size() / 2), ec);
    if (!settings.quiet) {
        std::cout << "Sending " << poem.size() / 2 << " bytes, then a reset" << std::endl;
    }
    socket.set_option(asio::socket_base::linger(true, 0), ec);
    socket.close(ec);
}

// --fault stall: send nothing, and hold the connection until the client gives up.
void stall(tcp::socket& socket, const Settings& settings) {
    if (!settings.quiet) {
        std::cout << "Stalling" << std::endl;
    }
    char byte;
    error_code ec;
    while (!ec) {
        socket.read_some(asio::buffer(&byte, 1), ec);  // returns when the client closes
    }
}

// --fault endless: repeat the poem as fast as the client reads, until it leaves.
void sendForever(tcp::socket& socket, const std::string& poem, const Settings& settings) {
    if (!settings.quiet) {
        std::cout << "Sending the poem forever" << std::endl;
    }
    error_code ec;
    while (!ec) {
        asio::write(socket, asio::buffer(poem), ec);
    }
}

void serve(tcp::socket& socket, const std::string& poem, const Settings& settings) {
    switch (settings.fault) {
        case Fault::none:
            sendPoem(socket, poem, settings);
            break;
        case Fault::reset:
            sendHalfThenReset(socket, poem, settings);
            return;
        case Fault::stall:
            stall(socket, settings);
            break;
        case Fault::endless:
            sendForever(socket, poem, settings);
            break;
    }
    // A clean close: FIN after the last byte, which the client reads as end of poem.
    error_code ec;
    socket.shutdown(tcp::socket::shutdown_send, ec);
    socket.close(ec);
}

// Opens the listening socket. Start-up failures (a busy port, an unknown
// interface) become one readable line: "cannot listen on HOST:PORT: REASON".
tcp::acceptor listenOn(asio::io_context& io, const std::string& iface, std::uint16_t port) {
    auto fail = [&](const error_code& ec) -> tcp::acceptor {
        throw std::runtime_error("cannot listen on " + poetry::formatAddress(iface, port) + ": " +
                                 ec.message());
    };
    error_code ec;
    tcp::resolver resolver(io);
    auto endpoints = resolver.resolve(iface, std::to_string(port),
                                      tcp::resolver::passive | tcp::resolver::numeric_service, ec);
    if (ec) {
        return fail(ec);
    }
    tcp::endpoint endpoint = *endpoints.begin();
    tcp::acceptor acceptor(io);
    acceptor.open(endpoint.protocol(), ec);
    if (!ec) {
        acceptor.set_option(tcp::acceptor::reuse_address(true), ec);
    }
    if (!ec) {
        acceptor.bind(endpoint, ec);
    }
    if (!ec) {
        acceptor.listen(asio::socket_base::max_listen_connections, ec);
    }
    if (ec) {
        return fail(ec);
    }
    return acceptor;
}

// SIGINT and SIGTERM end the server with status 0. The server is blocked in
// accept() or a write most of the time, and has nothing to flush (every line is
// flushed as it is printed), so leaving at once is both safe and what a user wants.
extern "C" void leave(int) {
    std::_Exit(0);
}

int run(int argc, char** argv) {
    poetry::CommandLine cl("slowpoetry", "[options] POETRY_FILE",
                           "Serves a poem slowly, to one client at a time (Part 1's blocking "
                           "server).");
    poetry::addServerOptions(cl);
    cl.options()("delay", poetry::po::value<double>()->default_value(0.7, "0.7"),
                 "seconds to wait between chunks")(
        "num-bytes", poetry::po::value<long long>()->default_value(10), "bytes per chunk")(
        "fault", poetry::po::value<std::string>()->default_value("none"),
        "misbehave on purpose: none, reset (half the poem, then a TCP reset), stall (send "
        "nothing), endless (repeat the poem forever)");
    auto values = cl.parse(argc, argv, std::cout);
    if (!values) {
        return poetry::kExitSuccess;
    }
    auto server = poetry::serverOptions(*values);
    Settings settings;
    settings.quiet = server.quiet;
    settings.delay = (*values)["delay"].as<double>();
    if (!(settings.delay >= 0) || settings.delay > 3600) {
        std::ostringstream text;
        text << "--delay " << settings.delay << " must be between 0 and 3600 seconds";
        throw poetry::UsageError(text.str());
    }
    auto numBytes = (*values)["num-bytes"].as<long long>();
    if (numBytes < 1) {
        throw poetry::UsageError("--num-bytes " + std::to_string(numBytes) + " must be at least 1");
    }
    settings.numBytes = static_cast<std::size_t>(numBytes);
    settings.fault = parseFault((*values)["fault"].as<std::string>());

    std::string poem;
    try {
        poem = poetry::readPoemFile(server.poetryFile);
    } catch (const std::runtime_error& e) {
        throw poetry::UsageError(e.what());
    }

    std::signal(SIGPIPE, SIG_IGN);
    std::signal(SIGINT, leave);
    std::signal(SIGTERM, leave);

    //! [listen]
    asio::io_context io;
    tcp::acceptor acceptor = listenOn(io, server.iface, server.port);
    std::cout << "Serving " << server.poetryFile << " on port " << acceptor.local_endpoint().port()
              << "." << std::endl;

    for (;;) {
        tcp::socket socket(io);
        tcp::endpoint peer;
        error_code ec;
        acceptor.accept(socket, peer, ec);  // blocks until a client connects
        if (ec) {
            // Out of descriptors, or the client vanished before we accepted it:
            // say so, breathe, and keep serving.
            std::cerr << "slowpoetry: accept failed (" << ec.message() << ")" << std::endl;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            continue;
        }
        if (!settings.quiet) {
            std::cout << "Somebody at "
                      << poetry::formatAddress(peer.address().to_string(), peer.port())
                      << " wants poetry!" << std::endl;
        }
        serve(socket, poem, settings);  // nobody else is served until this returns
    }
    //! [listen]
}

}  // namespace

int main(int argc, char** argv) {
    return poetry::runMain("slowpoetry", [&] { return run(argc, argv); });
}
