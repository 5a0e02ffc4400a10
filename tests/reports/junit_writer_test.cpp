#include "reports/writers.h"

#include "report_fixture.h"

#include <gtest/gtest.h>

#include <fstream>

namespace authconform::reports {
namespace {

namespace fs = std::filesystem;
using testing::FixtureRun;
using testing::mixed_run;
using testing::shell_quote;

const fs::path k_schema = fs::path(AUTHCONFORM_TEST_DATA) / "reports" / "junit.xsd";

fs::path write_junit(const FixtureRun& run) {
  const fs::path file = testing::fresh_folder() / "junit.xml";
  const auto writer = make_junit_writer(file.string());
  testing::replay(run, *writer);
  return file;
}

// xmllint's verdict on `file`; a missing xmllint fails the test (never skips).
testing::CommandResult validate(const fs::path& file) {
  const std::string xmllint = testing::find_program("xmllint");
  if (xmllint.empty()) {
    ADD_FAILURE() << "xmllint is not installed: apt-get install -y libxml2-utils";
    return {};
  }
  return testing::run_command(shell_quote(xmllint) + " --noout --schema " + shell_quote(k_schema.string()) +
                              " " + shell_quote(file.string()) + " 2>&1");
}

TEST(JunitWriter, MatchesTheGoldenFile) {
  testing::expect_golden("mixed.junit.xml", testing::read_file(write_junit(mixed_run())));
}

TEST(JunitWriter, IsValidAgainstTheJunitSchema) {
  for (const FixtureRun& run : {mixed_run(), testing::conformant_run()}) {
    const testing::CommandResult result = validate(write_junit(run));
    EXPECT_EQ(result.status, 0) << result.output;
  }
}

TEST(JunitWriter, StaysValidWhateverBytesTheTargetSends) {
  FixtureRun run = mixed_run();
  std::string every_byte;
  for (int b = 0; b < 256; ++b) every_byte += static_cast<char>(b);
  run.scenarios[1].title = every_byte;
  run.scenarios[1].folder = every_byte;
  run.scenarios[1].steps[1].exchange.response_body = every_byte + "]]>" + every_byte;
  run.scenarios[1].message = every_byte;
  const testing::CommandResult result = validate(write_junit(run));
  EXPECT_EQ(result.status, 0) << result.output;
}

TEST(JunitWriter, SchemaRejectsATestcaseWithoutAName) {
  const fs::path file = testing::fresh_folder() / "bad.xml";
  std::ofstream(file) << "<testsuites><testsuite name=\"s\" tests=\"1\"><testcase classname=\"c\"/>"
                         "</testsuite></testsuites>\n";
  EXPECT_NE(validate(file).status, 0);
}

TEST(JunitWriter, GroupsScenariosBySuiteWithCounts) {
  const std::string xml = testing::read_file(write_junit(mixed_run()));
  EXPECT_NE(xml.find("<testsuites name=\"authconform\" tests=\"6\" failures=\"4\" errors=\"1\" time=\"1.234\">"),
            std::string::npos);
  EXPECT_NE(xml.find("<testsuite name=\"scenarios/tokens\" tests=\"3\" failures=\"3\" errors=\"0\" skipped=\"0\""),
            std::string::npos);
  EXPECT_NE(xml.find("<testcase classname=\"scenarios/oauth\" name=\"Revoking an unknown token is not_found\" "
                     "file=\"scenarios/oauth/revoke.yaml\" time=\"1.000\">\n      <error message=\"target error"),
            std::string::npos);
  EXPECT_NE(xml.find("<failure message=\"failed in 1 of 3 runs: not conformant, and not deterministic\" type=\"flaky\">"),
            std::string::npos);
}

TEST(JunitWriter, PutsTheStepDiffInTheFailure) {
  const std::string xml = testing::read_file(write_junit(mixed_run()));
  EXPECT_NE(xml.find("step 2 (line 16): request users/me as eve/token:t1\n"
                     "  message   the target accepted an API token while token access is off\n"),
            std::string::npos);
  EXPECT_NE(xml.find("  expected  unauthorized\n  observed  user:eve\n  rules     TOK-5\n"), std::string::npos);
}

}  // namespace
}  // namespace authconform::reports
