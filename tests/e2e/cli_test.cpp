// The command line as a user meets it: exact texts of usage errors, help,
// and the rules and simulate commands.
#include "tests/utils/test_utils.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace authconform {
namespace {

using testing::run_cli;

TEST(Cli, UnknownCommand_SuggestsTheClosestOne) {
  const auto r = run_cli({"simulte"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "authconform: unknown command 'simulte' (did you mean 'simulate'?)\n"
            "Run 'authconform --help' for the list of commands.\n");
}

TEST(Cli, NoCommand_PrintsUsageAndExits2) {
  const auto r = run_cli({});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("Usage: authconform COMMAND"), std::string::npos);
}

TEST(Cli, EveryCommandHasHelpWithExamples) {
  for (const char* command : {"rules", "simulate", "run", "fuzz", "certify", "report", "serve"}) {
    const auto r = run_cli({command, "--help"});
    EXPECT_EQ(r.exit_code, 0) << command;
    EXPECT_NE(r.out.find("Examples:"), std::string::npos) << command;
  }
}

TEST(Cli, UnknownPolicy_IsAUsageError) {
  const auto r = run_cli({"rules", "--policy", "zendesk"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "authconform rules: error: unknown policy 'zendesk' (use article or zendesk-2026)\n");
}

TEST(Cli, UnknownOption_SaysSoAndShowsUsage) {
  const auto r = run_cli({"rules", "--polcy", "article"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.rfind("authconform: unrecognised option '--polcy'", 0), 0u) << r.err;
}

TEST(Cli, RulesJson_ListsEveryRuleOfThePolicy) {
  const auto article = nlohmann::json::parse(run_cli({"rules", "--format", "json"}).out);
  const auto zendesk =
      nlohmann::json::parse(run_cli({"rules", "--policy", "zendesk-2026", "--format", "json"}).out);
  EXPECT_EQ(article["rules"].size(), 29u);
  EXPECT_EQ(zendesk["rules"].size(), 29u);
  EXPECT_EQ(article["rules"][0]["id"], "ANO-1");
  EXPECT_NE(zendesk.dump().find("2FA-1"), std::string::npos);
  EXPECT_EQ(article.dump().find("2FA-1"), std::string::npos);
}

TEST(Cli, SimulateJson_GivesOutcomeRulesAndWhetherExpectWasMet) {
  const std::string dir = testing::make_temp_dir("simulate");
  const std::string file = dir + "/s.yaml";
  std::ofstream(file) << R"(scenario: end-user password is anonymous until turned on
users:
  - {name: eve, role: end-user, password: s3cret-1}
steps:
  - request: me
    as: {user: eve, password: s3cret-1}
    expect: anonymous
  - accept_agreement: {}
  - set: {end_user_password_access: on}
  - request: me
    as: {user: eve, password: s3cret-1}
    expect: {user: eve}
)";
  const auto r = run_cli({"simulate", file, "--format", "json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto doc = nlohmann::json::parse(r.out);
  const auto& first = doc["steps"][0];
  EXPECT_EQ(first["step"], 1);
  EXPECT_EQ(first["outcome"], "anonymous");
  EXPECT_EQ(first["rules"], (nlohmann::json{"PWD-3", "PWD-1", "PRB-1"}));
  EXPECT_EQ(first["expected"], "anonymous");
  EXPECT_EQ(first["met"], true);
  EXPECT_EQ(doc["steps"][3]["outcome"], "user:eve");
  EXPECT_EQ(r.out.find("s3cret-1"), std::string::npos) << "a password leaked into the output";
}

TEST(Cli, SimulateUnmetExpectation_Exits1) {
  const std::string dir = testing::make_temp_dir("simulate");
  const std::string file = dir + "/s.yaml";
  std::ofstream(file) << "scenario: wrong\nsteps:\n  - request: tickets\n    expect: ok\n";
  const auto r = run_cli({"simulate", file});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("EXPECTED ok"), std::string::npos) << r.out;
}

TEST(Cli, RunAgainstTheModel_PassesTheShippedSuite) {
  const auto r = run_cli({"run", testing::suite_dir(), "--target", "model", "--quiet"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST(Cli, HttpClientChoosesWhoSpeaksHttpAndRefusesAnythingElse) {
  const std::string scenario = testing::suite_dir() + "/tokens/another-accounts-secrets-are-refused.yaml";
  for (const char* client : {"builtin", "httplib"}) {
    const auto r = run_cli({"run", scenario, "--http-client", client, "--quiet"});
    EXPECT_EQ(r.exit_code, 0) << client << ": " << r.out << r.err;
  }
  const auto bad = run_cli({"run", scenario, "--http-client", "curl"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, "authconform run: error: --http-client must be builtin or httplib, not 'curl'\n");
}

// One connection per request is a way of speaking to the target, not of
// deciding: the suite gives the same verdict either way.
TEST(Cli, OneConnectionRunsTheSameSuite) {
  const std::string scenario = testing::suite_dir() + "/tokens/another-accounts-secrets-are-refused.yaml";
  const auto r = run_cli({"run", scenario, "--one-connection", "--quiet"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto fuzzed = run_cli({"fuzz", "--one-connection", "--runs", "5", "--seed", "1"});
  EXPECT_EQ(fuzzed.exit_code, 0) << fuzzed.out << fuzzed.err;
  EXPECT_NE(fuzzed.out.find("Replay: authconform fuzz --one-connection --seed 1"), std::string::npos) << fuzzed.out;
}

}  // namespace
}  // namespace authconform
