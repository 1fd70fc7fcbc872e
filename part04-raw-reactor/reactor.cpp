// The reactor: Twisted's vocabulary on top of one boost::asio::io_context.
//
// How readiness becomes doRead(): for each watched file descriptor we keep one
// posix::stream_descriptor (one, because epoll cannot register the same fd twice,
// and a descriptor can be both a reader and a writer) and ask Asio to
// async_wait(wait_read) on it. When the wait completes, Asio's loop calls our
// handler, which calls doRead() and, if the descriptor is still a reader, waits
// again. Writers work the same way with wait_write and doWrite().
//
// The descriptor is not ours: we release() the stream_descriptor before destroying
// it, so Asio never closes the fd.
#include "part04-raw-reactor/reactor.hpp"

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <iostream>
#include <map>
#include <optional>
#include <stdexcept>
#include <unordered_map>
#include <utility>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "part04-raw-reactor/call_queue.hpp"

namespace poetry::reactor {

namespace asio = boost::asio;
using boost::system::error_code;

namespace {

// Reports an error that escaped a callback: one line on stderr, and the loop goes on,
// as Twisted logs "Unhandled Error" and carries on.
void reportUnhandled(const std::string& where, const std::string& what) {
    std::cerr << "reactor: unhandled error in " << where << ": " << what << std::endl;
}

}  // namespace

struct Reactor::Impl {
    // One watched fd: its Asio descriptor, who reads it, who writes it. A wait is
    // identified by a token; removing a reader or writer changes the token, so a
    // wait that completes afterwards (even one already queued in this loop turn)
    // is recognised as stale and calls nobody.
    struct Watch {
        int fd = -1;
        std::unique_ptr<asio::posix::stream_descriptor> stream;
        std::shared_ptr<ReadDescriptor> reader;
        std::shared_ptr<WriteDescriptor> writer;
        std::uint64_t readToken = 0;
        std::uint64_t writeToken = 0;
        bool readPending = false;
        bool writePending = false;
        std::uint64_t readOrder = 0;   // when the reader was added (getReaders() order)
        std::uint64_t writeOrder = 0;  // when the writer was added (getWriters() order)
    };

    Impl()
        : calls(std::make_shared<CallQueue>([this] { return seconds(); }, [this] { armTimer(); })) {
    }

    ~Impl() {
        // Let go of every fd before the io_context goes, without closing any. The
        // descriptors themselves are released last, once our tables are empty, in
        // case one of their destructors calls back into the reactor.
        std::vector<std::shared_ptr<FileDescriptor>> last;
        for (auto& [fd, watch] : watches) {
            dropStream(*watch);
            last.push_back(std::move(watch->reader));
            last.push_back(std::move(watch->writer));
        }
        watches.clear();
        readerWatches.clear();
        writerWatches.clear();
        auto lastReaders = std::exchange(readers, {});
        auto lastWriters = std::exchange(writers, {});
    }

    static Seconds seconds() {
        return std::chrono::duration_cast<Seconds>(
            std::chrono::steady_clock::now().time_since_epoch());
    }

    std::shared_ptr<Watch> watchFor(int fd) {
        if (fd < 0) {
            throw std::invalid_argument("reactor: cannot watch a descriptor whose fileno() is " +
                                        std::to_string(fd));
        }
        auto it = watches.find(fd);
        if (it != watches.end()) {
            return it->second;
        }
        auto watch = std::make_shared<Watch>();
        watch->fd = fd;
        // Registers the fd with Asio's epoll; throws for an fd that is not open.
        watch->stream = std::make_unique<asio::posix::stream_descriptor>(io, fd);
        watches.emplace(fd, watch);
        return watch;
    }

    std::shared_ptr<Watch> findReader(const ReadDescriptor& reader) const {
        auto it = readerWatches.find(&reader);
        return it == readerWatches.end() ? nullptr : it->second;
    }

    std::shared_ptr<Watch> findWriter(const WriteDescriptor& writer) const {
        auto it = writerWatches.find(&writer);
        return it == writerWatches.end() ? nullptr : it->second;
    }

    // Takes a watch's reader (writer) out of the tables; the waits are the caller's business.
    void forgetReader(Watch& watch) {
        readers.erase(watch.readOrder);
        readerWatches.erase(watch.reader.get());
        watch.reader.reset();
    }

    void forgetWriter(Watch& watch) {
        writers.erase(watch.writeOrder);
        writerWatches.erase(watch.writer.get());
        watch.writer.reset();
    }

    static void dropStream(Watch& watch) {
        if (watch.stream) {
            error_code ignored;
            watch.stream->cancel(ignored);
            watch.stream->release();  // not close(): the fd belongs to the descriptor
            watch.stream.reset();
        }
    }

    void renewStream(Watch& watch) {
        dropStream(watch);
        watch.stream = std::make_unique<asio::posix::stream_descriptor>(io, watch.fd);
    }

    // Forgets a watch that nobody reads or writes any more.
    void dropIfUnused(const std::shared_ptr<Watch>& watch) {
        if (watch->reader || watch->writer) {
            return;
        }
        dropStream(*watch);
        auto it = watches.find(watch->fd);
        if (it != watches.end() && it->second == watch) {
            watches.erase(it);
        }
    }

    //! [arm_read]
    void armRead(const std::shared_ptr<Watch>& watch) {
        if (watch->readPending || !watch->reader || !watch->stream) {
            return;
        }
        watch->readPending = true;
        std::uint64_t token = ++watch->readToken;
        watch->stream->async_wait(asio::posix::stream_descriptor::wait_read,
                                  [this, watch, token](error_code ec) {
                                      if (watch->readToken == token) {
                                          watch->readPending = false;
                                          onReady(watch, ec, true);
                                      }
                                  });
    }

    //! [arm_read]

    void armWrite(const std::shared_ptr<Watch>& watch) {
        if (watch->writePending || !watch->writer || !watch->stream) {
            return;
        }
        watch->writePending = true;
        std::uint64_t token = ++watch->writeToken;
        watch->stream->async_wait(asio::posix::stream_descriptor::wait_write,
                                  [this, watch, token](error_code ec) {
                                      if (watch->writeToken == token) {
                                          watch->writePending = false;
                                          onReady(watch, ec, false);
                                      }
                                  });
    }

    // Cancels the waits on a watch and re-arms the ones still wanted. Asio can only
    // cancel all of a descriptor's waits at once.
    void cancelWaits(const std::shared_ptr<Watch>& watch) {
        if (!watch->stream) {
            return;
        }
        ++watch->readToken;  // whatever completes from now on is stale
        ++watch->writeToken;
        watch->readPending = false;
        watch->writePending = false;
        error_code ignored;
        watch->stream->cancel(ignored);
        armRead(watch);
        armWrite(watch);
    }

    //! [on_ready]
    // A wait completed: the fd is readable (or writable), so call doRead() (doWrite()).
    void onReady(const std::shared_ptr<Watch>& watch, error_code ec, bool forRead) {
        // Local copies keep the descriptor alive even if it removes itself in doRead.
        std::shared_ptr<FileDescriptor> descriptor;
        if (forRead) {
            descriptor = watch->reader;
        } else {
            descriptor = watch->writer;
        }
        if (!descriptor) {
            return;
        }
        if (ec == asio::error::operation_aborted) {
            forRead ? armRead(watch) : armWrite(watch);
            return;
        }
        std::optional<Reason> why;
        if (ec) {
            why = Reason::fromErrorCode(ec);  // the fd itself is broken
        } else {
            try {
                why = forRead ? watch->reader->doRead() : watch->writer->doWrite();
            } catch (const std::exception& error) {
                why = Reason(ReasonKind::ConnectionLost, error.what());
            } catch (...) {
                why = Reason(ReasonKind::ConnectionLost, "unknown exception");
            }
        }
        if (why) {
            disconnect(descriptor, *why);
            return;
        }
        forRead ? armRead(watch) : armWrite(watch);
    }

    //! [on_ready]

    //! [disconnect]
    // The descriptor's connection ended: stop watching it both ways, then tell it, once.
    void disconnect(const std::shared_ptr<FileDescriptor>& descriptor, const Reason& why) {
        if (auto* reader = dynamic_cast<ReadDescriptor*>(descriptor.get())) {
            removeReader(*reader);
        }
        if (auto* writer = dynamic_cast<WriteDescriptor*>(descriptor.get())) {
            removeWriter(*writer);
        }
        try {
            descriptor->connectionLost(why);
        } catch (const std::exception& error) {
            reportUnhandled("connectionLost of " + descriptor->logPrefix(), error.what());
        } catch (...) {
            reportUnhandled("connectionLost of " + descriptor->logPrefix(), "unknown exception");
        }
    }

    //! [disconnect]

    void addReader(std::shared_ptr<ReadDescriptor> reader) {
        if (!reader || findReader(*reader)) {
            return;
        }
        auto watch = watchFor(reader->fileno());
        if (watch->reader) {
            // Another object still reads this fd number: most likely its socket was
            // closed without being removed and the number reused. The newcomer
            // replaces it, on a fresh registration with Asio.
            forgetReader(*watch);
            renewStream(*watch);
        }
        watch->readOrder = ++registrations;
        readers.emplace(watch->readOrder, reader);
        readerWatches.emplace(reader.get(), watch);
        watch->reader = std::move(reader);
        cancelWaits(watch);
    }

    void removeReader(ReadDescriptor& reader) {
        auto watch = findReader(reader);
        if (!watch) {
            return;
        }
        forgetReader(*watch);
        cancelWaits(watch);
        dropIfUnused(watch);
    }

    void addWriter(std::shared_ptr<WriteDescriptor> writer) {
        if (!writer || findWriter(*writer)) {
            return;
        }
        auto watch = watchFor(writer->fileno());
        if (watch->writer) {
            forgetWriter(*watch);  // as in addReader()
            renewStream(*watch);
        }
        watch->writeOrder = ++registrations;
        writers.emplace(watch->writeOrder, writer);
        writerWatches.emplace(writer.get(), watch);
        watch->writer = std::move(writer);
        cancelWaits(watch);
    }

    void removeWriter(WriteDescriptor& writer) {
        auto watch = findWriter(writer);
        if (!watch) {
            return;
        }
        forgetWriter(*watch);
        cancelWaits(watch);
        dropIfUnused(watch);
    }

    // One Asio timer for the earliest delayed call.
    void armTimer() {
        auto next = calls->nextTime();
        std::uint64_t token = ++timerToken;
        if (!next) {
            timer.cancel();
            return;
        }
        timer.expires_at(std::chrono::steady_clock::time_point(
            std::chrono::duration_cast<std::chrono::steady_clock::duration>(*next)));
        timer.async_wait([this, token](error_code ec) {
            if (ec || token != timerToken) {
                return;
            }
            calls->runDue(seconds(), false,
                          [](const std::string& what) { reportUnhandled("delayed call", what); });
        });
    }

    asio::io_context io;
    asio::steady_timer timer{io};
    std::uint64_t timerToken = 0;
    std::shared_ptr<CallQueue> calls;
    std::unordered_map<int, std::shared_ptr<Watch>> watches;
    // Readers and writers by when they were added, and the watch each one is on.
    std::uint64_t registrations = 0;
    std::map<std::uint64_t, std::shared_ptr<ReadDescriptor>> readers;
    std::map<std::uint64_t, std::shared_ptr<WriteDescriptor>> writers;
    std::unordered_map<const ReadDescriptor*, std::shared_ptr<Watch>> readerWatches;
    std::unordered_map<const WriteDescriptor*, std::shared_ptr<Watch>> writerWatches;
    bool running = false;
    bool stopping = false;
    std::unique_ptr<asio::signal_set> signals;  // after stopOnSignals()
};

Reactor::Reactor() : impl_(std::make_unique<Impl>()) {}

Reactor::~Reactor() = default;

void Reactor::addReader(std::shared_ptr<ReadDescriptor> reader) {
    impl_->addReader(std::move(reader));
}

void Reactor::removeReader(ReadDescriptor& reader) {
    impl_->removeReader(reader);
}

void Reactor::addWriter(std::shared_ptr<WriteDescriptor> writer) {
    impl_->addWriter(std::move(writer));
}

void Reactor::removeWriter(WriteDescriptor& writer) {
    impl_->removeWriter(writer);
}

std::vector<std::shared_ptr<ReadDescriptor>> Reactor::getReaders() const {
    std::vector<std::shared_ptr<ReadDescriptor>> result;
    result.reserve(impl_->readers.size());
    for (const auto& [order, reader] : impl_->readers) {
        result.push_back(reader);
    }
    return result;
}

std::vector<std::shared_ptr<WriteDescriptor>> Reactor::getWriters() const {
    std::vector<std::shared_ptr<WriteDescriptor>> result;
    result.reserve(impl_->writers.size());
    for (const auto& [order, writer] : impl_->writers) {
        result.push_back(writer);
    }
    return result;
}

Seconds Reactor::seconds() const {
    return Impl::seconds();
}

std::shared_ptr<DelayedCall> Reactor::callLater(Seconds delay, std::function<void()> fn) {
    return impl_->calls->schedule(delay, std::move(fn));
}

std::vector<std::shared_ptr<DelayedCall>> Reactor::getDelayedCalls() const {
    return impl_->calls->pending();
}

void Reactor::run() {
    if (impl_->running) {
        throw std::logic_error("reactor: run() called while the reactor is already running");
    }
    impl_->running = true;
    impl_->stopping = false;
    struct Reset {
        Impl& impl;
        ~Reset() {
            impl.running = false;
            impl.stopping = false;
        }
    } reset{*impl_};
    // The work guard keeps run() blocking even with nothing to watch: only stop() ends it.
    auto guard = asio::make_work_guard(impl_->io);
    impl_->io.restart();
    impl_->io.run();
}

void Reactor::stop() {
    if (!impl_->running || impl_->stopping) {
        throw ReactorNotRunning("reactor: stop() called on a reactor that is not running");
    }
    impl_->stopping = true;
    impl_->io.stop();  // run() returns as soon as the current handler is done
}

bool Reactor::running() const {
    return impl_->running && !impl_->stopping;
}

void Reactor::stopOnSignals() {
    if (impl_->signals) {
        return;
    }
    impl_->signals = std::make_unique<asio::signal_set>(impl_->io, SIGINT, SIGTERM);
    waitForSignal();
}

// Waits for the next signal; each one stops the reactor if it runs, and the wait
// starts again, so a reactor that runs again can be stopped again.
void Reactor::waitForSignal() {
    impl_->signals->async_wait([this](const error_code& error, int) {
        if (error) {
            return;  // the reactor is going away
        }
        if (running()) {
            stop();
        }
        waitForSignal();
    });
}

boost::asio::io_context& Reactor::context() {
    return impl_->io;
}

}  // namespace poetry::reactor
