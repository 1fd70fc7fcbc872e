/// \file
/// \brief LineReceiver: a protocol that turns a byte stream into whole lines.
#pragma once

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "part05-protocols/protocol.hpp"

namespace poetry::protocols {

/// A protocol that hands its subclass one complete line at a time (Twisted's
/// `LineReceiver`), however the bytes were split on the way.
///
/// TCP delivers a stream, not messages: dataReceived() may get half a line, or
/// three lines and a bit. A LineReceiver keeps the unfinished tail in a buffer
/// and calls lineReceived() once per complete line, without its delimiter.
///
/// Who calls what, and when:
///   - the transport calls dataReceived() with each chunk, as for any Protocol; a
///     LineReceiver subclass does not override it (or calls this one if it does);
///   - dataReceived() calls lineReceived() for every line the chunk completes, in
///     order, before it returns: a line is delivered as soon as its delimiter
///     arrives, never later;
///   - dataReceived() calls lineLengthExceeded() instead, once, when a line is
///     longer than maxLength(), or when the unfinished tail has grown so long that
///     it can no longer end within the limit. From then on the receiver ignores
///     whatever else arrives. The default drops the connection with
///     loseConnection(), as Twisted's does;
///   - the subclass may call clearLineBuffer() (say, from connectionLost()) to take
///     the bytes after the last delimiter, such as a last line with no newline.
///
/// Delimiters: the default is a line feed (LF). With that default, one
/// carriage return (CR) right before the LF is treated as part of the
/// delimiter and removed too, so text with Unix (LF) and Windows (CR LF) line ends
/// gives the same lines. Any other delimiter set with setDelimiter() (CR LF, to
/// insist on it as Twisted's default does, or a NUL byte) is matched exactly, and
/// nothing else is stripped.
///
/// Limits: maxLength() counts the bytes of a line without its delimiter; it bounds
/// how much a peer can make this protocol buffer, so a server that never sends a
/// newline cannot make it grow without end.
class LineReceiver : public Protocol {
  public:
    /// Twisted's `LineReceiver.MAX_LENGTH`: 16 KiB per line unless told otherwise.
    static constexpr std::size_t kDefaultMaxLength = 16384;

    // [dataReceived]
    /// Called by the transport with each chunk: buffers it and calls lineReceived()
    /// for every line it completes (or lineLengthExceeded(), once, for a line over
    /// the limit).
    void dataReceived(std::string_view data) override {
        if (exceeded_) {
            return;  // the connection is being dropped: ignore the rest
        }
        buffer_.append(data);
        while (!exceeded_) {
            std::size_t end = buffer_.find(delimiter_, searchFrom_);
            if (end == std::string::npos) {
                break;
            }
            std::string line = buffer_.substr(consumed_, end - consumed_);
            consumed_ = end + delimiter_.size();
            searchFrom_ = consumed_;
            if (delimiter_ == "\n" && !line.empty() && line.back() == '\r') {
                line.pop_back();
            }
            if (line.size() > maxLength_) {
                tooLong(std::move(line));
                return;
            }
            // May call clearLineBuffer() or setDelimiter(): the loop reads the
            // members afresh each time round, so both are safe.
            lineReceived(line);
        }
        if (exceeded_) {
            return;
        }
        buffer_.erase(0, consumed_);
        consumed_ = 0;
        // Next time, search only the new bytes (plus enough of the old ones to catch
        // a delimiter split across two chunks): one byte at a time stays cheap.
        searchFrom_ =
            buffer_.size() >= delimiter_.size() ? buffer_.size() - delimiter_.size() + 1 : 0;
        if (buffer_.size() > longestUnfinished()) {
            tooLong(std::exchange(buffer_, std::string()));
        }
    }
    // [dataReceived]

    /// Called by dataReceived() once per complete line, in order, with the line's
    /// bytes without the delimiter. `line` is valid only during the call.
    virtual void lineReceived(std::string_view line) = 0;

    /// Called by dataReceived() once, when `line` (a complete line, or the
    /// unfinished tail so far) is longer than maxLength(). Nothing more is
    /// delivered afterwards. The default closes the connection with the
    /// transport's loseConnection(), so the protocol's connectionLost() follows;
    /// override it to report the error, or to abortConnection() instead.
    virtual void lineLengthExceeded(std::string_view line) {
        (void)line;
        if (transport() != nullptr) {
            transport()->loseConnection();
        }
    }

    /// Sets the delimiter that ends a line; it must not be empty. Takes effect for
    /// the next line, even when called from inside lineReceived().
    void setDelimiter(std::string delimiter) {
        if (delimiter.empty()) {
            throw std::invalid_argument("LineReceiver: the delimiter must not be empty");
        }
        delimiter_ = std::move(delimiter);
        searchFrom_ = consumed_;
    }

    /// The delimiter that ends a line (a line feed unless setDelimiter() changed it).
    const std::string& delimiter() const { return delimiter_; }

    /// Sets the longest line, in bytes without the delimiter, that lineReceived()
    /// accepts.
    void setMaxLength(std::size_t maxLength) { maxLength_ = maxLength; }

    /// The longest line lineReceived() accepts, in bytes without the delimiter.
    std::size_t maxLength() const { return maxLength_; }

    /// True once lineLengthExceeded() has been called.
    bool lineLengthWasExceeded() const { return exceeded_; }

    /// Returns the bytes received after the last complete line (an unfinished
    /// line) and forgets them, as Twisted's `clearLineBuffer()` does.
    std::string clearLineBuffer() {
        std::string rest = buffer_.substr(std::min(consumed_, buffer_.size()));
        buffer_.clear();
        consumed_ = 0;
        searchFrom_ = 0;
        return rest;
    }

  private:
    // The longest unfinished tail that could still become a line within the limit:
    // the line, plus all but the last byte of the delimiter, plus the '\r' that the
    // default delimiter forgives.
    std::size_t longestUnfinished() const {
        return maxLength_ + delimiter_.size() - 1 + (delimiter_ == "\n" ? 1 : 0);
    }

    void tooLong(std::string line) {
        exceeded_ = true;
        buffer_.clear();
        consumed_ = 0;
        searchFrom_ = 0;
        lineLengthExceeded(line);
    }

    std::string buffer_;          // bytes not yet delivered, from consumed_ on
    std::size_t consumed_ = 0;    // where the next line starts in buffer_
    std::size_t searchFrom_ = 0;  // where to look for the next delimiter
    std::string delimiter_ = "\n";
    std::size_t maxLength_ = kDefaultMaxLength;
    bool exceeded_ = false;
};

}  // namespace poetry::protocols
