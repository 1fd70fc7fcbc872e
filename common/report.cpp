/// \file
/// \brief The lines every client prints (see report.hpp).
#include "report.hpp"

#include "duration.hpp"

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

}  // namespace poetry
