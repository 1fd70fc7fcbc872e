/// \file
/// \brief `faultpoetry`: slowpoetry's sibling, a blocking server that misbehaves on purpose.
///
/// The later parts' clients must cope with servers that fail them, and the article
/// has no way to make one fail on demand. `faultpoetry --fault MODE` is that way:
/// `reset` drops the connection half way with a TCP reset, `stall` accepts and then
/// sends nothing, `endless` never stops sending, and a few more (kFaults below).
/// The fault matrix in tests/failures/ runs every client against each; the Part 5
/// exercises are tried against them by hand.
///
/// It is `slowpoetry` in every other way: the same options, the same lines, one
/// client at a time, and `--fault none` (the default) is slowpoetry itself. The
/// slow send is slowpoetry's own sendPoem(), from its file; what both servers need
/// beyond the article is in common/blocking_server.hpp.
#include <iostream>
#include <string>

#include <boost/asio.hpp>

#include "common/blocking_server.hpp"
#include "common/command_line.hpp"
#include "common/messages.hpp"

#define SLOWPOETRY_SEND_POEM_ONLY
#include "part01-blocking/slowpoetry.cpp"

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
    {Fault::none, "none", "the poem, slowly, then a clean close, as slowpoetry does"},
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

// Says what the server is about to do to the client, unless --quiet.
void say(const poetry::BlockingServerOptions& options, const std::string& line) {
    if (!options.quiet) {
        std::cout << line << std::endl;
    }
}

// The reset faults: close with SO_LINGER 0, which makes the kernel send a TCP
// reset instead of the normal FIN. The client sees "Connection reset by peer".
// What was sent before (`bytes` of the poem, in one write) is on its way first.
void sendThenReset(tcp::socket& socket, std::size_t bytes,
                   const poetry::BlockingServerOptions& options) {
    say(options, "Sending " + std::to_string(bytes) + " bytes, then a reset");
    error_code ec;
    asio::write(socket, asio::buffer(options.poem.data(), bytes), ec);
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

// --fault endless: repeat the poem as fast as the client reads, until it leaves.
void sendForever(tcp::socket& socket, const poetry::BlockingServerOptions& options) {
    say(options, "Sending the poem forever");
    // The poem repeated into one block of at least 64 KiB: the stream is the same,
    // in far fewer writes than one per copy of a short poem.
    std::string block = options.poem;
    while (block.size() < 64 * 1024) {
        block += options.poem;
    }
    error_code ec;
    while (!ec) {
        asio::write(socket, asio::buffer(block), ec);
    }
}

// Serves one client the way `fault` says.
void misbehave(tcp::socket& socket, Fault fault, const poetry::BlockingServerOptions& options) {
    const std::size_t size = options.poem.size();
    error_code ec;
    switch (fault) {
        case Fault::none:
            sendPoem(socket, options);
            break;
        case Fault::empty:
            break;
        case Fault::resetAtStart:
            return sendThenReset(socket, 0, options);
        case Fault::reset:
            return sendThenReset(socket, size / 2, options);
        case Fault::resetAtEnd:
            return sendThenReset(socket, size, options);
        case Fault::halfClose:
            // The poem and a FIN, but the connection stays open until the client
            // closes its end: a client must take the FIN as the end of the poem.
            sendPoem(socket, options);
            socket.shutdown(tcp::socket::shutdown_send, ec);
            waitForClientToClose(socket);
            break;
        case Fault::stall:
            say(options, "Stalling");
            waitForClientToClose(socket);  // send nothing, and hold on until the client gives up
            break;
        case Fault::endless:
            sendForever(socket, options);
            break;
    }
    socket.close(ec);  // a clean close: FIN after the last byte
}

int run(int argc, char** argv) {
    poetry::CommandLine cl("faultpoetry", "[options] POETRY_FILE",
                           "Serves a poem as slowpoetry does, or fails its clients on purpose "
                           "(--fault), to try how a client copes.");
    poetry::addBlockingServerOptions(cl);
    cl.options()("fault", poetry::po::value<std::string>()->default_value("none"),
                 faultHelp().c_str());
    auto values = cl.parse(argc, argv, std::cout);
    if (!values) {
        return poetry::kExitSuccess;  // --help was printed
    }
    const Fault fault = parseFault((*values)["fault"].as<std::string>());
    const auto options = poetry::blockingServerOptions(*values);

    asio::io_context io;
    poetry::BlockingServer server("faultpoetry", io, options);
    std::cout << "Serving " << options.poetryFile << " on port " << server.port() << "."
              << std::endl;
    for (;;) {
        auto [socket, peer] = server.accept();
        say(options, "Somebody at " +
                         poetry::formatAddress(peer.address().to_string(), peer.port()) +
                         " wants poetry!");
        misbehave(socket, fault, options);
    }
}

}  // namespace

int main(int argc, char** argv) {
    return poetry::runMain("faultpoetry", [&] { return run(argc, argv); });
}
