/// \file
/// \brief The bridge: a protocol and a factory whose callbacks resume a coroutine.
///
/// Read it in the order of a connection's life: the factory (an attempt's outcome:
/// a protocol, or clientConnectionFailed), the protocol (dataReceived and
/// connectionLost), then the coroutine's side of each (ConnectOperation, Connection).
/// Every resume happens inside a callback of part05's, so the reactor makes it:
/// a coroutine's body runs, a piece at a time, inside Reactor::dispatch().
#include "part17-coroutines/bridge.hpp"

#include <utility>

namespace poetry::coroutines {

using reactor::Reason;
using reactor::ReasonKind;

ConnectionError::ConnectionError(Reason reason)
    : std::runtime_error(reason.message()), reason_(std::move(reason)) {}

namespace detail {

// [CoroutineFactory]
// One connection attempt's factory: it knows which coroutine waits for the attempt.
// The connector calls it, as it calls any ClientFactory: buildProtocol() when the
// connection is made, then clientConnectionLost() when it has ended; or
// clientConnectionFailed() if there never was one.
class CoroutineFactory : public protocols::ClientFactory {
  public:
    explicit CoroutineFactory(ClientCreator& creator) : creator_(creator) {
        setProtocol<CoroutineProtocol>();
    }

    // A new attempt, for `operation` (the factory of a finished one is used again).
    void start(ClientCreator::ConnectOperation& operation) { waiter_ = &operation; }

    // The waiting frame was destroyed: nobody wants this connection any more.
    void forget() { waiter_ = nullptr; }

    std::unique_ptr<protocols::Protocol> buildProtocol(const Address& address) override {
        if (waiter_ == nullptr) {
            return nullptr;  // refused: part05 closes the connection
        }
        return ClientFactory::buildProtocol(address);
    }

    // Called by the protocol's connectionMade(): the coroutine gets its Connection.
    void connected(CoroutineProtocol& protocol);

    void clientConnectionFailed(protocols::Connector& connector, const Reason& reason) override {
        (void)connector;
        ClientCreator::ConnectOperation* waiter = std::exchange(waiter_, nullptr);
        creator_.done(*this);  // reusable once this call returns; not destroyed before
        if (waiter != nullptr) {
            waiter->failed(reason);  // resumes the coroutine, which throws ConnectFailed
        }
    }

    void clientConnectionLost(protocols::Connector& connector, const Reason& reason) override {
        (void)connector;
        (void)reason;  // the protocol's connectionLost() already told the coroutine
        creator_.done(*this);
    }

    std::list<CoroutineFactory>::iterator place;  // in the creator's busy_ or idle_

  private:
    ClientCreator& creator_;
    ClientCreator::ConnectOperation* waiter_ = nullptr;
};
// [CoroutineFactory]

// [CoroutineProtocol]
// The connection's protocol: each callback resumes the coroutine that waits on its
// Connection (or, if the coroutine is busy elsewhere, leaves it what came).
class CoroutineProtocol : public protocols::Protocol {
  public:
    ~CoroutineProtocol() override {
        if (connection_ != nullptr) {
            connection_->protocol_ = nullptr;  // gone first: the Connection must not call us
        }
    }

    void connectionMade() override { factoryAs<CoroutineFactory>().connected(*this); }

    // Not inlined, so a stack from the coroutine body shows this frame.
    [[gnu::noinline]] void dataReceived(std::string_view data) override {
        if (connection_ != nullptr) {
            connection_->received(data);
        }
    }

    void connectionLost(const Reason& reason) override {
        if (connection_ != nullptr) {
            connection_->ended(reason);
        }
    }

  private:
    friend class poetry::coroutines::Connection;
    Connection* connection_ = nullptr;  // set by the Connection, cleared by whichever goes first
};
// [CoroutineProtocol]

void CoroutineFactory::connected(CoroutineProtocol& protocol) {
    ClientCreator::ConnectOperation* waiter = std::exchange(waiter_, nullptr);
    if (waiter == nullptr) {
        protocol.transport()->loseConnection();  // nobody waits for it any more
        return;
    }
    waiter->connected(protocol);  // resumes the coroutine with its Connection
}

}  // namespace detail

// ---- the coroutine's side: connecting --------------------------------------

ClientCreator::ClientCreator(reactor::Reactor& reactor)
    : connect_([&reactor](const Address& to, protocols::ClientFactory& factory,
                          reactor::Seconds timeout) {
          protocols::connectTCP(reactor, to.host, to.port, factory, timeout);
      }) {}

ClientCreator::ClientCreator(ConnectFunction connect) : connect_(std::move(connect)) {}

ClientCreator::~ClientCreator() = default;

ClientCreator::ConnectOperation ClientCreator::connectTCP(std::string host, std::uint16_t port,
                                                          reactor::Seconds timeout) {
    return ConnectOperation(*this, Address{std::move(host), port}, timeout);
}

detail::CoroutineFactory& ClientCreator::factoryFor(ConnectOperation& operation) {
    if (idle_.empty()) {
        idle_.emplace_front(*this);
        idle_.front().place = idle_.begin();
    }
    detail::CoroutineFactory& factory = idle_.front();
    busy_.splice(busy_.end(), idle_, factory.place);  // iterators stay valid
    factory.start(operation);
    return factory;
}

// The connector will not call `factory` again: it may serve the next attempt. It is
// only moved between lists, never destroyed while a call of the connector's runs.
void ClientCreator::done(detail::CoroutineFactory& factory) {
    idle_.splice(idle_.end(), busy_, factory.place);
}

// [ConnectOperation]
void ClientCreator::ConnectOperation::await_suspend(std::coroutine_handle<> waiter) {
    waiter_ = waiter;
    factory_ = &creator_.factoryFor(*this);
    creator_.connect_(destination_, *factory_, timeout_);  // returns at once
}

// Called by the factory when the protocol is connected: back into the coroutine,
// which returns from its co_await with the Connection (await_resume() below).
void ClientCreator::ConnectOperation::connected(detail::CoroutineProtocol& protocol) {
    factory_ = nullptr;
    protocol_ = &protocol;
    waiter_.resume();
}

// Called by the factory when no connection could be made: back into the
// coroutine, which throws ConnectFailed from its co_await.
void ClientCreator::ConnectOperation::failed(const Reason& reason) {
    factory_ = nullptr;
    failure_ = std::make_unique<Reason>(reason);
    waiter_.resume();
}

Connection ClientCreator::ConnectOperation::await_resume() {
    if (failure_) {
        throw ConnectFailed(*failure_);
    }
    return Connection(*protocol_);  // made right in the coroutine's local variable
}
// [ConnectOperation]

ClientCreator::ConnectOperation::~ConnectOperation() {
    if (factory_ != nullptr) {
        factory_->forget();  // destroyed while waiting: the attempt goes on, unwanted
    }
}

// ---- the coroutine's side: reading -----------------------------------------

Connection::Connection(detail::CoroutineProtocol& protocol)
    : protocol_(&protocol), peer_(protocol.transport()->getPeer()) {
    protocol.connection_ = this;
}

Connection::~Connection() {
    if (protocol_ != nullptr) {
        // The body is done with a connection that is still open: it returned early,
        // or its frame was destroyed. Let go of the protocol, and close.
        protocol_->connection_ = nullptr;
        protocol_->transport()->loseConnection();
    }
}

Connection::ReadOperation Connection::read() {
    if (reader_) {
        throw std::logic_error("Connection::read: a read is already waiting");
    }
    if (lent_) {  // the last read lent kept_; its chunk is dead now
        kept_.clear();
        lent_ = false;
    }
    return ReadOperation(*this);
}

bool Connection::ReadOperation::await_ready() const noexcept {
    return !connection_.kept_.empty() || connection_.ended_;
}

void Connection::ReadOperation::await_suspend(std::coroutine_handle<> reader) noexcept {
    connection_.reader_ = reader;
}

std::optional<std::string_view> Connection::ReadOperation::await_resume() {
    return connection_.take();
}

// [received]
// Called by the protocol's dataReceived(). Not inlined, so a stack from the body
// shows the step where the callback becomes a coroutine again.
[[gnu::noinline]] void Connection::received(std::string_view data) {
    if (reader_) {
        handed_ = data;                       // lent for as long as dataReceived() runs
        std::exchange(reader_, {}).resume();  // the body runs until its next co_await
        return;                               // (and `this` may be gone by now)
    }
    // Nobody waits: the body is busy awaiting something else. Keep the bytes for its
    // next read(); the transport's buffer is reused as soon as we return.
    if (lent_) {
        kept_.clear();
        lent_ = false;
    }
    kept_.append(data);
}

// Called by the protocol's connectionLost(): the protocol goes right after.
void Connection::ended(const Reason& reason) {
    protocol_->connection_ = nullptr;
    protocol_ = nullptr;
    ended_ = true;
    if (!reason.check(ReasonKind::ConnectionDone)) {
        lost_ = std::make_unique<Reason>(reason);
    }
    if (reader_) {
        std::exchange(reader_, {}).resume();  // read() returns the end
    }
}

// What a read() returns: a chunk handed over by dataReceived(), else what was kept,
// else the end: no chunk for a clean close, ConnectionLost for anything else.
std::optional<std::string_view> Connection::take() {
    if (handed_) {
        return std::exchange(handed_, std::nullopt);
    }
    if (!kept_.empty()) {
        lent_ = true;
        return std::string_view(kept_);
    }
    if (lost_) {
        throw ConnectionLost(*lost_);
    }
    return std::nullopt;  // a clean close
}
// [received]

// ---- sleeping ---------------------------------------------------------------

void SleepOperation::await_suspend(std::coroutine_handle<> sleeper) {
    call_ = clock_.callLater(delay_, [sleeper] { sleeper.resume(); });
}

SleepOperation::~SleepOperation() {
    if (call_ && call_->active()) {
        call_->cancel();  // the frame is gone: nobody to resume
    }
}

SleepOperation sleep(reactor::ReactorTime& clock, reactor::Seconds delay) {
    return SleepOperation(clock, delay);
}

}  // namespace poetry::coroutines
