/// \file
/// \brief The tracing wrappers of factories and protocols (see wrapping.hpp).
#include "trace/wrapping.hpp"

#include <iostream>
#include <utility>

#include "part05-protocols/tcp.hpp"

namespace poetry::trace {

using protocols::ClientFactory;
using protocols::Connector;
using protocols::Protocol;
using protocols::ServerFactory;
using reactor::Reason;

namespace {

// The part05 trace: a client transport that is writable before it is connected is
// finishing its connect, so its dispatch is named doConnect, as its doWrite() then is.
class ProtocolTrace : public Trace {
  public:
    using Trace::Trace;

  protected:
    std::string callName(const reactor::FileDescriptor& descriptor,
                         reactor::Direction direction) const override {
        const auto* transport = dynamic_cast<const protocols::TcpTransport*>(&descriptor);
        if (direction == reactor::Direction::Write && transport != nullptr &&
            !transport->connected()) {
            return "doConnect";
        }
        return Trace::callName(descriptor, direction);
    }
};

// What both tracing factories' buildProtocol() does: says so, has the program's
// factory build the protocol, and wraps what it built (nothing, if it refused).
std::unique_ptr<Protocol> buildWrapped(Trace& trace, protocols::Factory& wrapped,
                                       const Address& address) {
    trace.calling(className(wrapped), "buildProtocol(" + address.str() + ")");
    std::unique_ptr<Protocol> protocol = wrapped.buildProtocol(address);
    return protocol ? std::make_unique<TraceProtocolWrapper>(trace, std::move(protocol)) : nullptr;
}

}  // namespace

TraceProtocolWrapper::TraceProtocolWrapper(Trace& trace, std::unique_ptr<Protocol> wrapped)
    : trace_(trace), wrapped_(std::move(wrapped)), name_(className(*wrapped_)) {}

void TraceProtocolWrapper::connectionMade() {
    trace_.calling(name_, "makeConnection()");
    wrapped_->makeConnection(relay_);
}

void TraceProtocolWrapper::dataReceived(std::string_view data) {
    trace_.calling(name_, "dataReceived(" + std::to_string(data.size()) + " bytes)");
    wrapped_->dataReceived(data);
}

void TraceProtocolWrapper::connectionLost(const Reason& reason) {
    trace_.calling(name_, "connectionLost(" + reasonSummary(reason) + ")");
    wrapped_->connectionLost(reason);
}

void TraceProtocolWrapper::Relay::write(std::string_view data) {
    real().write(data);
}

void TraceProtocolWrapper::Relay::write(std::shared_ptr<const std::string> data) {
    real().write(std::move(data));
}

void TraceProtocolWrapper::Relay::loseConnection() {
    wrapper_.trace_.calling(wrapper_.transportName(), "loseConnection()");
    real().loseConnection();
}

void TraceProtocolWrapper::Relay::abortConnection() {
    wrapper_.trace_.calling(wrapper_.transportName(), "abortConnection()");
    real().abortConnection();
}

Address TraceProtocolWrapper::Relay::getPeer() const {
    return real().getPeer();
}

Address TraceProtocolWrapper::Relay::getHost() const {
    return real().getHost();
}

// The transport as the trace names it elsewhere: its logPrefix(), TcpTransport[HOST:PORT].
std::string TraceProtocolWrapper::transportName() const {
    if (const auto* descriptor = dynamic_cast<const reactor::FileDescriptor*>(transport())) {
        return descriptor->logPrefix();
    }
    return className(*transport());
}

TraceClientFactory::TraceClientFactory(Trace& trace, ClientFactory& wrapped)
    : trace_(trace), wrapped_(wrapped) {}

std::unique_ptr<Protocol> TraceClientFactory::buildProtocol(const Address& address) {
    return buildWrapped(trace_, wrapped_, address);
}

void TraceClientFactory::startedConnecting(Connector& connector) {
    wrapped_.startedConnecting(connector);
}

void TraceClientFactory::clientConnectionFailed(Connector& connector, const Reason& reason) {
    trace_.calling(className(wrapped_), "clientConnectionFailed(" + reasonSummary(reason) + ")");
    wrapped_.clientConnectionFailed(connector, reason);
}

void TraceClientFactory::clientConnectionLost(Connector& connector, const Reason& reason) {
    trace_.calling(className(wrapped_), "clientConnectionLost(" + reasonSummary(reason) + ")");
    wrapped_.clientConnectionLost(connector, reason);
}

TraceServerFactory::TraceServerFactory(Trace& trace, ServerFactory& wrapped)
    : trace_(trace), wrapped_(wrapped) {}

std::unique_ptr<Protocol> TraceServerFactory::buildProtocol(const Address& address) {
    return buildWrapped(trace_, wrapped_, address);
}

Tracing::Tracing(bool on, reactor::Reactor& reactor) {
    if (on) {
        auto trace = std::make_unique<ProtocolTrace>(std::cerr);
        trace_ = trace.get();
        reactor.setObserver(std::move(trace));
    }
}

template <typename Wrapper, typename F>
F& Tracing::wrapOnce(F& factory) {
    if (trace_ == nullptr) {
        return factory;
    }
    std::unique_ptr<protocols::Factory>& wrapper = wrappers_[&factory];
    if (!wrapper) {
        wrapper = std::make_unique<Wrapper>(*trace_, factory);
    }
    return static_cast<F&>(*wrapper);
}

ClientFactory& Tracing::wrap(ClientFactory& factory) {
    return wrapOnce<TraceClientFactory>(factory);
}

ServerFactory& Tracing::wrap(ServerFactory& factory) {
    return wrapOnce<TraceServerFactory>(factory);
}

}  // namespace poetry::trace
