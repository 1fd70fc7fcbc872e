// Protocols and factories without sockets: the string transport plays the
// connection and the test plays the reactor. (A protocol with a timer, on part04's
// Clock, is exercise 1's: tests/exercises/timeout_protocol_test.cpp.)
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "part05-protocols/factory.hpp"
#include "part05-protocols/protocol.hpp"
#include "part05-protocols/testing.hpp"
#include "support/process.hpp"

// Client 2.0's PoetryProtocol and PoetryClientFactory, from its program file.
#define PROTOCOL_GET_POETRY_CLASSES_ONLY
#include "part05-protocols/get_poetry.cpp"

namespace {

using poetry::Address;
using poetry::ClientReport;
using poetry::client::PoetryClientFactory;
using poetry::client::PoetryProtocol;
using poetry::protocols::ClientFactory;
using poetry::protocols::Protocol;
using poetry::protocols::ServerFactory;
using poetry::protocols::StringTransport;
using poetry::reactor::Reason;
using poetry::reactor::ReasonKind;

// A protocol that writes down which callbacks ran, and what it saw then.
class RecordingProtocol : public Protocol {
  public:
    void connectionMade() override {
        events.push_back("connectionMade");
        transportAtConnectionMade = transport();
    }
    void dataReceived(std::string_view data) override { received.append(data); }
    void connectionLost(const Reason& reason) override {
        events.push_back(std::string("connectionLost ") + poetry::reactor::kindName(reason.kind()));
    }

    std::vector<std::string> events;
    std::string received;
    poetry::protocols::Transport* transportAtConnectionMade = nullptr;
};

TEST(Factory, BuildsTheProtocolTypeItWasGivenAndSetsItsFactory) {
    ClientFactory factory;
    factory.setProtocol<RecordingProtocol>();
    std::unique_ptr<Protocol> protocol = factory.buildProtocol({"127.0.0.1", 10000});
    ASSERT_NE(protocol, nullptr);
    EXPECT_NE(dynamic_cast<RecordingProtocol*>(protocol.get()), nullptr);
    EXPECT_EQ(protocol->factory(), &factory);
    EXPECT_EQ(&protocol->factoryAs<ClientFactory>(), &factory);

    ServerFactory serverFactory;
    serverFactory.setProtocol<RecordingProtocol>();
    auto served = serverFactory.buildProtocol({"127.0.0.1", 10000});
    EXPECT_EQ(served->factory(), &serverFactory);
}

// Twisted's factory without a `protocol` cannot build: here that is a programming
// error, said at once.
TEST(Factory, WithoutAProtocolTypeBuildProtocolThrows) {
    ServerFactory factory;
    EXPECT_THROW(factory.buildProtocol({"127.0.0.1", 1}), std::logic_error);
}

// The last setProtocol() wins, as assigning Twisted's `protocol` attribute does:
// the stack demo has client 2.0's factory build its own PoetryProtocol, and the
// factory's buildProtocol() still stamps the task numbers.
class OtherPoetryProtocol : public PoetryProtocol {};

TEST(Factory, SetProtocolAgainChangesWhatIsBuilt) {
    std::ostringstream out;
    std::ostringstream err;
    ClientReport report(true, out, err);
    PoetryClientFactory factory(2, report, [] {});
    auto before = factory.buildProtocol({"127.0.0.1", 1});
    factory.setProtocol<OtherPoetryProtocol>();
    auto after = factory.buildProtocol({"127.0.0.1", 2});
    EXPECT_EQ(dynamic_cast<OtherPoetryProtocol*>(before.get()), nullptr);
    ASSERT_NE(dynamic_cast<OtherPoetryProtocol*>(after.get()), nullptr);
    EXPECT_EQ(static_cast<PoetryProtocol&>(*after).taskNum, 2);
    EXPECT_EQ(after->factory(), &factory);
}

TEST(Factory, AProtocolNoFactoryBuiltHasNoFactory) {
    RecordingProtocol orphan;
    EXPECT_EQ(orphan.factory(), nullptr);
    EXPECT_THROW(orphan.factoryAs<PoetryClientFactory>(), std::logic_error);
}

TEST(Protocol, TransportIsNullUntilMakeConnection) {
    ClientFactory factory;
    factory.setProtocol<RecordingProtocol>();
    auto built = factory.buildProtocol({"127.0.0.1", 1});
    auto& protocol = dynamic_cast<RecordingProtocol&>(*built);
    EXPECT_EQ(protocol.transport(), nullptr);
    EXPECT_FALSE(protocol.connected());
    EXPECT_TRUE(protocol.events.empty());

    StringTransport transport;
    protocol.makeConnection(transport);
    EXPECT_EQ(protocol.transport(), &transport);
    EXPECT_TRUE(protocol.connected());
    // connectionMade ran after the transport was set, and only once.
    EXPECT_EQ(protocol.transportAtConnectionMade, &transport);
    EXPECT_EQ(protocol.events, std::vector<std::string>{"connectionMade"});
}

TEST(StringTransport, RecordsWritesAndCloses) {
    StringTransport transport({"10.0.0.2", 7}, {"10.0.0.1", 8});
    transport.write("Hello, ");
    transport.writeSequence({"poetry", "!"});
    EXPECT_EQ(transport.value(), "Hello, poetry!");
    EXPECT_EQ(transport.getPeer(), (Address{"10.0.0.2", 7}));
    EXPECT_EQ(transport.getHost(), (Address{"10.0.0.1", 8}));
    EXPECT_FALSE(transport.disconnecting());
    transport.loseConnection();
    EXPECT_TRUE(transport.disconnecting());
    EXPECT_FALSE(transport.aborted());
    transport.abortConnection();
    EXPECT_TRUE(transport.aborted());
    transport.clear();
    EXPECT_EQ(transport.value(), "");
}

// The poem in every chunk size from one byte up to the whole poem at once: the
// same poem comes out, and each chunk is reported once, with the peer's address.
TEST(PoetryProtocol, SamePoemOutForEveryChunkSize) {
    const std::string poem = poetry::test::readFile(poetry::test::poemPath("science.txt"));
    ASSERT_FALSE(poem.empty());
    for (std::size_t chunk = 1; chunk <= poem.size(); ++chunk) {
        std::ostringstream out;
        std::ostringstream err;
        ClientReport report(false, out, err);
        int done = 0;
        PoetryClientFactory factory(1, report, [&] { ++done; });
        auto protocol = factory.buildProtocol({"192.0.2.2", 10000});
        StringTransport transport({"192.0.2.2", 10000});
        protocol->makeConnection(transport);
        std::size_t chunks = 0;
        for (std::size_t at = 0; at < poem.size(); at += chunk, ++chunks) {
            protocol->dataReceived(std::string_view(poem).substr(at, chunk));
        }
        protocol->connectionLost(Reason::connectionDone());

        ASSERT_EQ(done, 1) << "chunk size " << chunk;
        ASSERT_EQ(factory.poems.size(), 1u) << "chunk size " << chunk;
        ASSERT_EQ(factory.poems.at(1), poem) << "chunk size " << chunk;
        ASSERT_EQ(report.failed(), 0u);
        ASSERT_EQ(err.str(), "");
        auto lines = poetry::test::splitLines(out.str());
        ASSERT_EQ(lines.size(), chunks) << "chunk size " << chunk;
        ASSERT_EQ(lines.front(), "Task 1: got " + std::to_string(std::min(chunk, poem.size())) +
                                     " bytes of poetry from 192.0.2.2:10000");
        EXPECT_TRUE(transport.value().empty()) << "a poetry client never writes";
    }
}

TEST(PoetryProtocol, TaskNumbersFollowTheOrderOfConnections) {
    std::ostringstream out;
    std::ostringstream err;
    ClientReport report(true, out, err);
    PoetryClientFactory factory(3, report, [] {});
    auto first = factory.buildProtocol({"192.0.2.9", 1});
    auto second = factory.buildProtocol({"192.0.2.8", 2});
    auto third = factory.buildProtocol({"192.0.2.7", 3});
    EXPECT_EQ(dynamic_cast<PoetryProtocol&>(*first).taskNum, 1);
    EXPECT_EQ(dynamic_cast<PoetryProtocol&>(*second).taskNum, 2);
    EXPECT_EQ(dynamic_cast<PoetryProtocol&>(*third).taskNum, 3);
}

TEST(PoetryProtocol, ALostConnectionIsALostPoemWithItsReason) {
    std::ostringstream out;
    std::ostringstream err;
    ClientReport report(false, out, err);
    int done = 0;
    PoetryClientFactory factory(1, report, [&] { ++done; });
    auto protocol = factory.buildProtocol({"192.0.2.2", 10000});
    StringTransport transport({"192.0.2.2", 10000});
    protocol->makeConnection(transport);
    protocol->dataReceived("half a po");
    protocol->connectionLost(Reason(ReasonKind::ConnectionLost, "Connection reset by peer"));
    EXPECT_EQ(done, 1);
    EXPECT_TRUE(factory.poems.empty());
    EXPECT_EQ(report.failed(), 1u);
    EXPECT_EQ(err.str(),
              "Lost poem from 192.0.2.2:10000 after 9 bytes (Connection reset by peer)\n");
    report.finish(std::chrono::seconds(1));
    auto lines = poetry::test::splitLines(out.str());
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[1], "Task 1: 9 bytes of poetry");
    EXPECT_EQ(lines[2], "Got 0 poems in 0:00:01.000000 (1 failed)");
}

TEST(PoetryProtocol, QuietPrintsOnlyTheSummary) {
    std::ostringstream out;
    std::ostringstream err;
    ClientReport report(true, out, err);
    PoetryClientFactory factory(1, report, [] {});
    auto protocol = factory.buildProtocol({"192.0.2.2", 10000});
    StringTransport transport;
    protocol->makeConnection(transport);
    protocol->dataReceived("a poem\n");
    protocol->connectionLost(Reason::connectionDone());
    report.finish(std::chrono::milliseconds(1500));
    EXPECT_EQ(out.str(), "Got 1 poems in 0:00:01.500000\n");
}

}  // namespace
