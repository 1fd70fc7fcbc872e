/// \file
/// \brief logError(): one line on stderr for an error that escaped a callback.
#include "part04-raw-reactor/log.hpp"

#include <exception>
#include <iostream>

#include "common/messages.hpp"

namespace poetry::reactor {

std::string logError(std::string_view where) {
    std::string what = "unknown exception";
    try {
        throw;  // the exception being handled, to learn what it is
    } catch (const std::exception& error) {
        what = describeError(error);  // in plain words: "out of memory", not "std::bad_alloc"
    } catch (...) {
    }
    std::cerr << "Unhandled error in " << where << ": " << what << std::endl;
    return what;
}

}  // namespace poetry::reactor
