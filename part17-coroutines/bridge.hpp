/// \file
/// \brief The bridge: a coroutine that `co_await`s a connection and its chunks, on
/// part05's connectTCP(), factories and protocols.
///
/// In Twisted this is the job of Deferreds and `inlineCallbacks` (the series' Parts 7
/// to 17): a callback fires a Deferred, and the Deferred resumes the generator that
/// waits on it. Here a protocol's callbacks resume the coroutine that waits on it:
///
///     Connection connection = co_await creator.connectTCP(host, port);  // connectionMade
///     while (auto chunk = co_await connection.read()) {  // each dataReceived
///         ...
///     }                                           // connectionLost(ConnectionDone)
///
/// Nothing below the bridge changes: connectTCP() makes the connection, the reactor
/// calls doRead(), the transport calls dataReceived(). Only the last step differs:
/// instead of code in a protocol class, dataReceived() runs the rest of a coroutine.
#pragma once

#include <coroutine>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "common/address.hpp"
#include "part04-raw-reactor/delayed_call.hpp"
#include "part04-raw-reactor/reactor.hpp"
#include "part04-raw-reactor/reason.hpp"
#include "part05-protocols/connect.hpp"
#include "part05-protocols/factory.hpp"

namespace poetry::coroutines {

namespace detail {
class CoroutineProtocol;
class CoroutineFactory;
}  // namespace detail

// [errors]
/// What a coroutine catches when a connection fails: the Reason, as an exception.
///
/// The bridge throws, where part05 calls clientConnectionFailed() or
/// connectionLost() with a reason that is not ConnectionDone, into the coroutine
/// that waits, at its `co_await` (as `inlineCallbacks` raises a Failure inside the
/// generator). An exception and not a value to check: a body cannot forget it and
/// count a lost poem as whole, and the body's happy path reads straight through, with
/// what to do about each failure in one `catch` at the end. The clean close is no
/// exception: it is how a poem ends (read() returns no chunk).
class ConnectionError : public std::runtime_error {
  public:
    /// Made by the bridge from the reason part05 gave; what() is the reason's message.
    explicit ConnectionError(reactor::Reason reason);

    /// Why: Reason::check() says which kind (ConnectionRefusedError, ConnectionLost, ...).
    const reactor::Reason& reason() const { return reason_; }

  private:
    reactor::Reason reason_;
};

/// No connection was made (ClientFactory::clientConnectionFailed()): refused, no
/// such host, timed out. Thrown by `co_await ClientCreator::connectTCP(...)`.
class ConnectFailed : public ConnectionError {
  public:
    using ConnectionError::ConnectionError;
};

/// A connection that was made ended any way but cleanly (Protocol::connectionLost()
/// with ConnectionLost or ConnectionAborted): a reset, an error. Thrown by
/// `co_await Connection::read()`, after the chunks that came before it.
class ConnectionLost : public ConnectionError {
  public:
    using ConnectionError::ConnectionError;
};
// [errors]

/// One connection, as a coroutine sees it: what `co_await ClientCreator::connectTCP()`
/// gives, from which it `co_await`s chunks with read().
///
/// It is the coroutine's end of the bridge. The other end is the connection's
/// protocol (built by the bridge's factory, owned by the transport): its
/// dataReceived() resumes the coroutine waiting in read() with the chunk, or keeps the
/// bytes here when the coroutine is not waiting (it is busy elsewhere, awaiting
/// something else), so no byte is lost; its connectionLost() resumes it with the end.
///
/// Ownership: a local of the coroutine (it lives in the frame), and it cannot move,
/// since the protocol points to it. It does not own the protocol or the transport
/// (the reactor owns the transport, the transport its protocol), and whichever of
/// the Connection and the protocol goes first tells the other, so neither ever
/// calls a dead one. A Connection destroyed while its connection is still open (the
/// body returned early, or its frame was destroyed) closes it (loseConnection()).
class Connection {
  public:
    /// The awaitable that read() returns.
    class ReadOperation {
      public:
        /// Ready at once when bytes came while nobody was waiting, or the end is known.
        bool await_ready() const noexcept;

        /// Nothing yet: the coroutine waits for the protocol's next callback.
        void await_suspend(std::coroutine_handle<> reader) noexcept;

        /// The next chunk; no chunk at a clean close; throws ConnectionLost when the
        /// connection broke.
        std::optional<std::string_view> await_resume();

      private:
        friend class Connection;
        explicit ReadOperation(Connection& connection) : connection_(connection) {}
        Connection& connection_;
    };

    /// Lets go of the protocol, and closes the connection if it is still open.
    ~Connection();

    Connection(const Connection&) = delete;             ///< The protocol points here.
    Connection& operator=(const Connection&) = delete;  ///< Not assignable either.

    /// `co_await connection.read()`: the bytes that arrived since the last read (as
    /// they came in one dataReceived(), or everything kept meanwhile), no chunk once
    /// the server has closed cleanly, or ConnectionLost. The chunk is lent, as
    /// dataReceived()'s `data` is: valid until the coroutine's next `co_await`, so copy
    /// what you keep. Called by the coroutine that owns the Connection, one read at a
    /// time (a second read while one waits throws std::logic_error).
    ReadOperation read();

    /// The server's address (the transport's getPeer()), kept after the connection ends.
    const Address& peer() const { return peer_; }

  private:
    friend class ClientCreator;
    friend class detail::CoroutineProtocol;

    explicit Connection(detail::CoroutineProtocol& protocol);

    void received(std::string_view data);
    void ended(const reactor::Reason& reason);
    std::optional<std::string_view> take();

    detail::CoroutineProtocol* protocol_;  // null once the connection has ended
    Address peer_;
    std::coroutine_handle<> reader_;          // the coroutine waiting in read(), if any
    std::optional<std::string_view> handed_;  // the chunk dataReceived() resumed it with
    std::string kept_;                        // bytes that came while nobody waited
    bool lent_ = false;                       // kept_ was handed out by the last read()
    bool ended_ = false;                      // the connection has ended ...
    std::unique_ptr<reactor::Reason> lost_;   // ... and why, unless it closed cleanly
};

/// Connects coroutines to servers: `co_await creator.connectTCP(host, port)` gives a
/// Connection, or throws ConnectFailed (Twisted's `ClientCreator`, whose connectTCP()
/// returns a Deferred that fires with the protocol).
///
/// connectTCP() is part05's connectTCP() with a small factory of the bridge's: each
/// attempt needs its own, since buildProtocol() is not told which attempt it builds
/// for, and the factory is how the connection finds the coroutine that waits for it.
///
/// Ownership: the program makes one after its reactor and keeps it until
/// reactor.run() has returned (as it keeps a factory). The creator owns the
/// factories: one per attempt in progress or connection open, then kept to serve a
/// later attempt, and destroyed only with the creator, so the reactor never calls a
/// factory that is gone.
class ClientCreator {
  public:
    /// How an attempt is started: part05's connectTCP() in a program; a test's own
    /// function that keeps the factory, to play the connection by hand (Twisted's
    /// `MemoryReactor`).
    using ConnectFunction = std::function<void(const Address& to, protocols::ClientFactory& factory,
                                               reactor::Seconds timeout)>;

    /// The awaitable that connectTCP() returns; its result is the Connection.
    class ConnectOperation {
      public:
        /// Never ready: a connection is made from the reactor, never at once.
        bool await_ready() const noexcept { return false; }

        /// Starts the attempt: a factory of the bridge's, then part05's connectTCP().
        void await_suspend(std::coroutine_handle<> waiter);

        /// The connection, or ConnectFailed with part05's reason.
        Connection await_resume();

        /// A frame destroyed while it still waits here: its factory forgets it, and
        /// closes the connection if one is made after all.
        ~ConnectOperation();

        ConnectOperation(const ConnectOperation&) = delete;  ///< The factory points here.
        ConnectOperation& operator=(const ConnectOperation&) = delete;  ///< Nor assignable.

      private:
        friend class ClientCreator;
        friend class detail::CoroutineFactory;

        ConnectOperation(ClientCreator& creator, Address destination, reactor::Seconds timeout)
            : creator_(creator), destination_(std::move(destination)), timeout_(timeout) {}

        void connected(detail::CoroutineProtocol& protocol);
        void failed(const reactor::Reason& reason);

        ClientCreator& creator_;
        Address destination_;
        reactor::Seconds timeout_;
        std::coroutine_handle<> waiter_;
        detail::CoroutineFactory* factory_ = nullptr;  // while the attempt is on
        detail::CoroutineProtocol* protocol_ = nullptr;
        std::unique_ptr<reactor::Reason> failure_;  // made only when there is one
    };

    /// Connects with part05's connectTCP() on `reactor`.
    explicit ClientCreator(reactor::Reactor& reactor);

    /// Connects with `connect` (for tests).
    explicit ClientCreator(ConnectFunction connect);

    /// Destroys the factories. Called after reactor.run() has returned and the
    /// coroutines' frames are gone (declare the creator before the TaskGroup).
    ~ClientCreator();

    ClientCreator(const ClientCreator&) = delete;             ///< Its factories point to it.
    ClientCreator& operator=(const ClientCreator&) = delete;  ///< Not assignable either.

    /// `co_await creator.connectTCP(host, port)`: connects to `host`:`port` as part05's
    /// connectTCP() does (a name is resolved first; `timeout` for the attempt) and
    /// resumes the coroutine from the reactor, with the Connection once it is made,
    /// or with ConnectFailed. Called from a coroutine body.
    ConnectOperation connectTCP(std::string host, std::uint16_t port,
                                reactor::Seconds timeout = protocols::kDefaultConnectTimeout);

  private:
    friend class detail::CoroutineFactory;

    detail::CoroutineFactory& factoryFor(ConnectOperation& operation);
    void done(detail::CoroutineFactory& factory);

    ConnectFunction connect_;
    std::list<detail::CoroutineFactory> busy_;  // attempts in progress, connections open
    std::list<detail::CoroutineFactory> idle_;  // done with, ready for another attempt
};

/// The awaitable that sleep() returns.
class SleepOperation {
  public:
    /// Ready at once only for no delay at all.
    bool await_ready() const noexcept { return delay_ <= reactor::Seconds(0); }

    /// Schedules the coroutine's resumption with callLater().
    void await_suspend(std::coroutine_handle<> sleeper);

    /// Nothing to give back: the time has passed.
    void await_resume() const noexcept {}

    /// Cancels the delayed call if the frame is destroyed before it ran.
    ~SleepOperation();

    SleepOperation(const SleepOperation&) = delete;             ///< The call points here.
    SleepOperation& operator=(const SleepOperation&) = delete;  ///< Not assignable either.

  private:
    friend SleepOperation sleep(reactor::ReactorTime& clock, reactor::Seconds delay);
    SleepOperation(reactor::ReactorTime& clock, reactor::Seconds delay)
        : clock_(clock), delay_(delay) {}

    reactor::ReactorTime& clock_;
    reactor::Seconds delay_;
    std::shared_ptr<reactor::DelayedCall> call_;
};

/// `co_await sleep(reactor, Seconds(1))`: the coroutine lets go of the loop and is
/// resumed by a delayed call `delay` from now (Twisted's `deferLater`). The other
/// downloads go on meanwhile, which is the whole difference with
/// `std::this_thread::sleep_for`, a blocking call that holds the loop. `clock` is the
/// Reactor in a program, a test's Clock in a test.
SleepOperation sleep(reactor::ReactorTime& clock, reactor::Seconds delay);

}  // namespace poetry::coroutines
