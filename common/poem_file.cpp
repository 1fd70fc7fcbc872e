#include "poem_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>

namespace poetry {

std::string readPoemFile(const std::filesystem::path& path) {
    const std::string name = path.string();
    std::error_code ec;
    auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status)) {
        throw std::runtime_error("poem file '" + name + "' does not exist");
    }
    if (std::filesystem::is_directory(status)) {
        throw std::runtime_error("poem file '" + name + "' is a directory");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read poem file '" + name + "': " + std::strerror(errno));
    }
    std::string poem{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    if (in.bad()) {
        throw std::runtime_error("error while reading poem file '" + name + "'");
    }
    if (poem.empty()) {
        throw std::runtime_error("poem file '" + name + "' is empty");
    }
    return poem;
}

}  // namespace poetry
