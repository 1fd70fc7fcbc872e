/// \file
/// \brief `--timeline FILE`: the CSV rows of a run (see timeline.hpp).
#include "timeline.hpp"

#include <cerrno>
#include <cstring>
#include <iomanip>
#include <stdexcept>

#include "command_line.hpp"

namespace poetry {

Timeline::Timeline(const std::string& path, Stopwatch::time_point start)
    : path_(path), start_(start) {
    if (path_.empty()) {
        return;
    }
    out_.open(path_, std::ios::out | std::ios::trunc);
    if (!out_) {
        throw UsageError("cannot write --timeline " + path_ + ": " + std::strerror(errno));
    }
    out_ << "task,peer,seconds,bytes\n" << std::fixed << std::setprecision(6);
}

void Timeline::chunk(int task, const std::string& peer, std::size_t bytes) {
    if (!out_.is_open()) {
        return;
    }
    const std::chrono::duration<double> seconds = Stopwatch::now() - start_;
    out_ << task << ',' << peer << ',' << seconds.count() << ',' << bytes << '\n';
}

void Timeline::close() {
    if (!out_.is_open()) {
        return;
    }
    out_.close();
    if (!out_) {
        throw std::runtime_error("cannot write --timeline " + path_);
    }
}

}  // namespace poetry
