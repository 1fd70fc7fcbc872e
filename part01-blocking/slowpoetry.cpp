/// \file
/// \brief `slowpoetry`: the blocking, deliberately slow poetry server.
///
/// It serves one client at a time. For each client it sends the poem a few bytes
/// at a time, sleeping between chunks, then closes the connection and waits for
/// the next client. While it is busy with one client, every other client waits in
/// the listen queue: that is what "blocking" means here, and why the servers in
/// the tutorial are started three times, once per poem.
///
/// Beyond the article, it also has --fault modes, so the failure paths of the later
/// clients can be reproduced by hand: `reset` drops the connection half way with a
/// TCP reset, `stall` accepts and then sends nothing, `endless` never stops sending,
/// and a few more (kFaults below) that the fault matrix in tests/ runs every client
/// against.
#include <cerrno>
#include <csignal>
#include <iostream>
#include <sstream>
#include <thread>

#include <boost/asio.hpp>

#include "common/command_line.hpp"
#include "common/messages.hpp"
#include "common/poem_file.hpp"

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

/// How the server misbehaves, if it does (see kFaults for what each one does).
enum class Fault { none, empty, resetAtStart, reset, resetAtEnd, halfClose, stall, endless };

/// Every --fault mode: its name on the command line and what it does, for --help.
struct FaultMode {
    Fault fault;
    const char* name;
    const char* does;
};

constexpr FaultMode kFaults[] = {
    {Fault::none, "none", "the poem, then a clean close"},
    {Fault::empty, "empty", "accept, then close at once without sending a byte"},
    {Fault::resetAtStart, "reset-at-start", "accept, then a TCP reset before any byte"},
    {Fault::reset, "reset", "half the poem at once, then a TCP reset"},
    {Fault::resetAtEnd, "reset-at-end", "the whole poem at once, then a TCP reset"},
    {Fault::halfClose, "half-close",
     "the poem, then shut down sending only and wait for the client to close"},
    {Fault::stall, "stall", "accept, then send nothing and keep the connection open"},
    {Fault::endless, "endless", "repeat the poem for ever, as fast as the client reads"},
};

std::string faultHelp() {
    std::string help = "misbehave on purpose:";
    for (const auto& mode : kFaults) {
        help += std::string(" ") + mode.name + " (" + mode.does + ");";
    }
    help.back() = '.';
    return help;
}

Fault parseFault(const std::string& text) {
    std::string names;
    for (const auto& mode : kFaults) {
        if (text == mode.name) {
            return mode.fault;
        }
        names += (names.empty() ? "" : ", ") + std::string(mode.name);
    }
    throw poetry::UsageError("--fault " + poetry::quote(text) + " is not one of " + names);
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

// The reset faults: close with SO_LINGER 0, which makes the kernel send a TCP
// reset instead of the normal FIN. The client sees "Connection reset by peer".
// What was sent before (`bytes` of the poem, in one write) is on its way first.
void sendThenReset(tcp::socket& socket, const std::string& poem, std::size_t bytes,
                   const Settings& settings) {
    error_code ec;
    if (!settings.quiet) {
        std::cout << "Sending " << bytes << " bytes, then a reset" << std::endl;
    }
    asio::write(socket, asio::buffer(poem.data(), bytes), ec);
    socket.set_option(asio::socket_base::linger(true, 0), ec);
    socket.close(ec);
}

// Reads and drops what the client sends until it closes (or resets) its end.
void waitForClientToClose(tcp::socket& socket) {
    char byte;
    error_code ec;
    while (!ec) {
        socket.read_some(asio::buffer(&byte, 1), ec);
    }
}

// --fault stall: send nothing, and hold the connection until the client gives up.
void stall(tcp::socket& socket, const Settings& settings) {
    if (!settings.quiet) {
        std::cout << "Stalling" << std::endl;
    }
    waitForClientToClose(socket);
}

// --fault endless: repeat the poem as fast as the client reads, until it leaves.
void sendForever(tcp::socket& socket, const std::string& poem, const Settings& settings) {
    if (!settings.quiet) {
        std::cout << "Sending the poem forever" << std::endl;
    }
    // The poem repeated into one block of at least 64 KiB: the stream is the same,
    // in far fewer writes than one per copy of a short poem.
    std::string block = poem;
    while (block.size() < 64 * 1024) {
        block += poem;
    }
    error_code ec;
    while (!ec) {
        asio::write(socket, asio::buffer(block), ec);
    }
}

void serve(tcp::socket& socket, const std::string& poem, const Settings& settings) {
    // Each chunk leaves when it is written, not when Nagle's algorithm decides:
    // what "Sending N bytes" says is what is on its way, even right before a reset.
    error_code ec;
    socket.set_option(tcp::no_delay(true), ec);
    switch (settings.fault) {
        case Fault::none:
            sendPoem(socket, poem, settings);
            break;
        case Fault::empty:
            break;
        case Fault::resetAtStart:
            sendThenReset(socket, poem, 0, settings);
            return;
        case Fault::reset:
            sendThenReset(socket, poem, poem.size() / 2, settings);
            return;
        case Fault::resetAtEnd:
            sendThenReset(socket, poem, poem.size(), settings);
            return;
        case Fault::halfClose:
            // The poem and a FIN, but the connection stays open until the client
            // closes its end: a client must take the FIN as the end of the poem.
            sendPoem(socket, poem, settings);
            socket.shutdown(tcp::socket::shutdown_send, ec);
            waitForClientToClose(socket);
            break;
        case Fault::stall:
            stall(socket, settings);
            break;
        case Fault::endless:
            sendForever(socket, poem, settings);
            break;
    }
    // A clean close: FIN after the last byte, which the client reads as end of poem.
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

// A failed accept() never ends the server. Out of descriptors (or memory), the
// client waits in the listen queue until one frees up: we say so once, and try
// again every tenth of a second rather than at full speed. Any other failure
// (a client that left before we accepted it) is reported and forgotten.
void reportAcceptFailure(const error_code& ec, bool& outOfDescriptors) {
    const int error = ec.value();
    if (error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM) {
        if (!outOfDescriptors) {
            std::cerr << "slowpoetry: cannot accept: " << poetry::describeErrno(error) << std::endl;
            outOfDescriptors = true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        return;
    }
    std::cerr << "slowpoetry: accept failed (" << ec.message() << ")" << std::endl;
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
        "fault", poetry::po::value<std::string>()->default_value("none"), faultHelp().c_str());
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
    } catch (const poetry::PoemFileError& e) {
        throw poetry::UsageError(e.what());  // the file named on the command line is wrong
    }

    std::signal(SIGPIPE, SIG_IGN);
    std::signal(SIGINT, leave);
    std::signal(SIGTERM, leave);

    //! [listen]
    asio::io_context io;
    tcp::acceptor acceptor = listenOn(io, server.iface, server.port);
    std::cout << "Serving " << server.poetryFile << " on port " << acceptor.local_endpoint().port()
              << "." << std::endl;

    bool outOfDescriptors = false;  // reported once per shortage, not once per try
    for (;;) {
        tcp::socket socket(io);
        tcp::endpoint peer;
        error_code ec;
        acceptor.accept(socket, peer, ec);  // blocks until a client connects
        if (ec) {
            reportAcceptFailure(ec, outOfDescriptors);
            continue;
        }
        outOfDescriptors = false;
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
