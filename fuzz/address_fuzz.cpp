// Fuzz target: parseAddress() with arbitrary bytes.
//
// Properties: an address it accepts has a host and a port in 1..65535, prints on
// one line, and parses back from its printed form to the same address (parse,
// print, parse round-trips); a text it refuses gets a one-line message that
// quotes the text exactly as quote() does.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "common/address.hpp"
#include "common/messages.hpp"
#include "fuzz/check.hpp"

using poetry::fuzz::check;
using poetry::fuzz::oneLine;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    poetry::Address address;
    try {
        address = poetry::parseAddress(text);
    } catch (const std::invalid_argument& error) {
        const std::string message = error.what();
        check(oneLine(message), "a refusal is one line", message);
        check(message.find(poetry::quote(text)) != std::string::npos,
              "a refusal quotes the argument", message);
        return 0;
    }
    check(!address.host.empty(), "an accepted address has a host");
    check(address.port >= 1, "an accepted address has a port in 1..65535");
    const std::string shown = address.str();
    check(oneLine(shown), "an address prints on one line", shown);
    check(shown == poetry::formatAddress(address.host, address.port), "str() is formatAddress()",
          shown);
    poetry::Address again;
    try {
        again = poetry::parseAddress(shown);
    } catch (const std::invalid_argument& error) {
        check(false, "a printed address parses", shown + " -> " + error.what());
    }
    check(again == address, "parse, print, parse gives the same address", shown);
    return 0;
}
