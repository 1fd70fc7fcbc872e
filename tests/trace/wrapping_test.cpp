// The tracing wrappers: a factory and its protocols wrapped as --trace wraps them, on a
// StringTransport, with the trace's clock standing still. Each call that crosses a
// wrapper is written to the trace and reaches the wrapped object unchanged.
#include "trace/wrapping.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "part05-protocols/connect.hpp"
#include "part05-protocols/testing.hpp"

namespace poetry::trace {
namespace {

using protocols::ClientFactory;
using protocols::Connector;
using protocols::Protocol;
using protocols::StringTransport;
using reactor::Reason;
using reactor::ReasonKind;

// A protocol that remembers what it was told, and answers a chunk "bye" by writing
// it back and closing.
class EchoProtocol : public Protocol {
  public:
    void connectionMade() override { events->push_back("made"); }
    void dataReceived(std::string_view data) override {
        events->push_back("data " + std::string(data));
        if (data == "bye") {
            transport()->write(data);
            transport()->loseConnection();
        }
    }
    void connectionLost(const Reason& reason) override {
        events->push_back("lost " + reasonSummary(reason));
    }

    std::vector<std::string>* events = nullptr;
};

class EchoFactory : public ClientFactory {
  public:
    EchoFactory() { setProtocol<EchoProtocol>(); }
    std::unique_ptr<Protocol> buildProtocol(const Address& address) override {
        auto protocol = ClientFactory::buildProtocol(address);
        static_cast<EchoProtocol&>(*protocol).events = &events;
        return protocol;
    }
    void clientConnectionFailed(Connector&, const Reason& reason) override {
        events.push_back("failed " + reasonSummary(reason));
    }

    std::vector<std::string> events;
};

struct Wrapped {
    std::ostringstream out;
    reactor::Seconds now{0};
    Trace trace{out, [this] { return now; }};
    EchoFactory factory;
    TraceClientFactory tracing{trace, factory};
    StringTransport transport;
};

TEST(TraceProtocolWrapper, EveryCallThatCrossesItIsTracedAndPassedOn) {
    Wrapped w;
    std::unique_ptr<Protocol> protocol = w.tracing.buildProtocol({"127.0.0.1", 10000});
    auto* wrapper = dynamic_cast<TraceProtocolWrapper*>(protocol.get());
    ASSERT_NE(wrapper, nullptr);
    auto& wrapped = wrapper->wrapped();
    EXPECT_EQ(wrapped.factory(), &w.factory) << "the program's factory built it";

    protocol->makeConnection(w.transport);
    ASSERT_NE(wrapped.transport(), nullptr);
    EXPECT_NE(wrapped.transport(), &w.transport) << "it talks to the wrapper's relay";
    EXPECT_EQ(wrapped.transport()->getPeer(), w.transport.getPeer());
    protocol->dataReceived("bye");
    protocol->connectionLost(Reason::connectionDone());

    EXPECT_EQ(w.factory.events,
              (std::vector<std::string>{"made", "data bye", "lost ConnectionDone"}));
    EXPECT_EQ(w.transport.value(), "bye") << "the write went through to the transport";
    EXPECT_TRUE(w.transport.disconnecting()) << "and so did loseConnection()";
    EXPECT_EQ(w.out.str(),
              "+0.000000 EchoFactory.buildProtocol(127.0.0.1:10000)\n"
              "+0.000000 EchoProtocol.makeConnection()\n"
              "+0.000000 EchoProtocol.dataReceived(3 bytes)\n"
              "+0.000000 StringTransport.loseConnection()\n"
              "+0.000000 EchoProtocol.connectionLost(ConnectionDone)\n");
}

TEST(TraceProtocolWrapper, InsideAStepItsCallsGoOnTheStepsLine) {
    Wrapped w;
    auto protocol = w.tracing.buildProtocol({"127.0.0.1", 10000});
    protocol->makeConnection(w.transport);
    w.out.str("");
    struct Socket : reactor::ReadDescriptor {
        int fileno() override { return 7; }
        void asyncWait(boost::asio::socket_base::wait_type, reactor::ReadyHandler) override {}
        std::optional<Reason> doRead() override { return std::nullopt; }
        void connectionLost(const Reason&) override {}
        std::string logPrefix() const override { return "TcpTransport[127.0.0.1:10000]"; }
    } socket;
    w.trace.dispatching(7, reactor::Direction::Read, socket);
    protocol->dataReceived("a poem");
    w.trace.returned(std::nullopt);
    EXPECT_EQ(w.out.str(),
              "+0.000000 fd 7 readable -> TcpTransport[127.0.0.1:10000].doRead -> "
              "EchoProtocol.dataReceived(6 bytes)\n");
}

// A factory that refuses every connection (buildProtocol() returns null).
class Refusing : public EchoFactory {
  public:
    std::unique_ptr<Protocol> buildProtocol(const Address&) override { return nullptr; }
};

TEST(TraceClientFactory, AFailedConnectionAndARefusedProtocolPassThrough) {
    Refusing refusing;
    Wrapped w;
    TraceClientFactory tracing(w.trace, refusing);
    EXPECT_EQ(tracing.buildProtocol({"127.0.0.1", 10000}), nullptr);

    reactor::Reactor reactor;
    auto connector = std::make_shared<Connector>(reactor, Address{"127.0.0.1", 10009}, tracing,
                                                 reactor::Seconds(30));
    tracing.clientConnectionFailed(
        *connector, Reason(ReasonKind::ConnectionRefusedError, "Connection refused"));
    EXPECT_EQ(refusing.events,
              (std::vector<std::string>{"failed ConnectionRefusedError: Connection refused"}));
    EXPECT_EQ(w.out.str(),
              "+0.000000 Refusing.buildProtocol(127.0.0.1:10000)\n"
              "+0.000000 Refusing.clientConnectionFailed(ConnectionRefusedError: "
              "Connection refused)\n");
}

TEST(Tracing, OffItHandsBackTheFactoryItselfAndTracesNothing) {
    reactor::Reactor reactor;
    EchoFactory factory;
    Tracing tracing(false, reactor);
    EXPECT_EQ(&tracing.wrap(factory), &factory);
}

TEST(Tracing, OnItWrapsEachFactoryOnce) {
    reactor::Reactor reactor;
    EchoFactory factory;
    EchoFactory other;
    Tracing tracing(true, reactor);
    ClientFactory& wrapped = tracing.wrap(factory);
    EXPECT_NE(&wrapped, &factory);
    EXPECT_NE(dynamic_cast<TraceClientFactory*>(&wrapped), nullptr);
    EXPECT_EQ(&tracing.wrap(factory), &wrapped) << "one wrapper per factory";
    EXPECT_NE(&tracing.wrap(other), &wrapped);
}

}  // namespace
}  // namespace poetry::trace
