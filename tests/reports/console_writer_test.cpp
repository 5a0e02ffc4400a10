#include "reports/writers.h"

#include "report_fixture.h"

#include <gtest/gtest.h>

#include <cctype>
#include <sstream>

namespace authconform::reports {
namespace {

using testing::FixtureRun;
using testing::expect_golden;
using testing::mixed_run;

std::string console_text(const FixtureRun& run, ConsoleOptions options) {
  std::ostringstream out;
  const auto writer = make_console_writer(out, options);
  testing::replay(run, *writer);
  return out.str();
}

TEST(ConsoleWriter, MatchesTheGoldenText) {
  expect_golden("mixed.console.txt", console_text(mixed_run(), {}));
}

TEST(ConsoleWriter, QuietShowsOnlyProblemsAndTheSummary) {
  const std::string text = console_text(mixed_run(), {.quiet = true});
  expect_golden("mixed.console-quiet.txt", text);
  EXPECT_EQ(text.find("PASS  "), std::string::npos);
  EXPECT_NE(text.find("FAIL  scenarios/tokens/off.yaml  Token access off rejects a valid token\n"),
            std::string::npos);
}

TEST(ConsoleWriter, VerboseShowsEveryStepAndWholeBodies) {
  FixtureRun run = mixed_run();
  run.scenarios[1].steps[1].exchange.response_body = std::string(300, 'b') + "TAIL";
  const std::string verbose = console_text(run, {.verbose = true});
  const std::string normal = console_text(run, {});
  EXPECT_NE(verbose.find("step 1 (line 9): request users/me with no credential -> passed"), std::string::npos);
  EXPECT_NE(verbose.find("TAIL"), std::string::npos);
  EXPECT_EQ(normal.find("TAIL"), std::string::npos);
  EXPECT_NE(normal.find("... (104 more bytes)"), std::string::npos);
}

TEST(ConsoleWriter, ExplainsAFailedStepWithRequestOutcomesRulesAndResponse) {
  const std::string text = console_text(mixed_run(), {});
  EXPECT_NE(text.find("      step 2 (line 16): request users/me as eve/token:t1\n"
                      "        message   the target accepted an API token while token access is off\n"
                      "        sent      GET http://127.0.0.1:8080/accounts/a1/api/v2/users/me.json\n"
                      "                  Authorization: Basic \u2026\n"
                      "                  Accept: application/json\n"
                      "        expected  unauthorized\n"
                      "        observed  user:eve\n"
                      "        rules     TOK-5\n"
                      "        received  200 {\"user\":{\"id\":2,"),
            std::string::npos)
      << text;
}

TEST(ConsoleWriter, SummarisesCountsVerdictAndUnexercisedRules) {
  const std::string text = console_text(mixed_run(), {});
  EXPECT_NE(text.find("\n6 scenarios: 1 passed, 2 failed, 1 broken, 1 errors, 1 flaky (9 steps, 1.23 s)\n"),
            std::string::npos);
  EXPECT_NE(text.find("verdict: INCONCLUSIVE\n"), std::string::npos);
  EXPECT_NE(text.find("not exercised: ANO-2, TOK-4,"), std::string::npos);
}

// Consumes the digits at the front of `text`; false when there are none.
bool eat_number(std::string_view& text) {
  std::size_t n = 0;
  while (n < text.size() && std::isdigit(static_cast<unsigned char>(text[n]))) ++n;
  text.remove_prefix(n);
  return n > 0;
}

bool eat(std::string_view& text, std::string_view prefix) {
  if (!text.starts_with(prefix)) return false;
  text.remove_prefix(prefix.size());
  return true;
}

// "[WORD:] N passed, M failed[, K skipped]": the closing line CI tools read as
// a test runner's total. (A hand-written matcher: std::regex trips GCC's
// -Wmaybe-uninitialized under the sanitizers.)
bool looks_like_runner_total(std::string_view line) {
  if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    line.remove_prefix(colon + 1);
    while (line.starts_with(' ')) line.remove_prefix(1);
  }
  if (!eat_number(line) || !eat(line, " passed, ") || !eat_number(line) || !eat(line, " failed"))
    return false;
  if (eat(line, ", ") && !(eat_number(line) && eat(line, " skipped"))) return false;
  while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.remove_suffix(1);
  return line.empty();
}

TEST(ConsoleWriter, RunnerTotalMatcherRecognisesTheForm) {
  EXPECT_TRUE(looks_like_runner_total("3 passed, 1 failed"));
  EXPECT_TRUE(looks_like_runner_total("tests: 3 passed, 0 failed, 2 skipped"));
  EXPECT_FALSE(looks_like_runner_total("6 scenarios: 1 passed, 2 failed, 1 broken, 1 errors (9 steps, 1.23 s)"));
}

TEST(ConsoleWriter, NeverPrintsALineThatLooksLikeATestRunnerTotal) {
  for (const FixtureRun& run : {mixed_run(), testing::conformant_run()}) {
    std::istringstream lines(console_text(run, {}));
    for (std::string line; std::getline(lines, line);) EXPECT_FALSE(looks_like_runner_total(line)) << line;
  }
}

TEST(ConsoleWriter, UsesAnsiColoursOnlyWhenAsked) {
  EXPECT_NE(console_text(mixed_run(), {.color = true}).find("\x1b[31mFAIL\x1b[0m"), std::string::npos);
  EXPECT_EQ(console_text(mixed_run(), {}).find('\x1b'), std::string::npos);
}

TEST(ConsoleWriter, NeverPassesTargetControlBytesToTheTerminal) {
  const std::string text = console_text(mixed_run(), {.color = false, .verbose = true});
  EXPECT_EQ(text.find('\x1b'), std::string::npos);
  EXPECT_EQ(text.find('\x07'), std::string::npos);
  EXPECT_EQ(text.find('\r'), std::string::npos);
  EXPECT_NE(text.find("terminal \\x1B[31mred\\x1B[0m, bell \\x07"), std::string::npos);
}

TEST(ConsoleWriter, ShowsAndClearsAProgressLineOnlyWhenAsked) {
  const std::string with = console_text(mixed_run(), {.progress = true, .scenario_count = 6});
  const std::string progress = "[2/6] Token access off rejects a valid token";
  EXPECT_NE(with.find(progress + "\r" + std::string(progress.size(), ' ') +
                      "\rFAIL  scenarios/tokens/off.yaml"),
            std::string::npos)
      << with;
  EXPECT_EQ(console_text(mixed_run(), {}).find("[2/6]"), std::string::npos);
}

TEST(ConsoleWriter, ProgressWithoutAKnownTotalShowsTheCountAlone) {
  EXPECT_NE(console_text(mixed_run(), {.progress = true}).find("\r[3] Agents | cannot manage tokens"),
            std::string::npos);
}

TEST(ConsoleWriter, PrintsTheReplayCommandOnlyWhenNotConformant) {
  EXPECT_NE(console_text(mixed_run(), {.quiet = true}).find("replay: authconform run --target"),
            std::string::npos);
  const std::string ok = console_text(testing::conformant_run(), {});
  EXPECT_EQ(ok.find("replay:"), std::string::npos);
  EXPECT_NE(ok.find("verdict: CONFORMANT\ncoverage: 29 of 29 rules exercised\n"), std::string::npos) << ok;
}

}  // namespace
}  // namespace authconform::reports
