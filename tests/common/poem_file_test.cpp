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

// Not a regular file: refused at once, without opening it for real (a FIFO's
// open() would wait for a writer for ever; /dev/zero would never end).
TEST_F(PoemFile, AFifoIsRefusedAtOnce) {
    auto fifo = dir_ / "fifo";
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    auto message = errorFor(fifo);
    EXPECT_NE(message.find("is not a regular file"), std::string::npos) << message;
    EXPECT_NE(message.find("'" + fifo.string() + "'"), std::string::npos) << message;
}

TEST_F(PoemFile, ADeviceIsRefused) {
    for (const char* device : {"/dev/zero", "/dev/null"}) {
        auto message = errorFor(device);
        EXPECT_NE(message.find("is not a regular file"), std::string::npos) << message;
    }
}

TEST_F(PoemFile, ASymlinkToAPoemIsRead) {
    auto link = dir_ / "link.txt";
    fs::create_symlink(test::poemPath("science.txt"), link);
    EXPECT_EQ(readPoemFile(link), test::readFile(test::poemPath("science.txt")));
}

// Problems with the file are PoemFileError (the servers call them usage errors).
TEST_F(PoemFile, FileProblemsArePoemFileErrors) {
    for (const fs::path& path :
         {dir_ / "nope.txt", dir_, write("empty.txt", ""), fs::path("/dev/zero")}) {
        EXPECT_THROW(readPoemFile(path), PoemFileError) << path;
    }
}

// A name with a newline does not break the one-line message.
TEST_F(PoemFile, TheNameIsQuotedOnOneLine) {
    auto message = errorFor(dir_ / "two\nlines.txt");
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
    EXPECT_NE(message.find(R"(two\nlines.txt')"), std::string::npos) << message;
}

// A file the kernel makes up as it is read (/proc) says its size is 0: the poem
// is what reading it to the end gives, not what its size promised.
TEST_F(PoemFile, AFileWhoseSizeSaysZeroIsReadToTheEnd) {
    struct stat status {};
    ASSERT_EQ(stat("/proc/self/status", &status), 0);
    ASSERT_EQ(status.st_size, 0) << "not the file this test is about";
    const std::string poem = readPoemFile("/proc/self/status");
    EXPECT_EQ(poem.rfind("Name:\t", 0), 0u) << poem;
    EXPECT_NE(poem.find("\nPid:\t" + std::to_string(getpid()) + "\n"), std::string::npos) << poem;
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
