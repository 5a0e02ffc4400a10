#include "reports/atomic_file.h"

#include "report_fixture.h"

#include <gtest/gtest.h>

#include <fstream>

namespace authconform::reports {
namespace {

namespace fs = std::filesystem;
using testing::fresh_folder;
using testing::read_file;

TEST(WriteFileAtomically, WritesTheWholeContents) {
  const fs::path file = fresh_folder() / "report.json";
  write_file_atomically(file.string(), std::string(100000, 'x') + "end");
  EXPECT_EQ(read_file(file), std::string(100000, 'x') + "end");
}

TEST(WriteFileAtomically, ReplacesAnExistingFileAndLeavesNoTemporaryFile) {
  const fs::path folder = fresh_folder();
  const fs::path file = folder / "report.xml";
  std::ofstream(file) << "old contents that are longer than the new ones";
  write_file_atomically(file.string(), "new");
  EXPECT_EQ(read_file(file), "new");
  int entries = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(folder)) ++entries;
  EXPECT_EQ(entries, 1);
}

TEST(WriteFileAtomically, CreatesMissingFolders) {
  const fs::path file = fresh_folder() / "out" / "reports" / "run.html";
  write_file_atomically(file.string(), "<p>ok</p>");
  EXPECT_EQ(read_file(file), "<p>ok</p>");
}

TEST(WriteFileAtomically, MakesTheFileReadableByOthers) {
  const fs::path file = fresh_folder() / "run.md";
  write_file_atomically(file.string(), "x");
  const fs::perms perms = fs::status(file).permissions();
  EXPECT_NE(perms & fs::perms::others_read, fs::perms::none);
}

TEST(WriteFileAtomically, FailsWithTheFileNameWhenAFolderInThePathIsAFile) {
  const fs::path folder = fresh_folder();
  std::ofstream(folder / "plain") << "a file, not a folder";
  const std::string path = (folder / "plain" / "run.json").string();
  try {
    write_file_atomically(path, "x");
    FAIL() << "no exception";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("cannot write report file '" + path + "'"), std::string::npos)
        << error.what();
  }
}

TEST(WriteFileAtomically, RefusesAFolderAsTheTarget) {
  const fs::path folder = fresh_folder();
  try {
    write_file_atomically(folder.string(), "x");
    FAIL() << "no exception";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("it is a folder"), std::string::npos) << error.what();
  }
  EXPECT_TRUE(fs::is_directory(folder));
}

}  // namespace
}  // namespace authconform::reports
