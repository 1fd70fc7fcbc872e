/// \file
/// \brief Producer: flow control, so a writer makes bytes only as fast as its connection sends
/// them.
#pragma once

#include <stdexcept>

namespace poetry::protocols {

/// Something that writes to a transport at the transport's pace (Twisted's
/// `IPullProducer`, and `IPushProducer` when streaming).
///
/// Without one, a protocol that has a lot to send writes it all at once and the
/// transport keeps every unsent byte in memory for as long as the peer takes to read
/// it. With one, the protocol registers itself (or a helper it owns) with
/// Transport::registerProducer() and writes a little at a time, when asked:
///   - a pull producer (`streaming` false) is asked by the transport, with
///     resumeProducing(), each time the transport has sent everything written so far;
///     it writes one bounded piece per call, and when it has nothing left it calls
///     Transport::unregisterProducer() (and usually Transport::loseConnection());
///   - a push producer (`streaming` true) writes whenever it likes; the transport
///     calls pauseProducing() when bytes start to wait in its queue and
///     resumeProducing() once they have gone out;
///   - either way the transport calls stopProducing() once, if the connection ends
///     while the producer is still registered. No other call follows it.
///
/// Ownership: the transport only borrows its producer. The producer must stay alive
/// until it has unregistered or stopProducing() has been called; a protocol that is
/// its own producer always is, since its transport ends it after connectionLost().
class Producer {
  public:
    virtual ~Producer() = default;

    /// Called by the transport: for a pull producer, each time its write queue has
    /// drained (write one piece now); for a push producer, after pauseProducing(),
    /// once the queue has drained (writing may go on).
    virtual void resumeProducing() = 0;

    /// Called by the transport, for a push producer only, when bytes are waiting in
    /// its queue: stop writing until resumeProducing(). A pull producer ignores it.
    virtual void pauseProducing() {}

    /// Called by the transport, once, when the connection has ended while this
    /// producer was registered: let go of what it holds and write no more.
    virtual void stopProducing() = 0;
};

/// The producer bookkeeping every transport shares: who is registered, whether it is
/// streaming, whether it is paused, and which of its methods to call when.
///
/// A transport owns one and calls it at three moments: when bytes stay queued
/// (queueFilling()), when its queue has drained (queueDrained()) and when the
/// connection ends (connectionEnded()). TcpTransport and the test StringTransport
/// both use it, so a unit test on the one checks the rules of the other.
class ProducerSlot {
  public:
    /// Registers `producer` (Transport::registerProducer()). Throws std::logic_error
    /// if one is registered already, as Twisted raises RuntimeError.
    void registerProducer(Producer& producer, bool streaming) {
        if (producer_ != nullptr) {
            throw std::logic_error("registerProducer: a producer is already registered");
        }
        producer_ = &producer;
        streaming_ = streaming;
        paused_ = false;
    }

    /// Forgets the producer (Transport::unregisterProducer()); no call reaches it after.
    void unregisterProducer() { producer_ = nullptr; }

    /// True while a producer is registered.
    bool registered() const { return producer_ != nullptr; }

    /// True while a pull producer is registered: the transport then keeps asking for
    /// more each time its queue drains.
    bool pulling() const { return producer_ != nullptr && !streaming_; }

    /// Called by the transport when a write left bytes waiting in its queue: pauses
    /// a push producer (once). Nothing for a pull producer, which is asked, not told.
    void queueFilling() {
        if (producer_ != nullptr && streaming_ && !paused_) {
            paused_ = true;
            producer_->pauseProducing();
        }
    }

    /// Called by the transport when its queue has drained: asks a pull producer for
    /// more, or resumes a paused push producer.
    void queueDrained() {
        if (producer_ != nullptr && (!streaming_ || paused_)) {
            paused_ = false;
            producer_->resumeProducing();
        }
    }

    /// Called by the transport when the connection has ended: stops and forgets the
    /// producer, if one is still registered.
    void connectionEnded() {
        if (Producer* producer = producer_) {
            producer_ = nullptr;
            producer->stopProducing();
        }
    }

  private:
    Producer* producer_ = nullptr;
    bool streaming_ = false;
    bool paused_ = false;
};

}  // namespace poetry::protocols
