/// \file
/// \brief logError(): the one reporter of errors that escaped a callback (Twisted's `log.err`).
#pragma once

#include <string>
#include <string_view>

namespace poetry::reactor {

/// Reports the exception being handled, as Twisted's `log.err` does: one line on
/// stderr, `Unhandled error in WHERE: WHAT`, and the program goes on. Called from a
/// catch block by whoever caught what a callback let escape: the reactor (doRead,
/// doWrite, connectionLost, a delayed call, a resolve callback) and part05's connector
/// and port (a factory's or protocol's callback). Returns the exception's message.
std::string logError(std::string_view where);

}  // namespace poetry::reactor
