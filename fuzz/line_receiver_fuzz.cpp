// Fuzz target: LineReceiver with arbitrary bytes, in arbitrary chunks, with an
// arbitrary line limit and delimiter.
//
// Properties: no line handed to lineReceived() is longer than the limit; the
// lines are exactly those of the whole stream, in order, up to the first one
// that is too long (computed here the simple way, from the whole stream at
// once); the limit is reported once, and only when a line breaks it; and what
// is left at the end is the stream's unfinished last line, byte for byte.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/check.hpp"
#include "part05-exercises/line_receiver.hpp"
#include "part05-protocols/testing.hpp"

namespace {

using poetry::fuzz::check;

class Lines : public poetry::protocols::LineReceiver {
  public:
    void lineReceived(std::string_view line) override {
        check(line.size() <= maxLength(), "no line over the limit", line);
        lines.emplace_back(line);
    }
    void lineLengthExceeded(std::string_view line) override {
        ++exceeded;
        LineReceiver::lineLengthExceeded(line);  // loseConnection(), as by default
    }
    std::vector<std::string> lines;
    int exceeded = 0;
};

// What a LineReceiver must deliver, worked out from the whole stream at once.
struct Expected {
    std::vector<std::string> lines;  // before the first one over the limit
    bool exceeded = false;
    std::string tail;  // the bytes after the last delimiter
};

Expected expect(const std::string& stream, const std::string& delimiter, std::size_t maxLength) {
    Expected result;
    std::size_t start = 0;
    for (;;) {
        auto end = stream.find(delimiter, start);
        if (end == std::string::npos) {
            break;
        }
        std::string line = stream.substr(start, end - start);
        start = end + delimiter.size();
        if (delimiter == "\n" && !line.empty() && line.back() == '\r') {
            line.pop_back();  // CR LF is a line end too, with the default delimiter
        }
        if (line.size() > maxLength) {
            result.exceeded = true;
            return result;
        }
        result.lines.push_back(line);
    }
    result.tail = stream.substr(start);
    // An unfinished line so long it can no longer end within the limit, whatever
    // comes: the line, all of the delimiter but its last byte, and a forgiven CR.
    const std::size_t longest = maxLength + delimiter.size() - 1 + (delimiter == "\n" ? 1 : 0);
    result.exceeded = result.tail.size() > longest;
    return result;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider input(data, size);
    const std::size_t maxLength = input.ConsumeIntegralInRange<std::size_t>(0, 40);
    const std::string delimiter =
        std::vector<std::string>{"\n", "\r\n", std::string(1, '\0'), "--"}.at(
            input.ConsumeIntegralInRange<std::size_t>(0, 3));
    std::vector<std::size_t> chunks;
    for (int i = input.ConsumeIntegralInRange(0, 16); i > 0; --i) {
        chunks.push_back(input.ConsumeIntegralInRange<std::size_t>(1, 24));
    }
    const std::string stream = input.ConsumeRemainingBytesAsString();

    Lines receiver;
    poetry::protocols::StringTransport transport;
    receiver.makeConnection(transport);
    receiver.setDelimiter(delimiter);
    receiver.setMaxLength(maxLength);
    std::size_t at = 0;
    for (std::size_t i = 0; at < stream.size(); ++i) {
        // The chunk sizes in turn, then the rest in one piece.
        std::size_t n = i < chunks.size() ? chunks[i] : stream.size() - at;
        receiver.dataReceived(std::string_view(stream).substr(at, n));
        at += n;
    }

    const Expected expected = expect(stream, delimiter, maxLength);
    check(receiver.lines == expected.lines, "the lines are the stream's, in order", stream);
    check(receiver.exceeded == (expected.exceeded ? 1 : 0),
          "the limit is reported once, and only when a line breaks it", stream);
    check(receiver.lineLengthWasExceeded() == expected.exceeded, "lineLengthWasExceeded() agrees");
    check(transport.disconnecting() == expected.exceeded, "a line over the limit closes");
    if (!expected.exceeded) {
        check(receiver.clearLineBuffer() == expected.tail, "the unfinished line is kept whole",
              stream);
    }
    return 0;
}
