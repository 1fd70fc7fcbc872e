/// \file
/// \brief What every exercise starts from: client 2.0's classes and its main loop.
///
/// The classes are read where the article has them, in client 2.0's own program
/// file; defining PROTOCOL_GET_POETRY_CLASSES_ONLY leaves that program's main out,
/// and the file's out-of-line definitions are inline, so any number of files of one
/// program may include this header.
///
/// An exercise derives its factory from poetry::client::PoetryClientFactory, whose
/// constructor it ends with setProtocol<ItsProtocol>(), and its protocol from
/// poetry::client::PoetryProtocol. Ex5's protocol is a LineReceiver instead, which
/// that setProtocol() refuses at compile time: its factory calls
/// ClientFactory::setProtocol() and stamps the task number in its own buildProtocol().
#pragma once

#include <vector>

#include "common/address.hpp"
#include "common/command_line.hpp"
#include "common/duration.hpp"
#include "common/file_limit.hpp"
#include "common/report.hpp"
#include "part04-raw-reactor/reactor.hpp"
#include "part05-protocols/connect.hpp"
#include "trace/wrapping.hpp"

#define PROTOCOL_GET_POETRY_CLASSES_ONLY
#include "part05-protocols/get_poetry.cpp"

namespace poetry::exercises {

/// Client 2.0's main loop, shared by the exercises: one connectTCP() per address
/// with `factory` (wrapped by `tracing` for `--trace`), reactor.run() until the
/// factory stops it, then the report's totals and summary.
///
/// Called by each exercise's run() once it has made its reactor, its report and its
/// factory (whose `allDone` stops that reactor). `connectTimeout` limits each
/// connection attempt. Returns the program's exit code: kExitFailure if any
/// download failed.
inline int getPoetry(reactor::Reactor& reactor, client::PoetryClientFactory& factory,
                     trace::Tracing& tracing, const std::vector<Address>& addresses,
                     reactor::Seconds connectTimeout = protocols::kDefaultConnectTimeout) {
    raiseFileLimit();  // beyond the article: one descriptor per download
    auto start = Stopwatch::now();
    for (const auto& address : addresses) {
        protocols::connectTCP(reactor, address.host, address.port, tracing.wrap(factory),
                              connectTimeout);
    }
    reactor.run();
    factory.report.finish(Stopwatch::now() - start);
    return factory.report.failed() == 0 ? kExitSuccess : kExitFailure;
}

}  // namespace poetry::exercises
