// Producers on the string transport: the test plays the kernel (drain(): every byte
// written so far has gone out) and the reactor (endConnection()). The rules checked
// here live in ProducerSlot, which TcpTransport uses the same way.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "part05-protocols/producer.hpp"
#include "part05-protocols/testing.hpp"

namespace {

using poetry::protocols::Producer;
using poetry::protocols::StringTransport;

// A pull producer that writes one numbered piece per resumeProducing(), as
// fastpoetry's does with its poem, and unregisters after `pieces` of them.
class CountingProducer : public Producer {
  public:
    CountingProducer(StringTransport& transport, int pieces)
        : transport_(transport), pieces_(pieces) {}

    void resumeProducing() override {
        ++resumed;
        transport_.write("piece " + std::to_string(resumed) + "\n");
        if (resumed == pieces_) {
            transport_.unregisterProducer();
            transport_.loseConnection();
        }
    }
    void pauseProducing() override { ++paused; }
    void stopProducing() override { ++stopped; }

    int resumed = 0;
    int paused = 0;
    int stopped = 0;

  private:
    StringTransport& transport_;
    int pieces_;
};

TEST(PullProducer, IsAskedForMoreOnlyWhenTheQueueHasDrained) {
    StringTransport transport;
    CountingProducer producer(transport, 3);
    transport.registerProducer(producer, /*streaming=*/false);
    EXPECT_EQ(producer.resumed, 0) << "registering does not produce: the transport asks later";

    transport.drain();
    EXPECT_EQ(producer.resumed, 1);
    // Other writes on the connection do not ask the producer for anything.
    transport.write("an aside\n");
    transport.write("another\n");
    EXPECT_EQ(producer.resumed, 1);

    transport.drain();
    EXPECT_EQ(producer.resumed, 2);
    EXPECT_FALSE(transport.disconnecting());
    transport.drain();
    EXPECT_EQ(producer.resumed, 3);
    EXPECT_FALSE(transport.producing()) << "the producer unregisters after its last piece";
    EXPECT_TRUE(transport.disconnecting());

    transport.drain();  // unregistered: never asked again
    EXPECT_EQ(producer.resumed, 3);
    EXPECT_EQ(producer.paused, 0) << "a pull producer is asked, never paused";
    EXPECT_EQ(transport.value(), "piece 1\nan aside\nanother\npiece 2\npiece 3\n");

    transport.endConnection();  // it had unregistered: nothing to stop
    EXPECT_EQ(producer.stopped, 0);
}

TEST(PullProducer, IsStoppedOnceWhenTheConnectionEndsFirst) {
    StringTransport transport;
    CountingProducer producer(transport, 1000);
    transport.registerProducer(producer, /*streaming=*/false);
    transport.drain();
    transport.drain();
    transport.endConnection();
    EXPECT_EQ(producer.stopped, 1);
    EXPECT_FALSE(transport.producing());
    transport.drain();  // after the end, nothing more is asked
    transport.endConnection();
    EXPECT_EQ(producer.resumed, 2);
    EXPECT_EQ(producer.stopped, 1);
}

TEST(PushProducer, IsPausedWhenBytesWaitAndResumedWhenTheyHaveGone) {
    StringTransport transport;
    CountingProducer producer(transport, 1000);
    transport.registerProducer(producer, /*streaming=*/true);
    transport.drain();  // nothing queued, not paused: a push producer is left alone
    EXPECT_EQ(producer.resumed, 0);
    transport.write("a");
    transport.write("b");
    EXPECT_EQ(producer.paused, 1) << "paused once, not once per write";
    transport.drain();
    EXPECT_EQ(producer.resumed, 1);
}

TEST(Producer, ASecondRegistrationIsAProgrammingError) {
    StringTransport transport;
    CountingProducer first(transport, 1);
    CountingProducer second(transport, 1);
    transport.registerProducer(first, false);
    EXPECT_THROW(transport.registerProducer(second, false), std::logic_error);
    transport.unregisterProducer();
    EXPECT_NO_THROW(transport.registerProducer(second, false));
}

}  // namespace
