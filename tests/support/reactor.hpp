/// \file
/// \brief Running a real part04 reactor inside a unit test: a safety stop, so a
/// broken reactor fails the test instead of hanging it, and a stop that comes only
/// once everything already due has run, so a test can show that something did
/// not happen without waiting a while for it.
#pragma once

#include <gtest/gtest.h>

#include "part04-raw-reactor/reactor.hpp"

namespace poetry::test {

/// Runs `reactor` until one of the test's callbacks stops it. If none has done so
/// after `limit`, a delayed call stops it and the test fails: that call is a
/// safety net for a broken reactor, never how a passing test ends. Called by the
/// reactor and TCP unit tests in place of `reactor.run()`.
inline void runUntilStopped(reactor::Reactor& reactor,
                            reactor::Seconds limit = reactor::Seconds(20)) {
    bool timedOut = false;
    auto safety = reactor.callLater(limit, [&] {
        timedOut = true;
        reactor.stop();
    });
    reactor.run();
    if (safety->active()) {
        safety->cancel();
    }
    ASSERT_FALSE(timedOut) << "nothing stopped the reactor within " << limit.count() << " s";
}

/// Stops `reactor` two turns of its loop from now, for a test that shows a callback
/// does not come (a removed reader's doRead(), a second connectionLost()).
///
/// A delayed call due at once runs at the next turn of the loop; a call it
/// schedules waits for the turn after that (the reactor never runs a call
/// scheduled while it runs due calls in the same turn, so a call that reschedules
/// itself cannot starve the descriptors). Each turn runs every callback made ready
/// by the wait that began it, so by the time the second call runs, every callback
/// that was already due when this was called (data waiting on a socket, a wait
/// that had ended) has run. Called from inside a callback, or before run().
inline void stopAfterTwoTurns(reactor::Reactor& reactor) {
    reactor.callLater(reactor::Seconds(0), [&reactor] {
        reactor.callLater(reactor::Seconds(0), [&reactor] { reactor.stop(); });
    });
}

}  // namespace poetry::test
