#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "common/poem_file.hpp"
#include "support/process.hpp"

namespace poetry {
namespace {

namespace fs = std::filesystem;

class PoemFile : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("poem_file_test." + std::to_string(getpid()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    fs::path write(const std::string& name, const std::string& bytes) {
        auto path = dir_ / name;
        std::ofstream(path, std::ios::binary) << bytes;
        return path;
    }

    std::string errorFor(const fs::path& path) {
        try {
            readPoemFile(path);
        } catch (const std::runtime_error& e) {
            return e.what();
        }
        ADD_FAILURE() << "no error for " << path;
        return {};
    }

    fs::path dir_;
};

TEST_F(PoemFile, ReadsEveryShippedPoemByteForByte) {
    for (const char* name : {"ecstasy.txt", "fascination.txt", "science.txt", "alla_sera.txt"}) {
        auto path = test::poemPath(name);
        EXPECT_EQ(readPoemFile(path), test::readFile(path)) << name;
    }
}

TEST_F(PoemFile, KeepsBinaryBytes) {
    std::string bytes("a\0b\r\n\xff", 6);
    EXPECT_EQ(readPoemFile(write("binary", bytes)), bytes);
}

TEST_F(PoemFile, MissingFile) {
    auto message = errorFor(dir_ / "nope.txt");
    EXPECT_NE(message.find("does not exist"), std::string::npos) << message;
    EXPECT_NE(message.find("nope.txt"), std::string::npos) << message;
}

TEST_F(PoemFile, Directory) {
    EXPECT_NE(errorFor(dir_).find("is a directory"), std::string::npos);
}

TEST_F(PoemFile, Empty) {
    EXPECT_NE(errorFor(write("empty.txt", "")).find("is empty"), std::string::npos);
}

TEST_F(PoemFile, Unreadable) {
    auto path = write("secret.txt", "words");
    chmod(path.c_str(), 0);
    // Root reads anything, so as root we read as "nobody" for the moment (the real
    // uid stays 0, which lets us switch back).
    const bool root = geteuid() == 0;
    if (root) {
        ASSERT_EQ(seteuid(65534), 0);
    }
    std::string message = errorFor(path);
    if (root) {
        ASSERT_EQ(seteuid(0), 0);
    }
    EXPECT_NE(message.find("cannot read"), std::string::npos) << message;
    EXPECT_NE(message.find("Permission denied"), std::string::npos) << message;
}

}  // namespace
}  // namespace poetry
