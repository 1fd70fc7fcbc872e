// Unit tests of part05's LineReceiver, on a StringTransport: no sockets, no
// sleeps. As Twisted's dataReceived() docstring asks, the same bytes are fed in
// differing chunk sizes, down to one byte at a time.
#include "part05-exercises/line_receiver.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "part05-protocols/testing.hpp"

namespace poetry::protocols {
namespace {

// Records every line and every over-long line it is given.
class Recorder : public LineReceiver {
  public:
    void lineReceived(std::string_view line) override { lines.emplace_back(line); }
    void lineLengthExceeded(std::string_view line) override {
        tooLong.emplace_back(line);
        LineReceiver::lineLengthExceeded(line);  // the default: loseConnection()
    }

    std::vector<std::string> lines;
    std::vector<std::string> tooLong;
};

// Feeds `data` to `receiver` in chunks of `size` bytes.
void feed(LineReceiver& receiver, std::string_view data, std::size_t size) {
    for (std::size_t at = 0; at < data.size(); at += size) {
        receiver.dataReceived(data.substr(at, size));
    }
}

const std::string kText = "first line\nsecond, longer line\n\nlast line\n";
const std::vector<std::string> kLines = {"first line", "second, longer line", "", "last line"};

TEST(LineReceiver, GivesTheSameLinesWhateverTheChunkSize) {
    for (std::size_t size : {1u, 2u, 3u, 7u, 10u, 1000u}) {
        StringTransport transport;
        Recorder receiver;
        receiver.makeConnection(transport);
        feed(receiver, kText, size);
        EXPECT_EQ(receiver.lines, kLines) << "chunk size " << size;
        EXPECT_EQ(receiver.clearLineBuffer(), "");
    }
}

TEST(LineReceiver, DeliversALineAsSoonAsItsDelimiterArrives) {
    StringTransport transport;
    Recorder receiver;
    receiver.makeConnection(transport);
    receiver.dataReceived("half a ");
    EXPECT_TRUE(receiver.lines.empty());
    receiver.dataReceived("line\nand the start of the next");
    EXPECT_EQ(receiver.lines, std::vector<std::string>{"half a line"});
    EXPECT_EQ(receiver.clearLineBuffer(), "and the start of the next");
    EXPECT_EQ(receiver.clearLineBuffer(), "");
}

TEST(LineReceiver, DefaultDelimiterAlsoTakesCarriageReturnLineFeed) {
    StringTransport transport;
    Recorder receiver;
    receiver.makeConnection(transport);
    feed(receiver, "dos\r\nunix\nbare\rcr\n", 1);
    EXPECT_EQ(receiver.lines, (std::vector<std::string>{"dos", "unix", "bare\rcr"}));
}

TEST(LineReceiver, OtherDelimitersAreMatchedExactly) {
    for (std::size_t size : {1u, 4u, 100u}) {
        StringTransport transport;
        Recorder receiver;
        receiver.setDelimiter("\r\n");
        receiver.makeConnection(transport);
        feed(receiver, "one\r\ntwo\nstill two\r\nthree\r", size);
        EXPECT_EQ(receiver.lines, (std::vector<std::string>{"one", "two\nstill two"}));
        EXPECT_EQ(receiver.clearLineBuffer(), "three\r") << "chunk size " << size;
    }
}

TEST(LineReceiver, DelimiterMayChangeBetweenLines) {
    class Switcher : public Recorder {
      public:
        void lineReceived(std::string_view line) override {
            Recorder::lineReceived(line);
            setDelimiter("|");  // everything after the first line is |-separated
        }
    };
    StringTransport transport;
    Switcher receiver;
    receiver.makeConnection(transport);
    receiver.dataReceived("header\na|b|c\n|");
    EXPECT_EQ(receiver.lines, (std::vector<std::string>{"header", "a", "b", "c\n"}));
    EXPECT_THROW(receiver.setDelimiter(""), std::invalid_argument);
}

TEST(LineReceiver, ALineOfExactlyTheMaximumIsAccepted) {
    StringTransport transport;
    Recorder receiver;
    receiver.setMaxLength(5);
    receiver.makeConnection(transport);
    feed(receiver, "12345\r\n12345\n", 1);
    EXPECT_EQ(receiver.lines, (std::vector<std::string>{"12345", "12345"}));
    EXPECT_TRUE(receiver.tooLong.empty());
    EXPECT_FALSE(transport.disconnecting());
}

TEST(LineReceiver, ALongerLineIsReportedOnceAndDropsTheConnection) {
    StringTransport transport;
    Recorder receiver;
    receiver.setMaxLength(5);
    receiver.makeConnection(transport);
    receiver.dataReceived("ok\n123456\nnever seen\n");
    EXPECT_EQ(receiver.lines, std::vector<std::string>{"ok"});
    EXPECT_EQ(receiver.tooLong, std::vector<std::string>{"123456"});
    EXPECT_TRUE(receiver.lineLengthWasExceeded());
    EXPECT_TRUE(transport.disconnecting());  // Twisted's default: loseConnection()
    receiver.dataReceived("more\n");
    EXPECT_EQ(receiver.lines, std::vector<std::string>{"ok"});
    EXPECT_EQ(receiver.tooLong.size(), 1u);
}

TEST(LineReceiver, AnEndlessLineIsCaughtBeforeItsDelimiter) {
    StringTransport transport;
    Recorder receiver;
    receiver.setMaxLength(8);
    receiver.makeConnection(transport);
    feed(receiver, "12345678\r", 1);  // could still end as an 8-byte line
    EXPECT_TRUE(receiver.tooLong.empty());
    receiver.dataReceived("x");  // cannot any more
    ASSERT_EQ(receiver.tooLong.size(), 1u);
    EXPECT_EQ(receiver.tooLong[0], "12345678\rx");
    EXPECT_TRUE(transport.disconnecting());
}

TEST(LineReceiver, MemoryIsBoundedByTheMaximum) {
    StringTransport transport;
    Recorder receiver;
    receiver.setMaxLength(100);
    receiver.makeConnection(transport);
    std::string noNewline(64 * 1024, 'x');
    for (int i = 0; i < 100; ++i) {
        receiver.dataReceived(noNewline);
    }
    EXPECT_EQ(receiver.tooLong.size(), 1u);
    EXPECT_EQ(receiver.clearLineBuffer(), "");
}

}  // namespace
}  // namespace poetry::protocols
