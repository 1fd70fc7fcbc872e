/// \file
/// \brief The lines every client prints (see report.hpp).
#include "report.hpp"

#include <iostream>
#include <ostream>

#include "duration.hpp"
#include "timeline.hpp"

namespace poetry {

std::string summaryLine(std::size_t poems, std::size_t failed, std::chrono::nanoseconds elapsed) {
    std::string line = "Got " + std::to_string(poems) + " poems in " + formatDuration(elapsed);
    if (failed > 0) {
        line += " (" + std::to_string(failed) + " failed)";
    }
    return line;
}

std::string failedToConnectLine(const std::string& address, const std::string& reason) {
    return "Failed to connect to: " + address + " (" + reason + ")";
}

std::string lostPoemLine(const std::string& address, std::size_t bytes, const std::string& reason) {
    return "Lost poem from " + address + " after " + std::to_string(bytes) + " bytes (" + reason +
           ")";
}

std::string chunkLine(int task, std::size_t bytes, const std::string& address) {
    return "Task " + std::to_string(task) + ": got " + std::to_string(bytes) +
           " bytes of poetry from " + address;
}

std::string taskTotalLine(int task, std::size_t bytes) {
    return "Task " + std::to_string(task) + ": " + std::to_string(bytes) + " bytes of poetry";
}

ClientReport::ClientReport(bool quiet, std::ostream& out, std::ostream& err)
    : quiet_(quiet), out_(out), err_(err) {}

ClientReport::ClientReport(bool quiet) : ClientReport(quiet, std::cout, std::cerr) {}

void ClientReport::chunk(int task, std::size_t bytes, const Address& from) {
    if (timeline_ != nullptr) {
        timeline_->chunk(task, from.str(), bytes);
    }
    if (!quiet_) {
        out_ << chunkLine(task, bytes, from.str()) << '\n';
    }
}

void ClientReport::note(const std::string& line) {
    if (!quiet_) {
        out_ << line << '\n';
    }
}

void ClientReport::poem(int task, std::size_t bytes) {
    taskBytes_[task] = bytes;
    ++poems_;
}

void ClientReport::lost(int task, const Address& from, std::size_t bytes,
                        const std::string& reason) {
    taskBytes_[task] = bytes;
    ++failed_;
    out_ << std::flush;  // what came before the failure is printed before it
    err_ << lostPoemLine(from.str(), bytes, reason) << std::endl;
}

void ClientReport::failedToConnect(const Address& to, const std::string& reason) {
    ++failed_;
    out_ << std::flush;
    err_ << failedToConnectLine(to.str(), reason) << std::endl;
}

void ClientReport::finish(std::chrono::nanoseconds elapsed) {
    if (!quiet_) {
        for (const auto& [task, bytes] : taskBytes_) {
            out_ << taskTotalLine(task, bytes) << '\n';
        }
    }
    out_ << summaryLine(poems_, failed_, elapsed) << std::endl;
}

}  // namespace poetry
