/// \file
/// \brief Client 2.0's PoetryProtocol and PoetryClientFactory, as in the article.
///
/// They live in a header, not inside get_poetry.cpp, so that the program and its
/// unit tests use the very same classes.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "common/address.hpp"
#include "common/report.hpp"
#include "common/timeline.hpp"
#include "part04-raw-reactor/reason.hpp"
#include "part05-protocols/connect.hpp"
#include "part05-protocols/factory.hpp"
#include "part05-protocols/protocol.hpp"

namespace poetry::client {

// [PoetryProtocol]
/// Downloads one poem over one connection (the article's `PoetryProtocol`).
///
/// The transport calls dataReceived() with each chunk and connectionLost() at the
/// end; the protocol keeps the poem and, at the end, hands it to its factory, the
/// one place that knows about all the downloads.
class PoetryProtocol : public protocols::Protocol {
  public:
    /// The task number, stamped by PoetryClientFactory::buildProtocol().
    int taskNum = 0;

    /// Called by the transport with each chunk: keeps it and reports it.
    void dataReceived(std::string_view data) override;

    /// Called by the transport at the end: the poem is done (or lost), so tell the factory.
    void connectionLost(const reactor::Reason& reason) override;

    /// The bytes received so far.
    const std::string& poem() const { return poem_; }

  private:
    std::string poem_;
};
// [PoetryProtocol]

// [PoetryClientFactory]
/// Builds a PoetryProtocol for each connection and keeps the score of all of them
/// (the article's `PoetryClientFactory`).
///
/// The program gives it to connectTCP() once per server. Each download ends in
/// exactly one of poemFinished() (a protocol's connection ended) or
/// clientConnectionFailed() (there never was a connection); when the last one has
/// ended, the factory calls `allDone` (the program's `reactor.stop()`).
class PoetryClientFactory : public protocols::ClientFactoryFor<PoetryProtocol> {
  public:
    /// Expects `poetryCount` downloads; prints chunk lines unless `quiet`.
    PoetryClientFactory(std::size_t poetryCount, bool quiet, std::function<void()> allDone,
                        std::ostream& out = std::cout, std::ostream& err = std::cerr)
        : remaining_(poetryCount),
          quiet_(quiet),
          allDone_(std::move(allDone)),
          out_(out),
          err_(err) {}

    /// Called by the connector once connected: builds the protocol, then stamps it
    /// with the next task number, so tasks are numbered in connection order.
    std::unique_ptr<protocols::Protocol> buildProtocol(const Address& address) override {
        (void)address;
        auto protocol = build();  // a PoetryProtocol whose factory() is this
        protocol->taskNum = nextTaskNumber();
        return protocol;
    }

    /// Called by the connector when there is no connection: prints
    /// `Failed to connect to: HOST:PORT (REASON)`, and one download fewer is pending.
    void clientConnectionFailed(protocols::Connector& connector,
                                const reactor::Reason& reason) override {
        err_ << failedToConnectLine(connector.getDestination().str(), reason.message())
             << std::endl;
        ++failed_;
        countDown();
    }

    /// Called by client 2.0's `main` for `--timeline`: chunkReceived() records each
    /// chunk there too. The timeline must outlive the factory's use.
    void recordTimeline(Timeline& timeline) { timeline_ = &timeline; }

    /// Called by a protocol for each chunk: `Task N: got K bytes of poetry from HOST:PORT`.
    void chunkReceived(int taskNum, std::size_t bytes, const Address& peer) {
        if (timeline_ != nullptr) {
            timeline_->chunk(taskNum, peer.str(), bytes);  // --timeline only; not the lesson
        }
        if (!quiet_) {
            out_ << chunkLine(taskNum, bytes, peer.str()) << '\n';
        }
    }

    /// Called by a protocol when its connection ended: a clean close means the poem
    /// is whole; anything else is reported as a lost poem, with its reason.
    void poemFinished(int taskNum, const Address& peer, std::string poem,
                      const reactor::Reason& reason) {
        taskBytes_[taskNum] = poem.size();
        if (reason.check(reactor::ReasonKind::ConnectionDone)) {
            poems_[taskNum] = std::move(poem);
        } else {
            err_ << lostPoemLine(peer.str(), poem.size(), reason.message()) << std::endl;
            ++failed_;
        }
        countDown();
    }

    /// Called by the program after reactor.run(): one `Task N: K bytes of poetry`
    /// per task (unless quiet), then the summary line.
    void report(std::chrono::nanoseconds elapsed) {
        if (!quiet_) {
            for (const auto& [task, bytes] : taskBytes_) {
                out_ << taskTotalLine(task, bytes) << '\n';
            }
        }
        out_ << summaryLine(poems_.size(), failed_, elapsed) << std::endl;
    }

    /// The poems received whole, by task number.
    const std::map<int, std::string>& poems() const { return poems_; }

    /// How many downloads failed (no connection, or a connection that broke).
    std::size_t failed() const { return failed_; }

  protected:
    /// The next task number, 1, 2, 3, ...: called by buildProtocol() once per
    /// connection, so tasks are numbered in connection order.
    int nextTaskNumber() { return nextTask_++; }

  private:
    void countDown() {
        if (--remaining_ == 0) {
            allDone_();
        }
    }

    std::size_t remaining_;
    bool quiet_;
    std::function<void()> allDone_;
    std::ostream& out_;
    std::ostream& err_;
    Timeline* timeline_ = nullptr;
    int nextTask_ = 1;
    std::size_t failed_ = 0;
    std::map<int, std::size_t> taskBytes_;
    std::map<int, std::string> poems_;
};
// [PoetryClientFactory]

// [PoetryProtocol_callbacks]
inline void PoetryProtocol::dataReceived(std::string_view data) {
    poem_.append(data);  // data points into a shared buffer: copy it
    factoryAs<PoetryClientFactory>().chunkReceived(taskNum, data.size(), transport()->getPeer());
}

inline void PoetryProtocol::connectionLost(const reactor::Reason& reason) {
    factoryAs<PoetryClientFactory>().poemFinished(taskNum, transport()->getPeer(), std::move(poem_),
                                                  reason);
}
// [PoetryProtocol_callbacks]

}  // namespace poetry::client
