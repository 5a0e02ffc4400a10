#include "reports/writers.h"

#include "report_fixture.h"

#include <gtest/gtest.h>

#include <sstream>

namespace authconform::reports {
namespace {

namespace fs = std::filesystem;
using testing::FixtureRun;
using testing::mixed_run;

std::string markdown(const FixtureRun& run) {
  const fs::path file = testing::fresh_folder() / "summary.md";
  const auto writer = make_markdown_writer(file.string());
  testing::replay(run, *writer);
  return testing::read_file(file);
}

// The cell separators of a table row: pipes not escaped by a backslash.
int separators(const std::string& row) {
  int n = 0;
  for (std::size_t i = 0; i < row.size(); ++i)
    if (row[i] == '|' && (i == 0 || row[i - 1] != '\\')) ++n;
  return n;
}

TEST(MarkdownWriter, MatchesTheGoldenFile) { testing::expect_golden("mixed.md", markdown(mixed_run())); }

TEST(MarkdownWriter, EveryTableRowHasAsManyCellsAsItsHeader) {
  std::istringstream lines(markdown(mixed_run()));
  int header = -1;
  int rows = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] != '|') {
      header = -1;
      continue;
    }
    if (header < 0) header = separators(line);
    EXPECT_EQ(separators(line), header) << line;
    ++rows;
  }
  EXPECT_GE(rows, 10);
}

TEST(MarkdownWriter, ListsEachFailureStepWithExpectedAndObserved) {
  const std::string text = markdown(mixed_run());
  EXPECT_NE(text.find("## authconform: \u26A0\uFE0F inconclusive\n"), std::string::npos);
  EXPECT_NE(text.find("| FAIL | scenarios/tokens/off.yaml<br>Token access off rejects a valid token | "
                      "step 2 (line 16): request users/me as eve/token:t1"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("| unauthorized | user:eve | TOK-5 |\n"), std::string::npos);
  EXPECT_NE(text.find("Agents \\| cannot manage tokens"), std::string::npos);
  EXPECT_NE(text.find("Not exercised: ANO-2, TOK-4"), std::string::npos);
}

TEST(MarkdownWriter, ConformantRunHasNoFailureSection) {
  const std::string text = markdown(testing::conformant_run());
  EXPECT_NE(text.find("## authconform: \u2705 conformant\n"), std::string::npos);
  EXPECT_EQ(text.find("### Failures"), std::string::npos);
  EXPECT_NE(text.find("29 of 29 rules exercised.\n"), std::string::npos);
}

TEST(MarkdownWriter, CapsTheFailureListForLongRuns) {
  FixtureRun run = mixed_run();
  for (int i = 0; i < 60; ++i) run.scenarios.push_back(run.scenarios[1]);
  const std::string text = markdown(run);
  EXPECT_NE(text.find("\n15 more not shown: see the full report.\n"), std::string::npos);
}

}  // namespace
}  // namespace authconform::reports
