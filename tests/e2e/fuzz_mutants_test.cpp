// Fuzzing the embedded reference server over HTTP: the correct server passes,
// every mutant is found with a fixed seed within a bounded number of
// sequences, a few shrink to an exact minimal counterexample, and each
// written counterexample fails `run` on its mutant and passes on the correct server.
#include "runner/cli_options.h"
#include "runner/fuzz_engine.h"
#include "runner/fuzz_report.h"
#include "runner/scenario_loader.h"
#include "runner/scenario_runner.h"
#include "runner/target_factory.h"
#include "target/mutants.h"
#include "tests/utils/test_utils.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <sstream>

namespace authconform::runner {
namespace {

constexpr long k_sequence_bound = 1500;  // a mutant must be found within this many sequences

TargetHandle embedded(const std::string& mutant) {
  TargetOptions options;
  options.mutant = mutant;
  std::ostringstream err;
  return open_target(options, err);
}

FuzzOptions bounded(std::uint64_t seed) {
  FuzzOptions o;
  o.seed = seed;
  o.runs = k_sequence_bound;
  o.time_s = 0;
  o.shrink_time_s = 30;
  o.target_args = "";
  return o;
}

using testing::step_lines;

TEST(FuzzEmbedded, CorrectServer_HasNoMismatch) {
  TargetHandle handle = embedded("");
  FuzzOptions o = bounded(42);
  o.runs = 300;
  o.jobs = 2;
  const FuzzResult r = run_fuzz(handle.target(), o);
  EXPECT_EQ(r.verdict, FuzzVerdict::passed) << (r.mismatch ? r.mismatch->description : r.target_error);
  EXPECT_EQ(r.sequences, 300);
}

// Overlapping the requests (docs/fuzzing.md, "Spare cores") changes when a
// step is sent, not what is run or seen: the same sequences, steps, rules and
// coverage as one request at a time, whatever the machine's cores.
TEST(FuzzEmbedded, OverlappedRequests_RunAndCountWhatOneAtATimeDoes) {
  TargetHandle handle = embedded("");
  FuzzOptions o = bounded(42);
  o.runs = 300;
  o.overlap = false;
  const FuzzResult one_at_a_time = run_fuzz(handle.target(), o);
  o.overlap = true;
  const FuzzResult overlapped = run_fuzz(handle.target(), o);
  ASSERT_EQ(overlapped.verdict, FuzzVerdict::passed) << overlapped.target_error;
  EXPECT_EQ(overlapped.sequences, one_at_a_time.sequences);
  EXPECT_EQ(overlapped.steps, one_at_a_time.steps);
  EXPECT_EQ(overlapped.rules_fired, one_at_a_time.rules_fired);
  EXPECT_TRUE(overlapped.coverage == one_at_a_time.coverage);
}

// ... and a mismatch is the same step of the same sequence, shrunk to the same
// counterexample (the step started behind it is dropped unseen).
TEST(FuzzEmbedded, OverlappedRequests_FindAndShrinkTheSameMismatch) {
  for (const char* mutant : {"stale-token-cache", "tok8-no-token-limit", "pwd7-wrong-password-401"}) {
    SCOPED_TRACE(mutant);
    TargetHandle handle = embedded(mutant);
    FuzzOptions o = bounded(1);
    o.overlap = false;
    const FuzzResult one_at_a_time = run_fuzz(handle.target(), o);
    o.overlap = true;
    const FuzzResult overlapped = run_fuzz(handle.target(), o);
    ASSERT_EQ(overlapped.verdict, FuzzVerdict::failed) << overlapped.target_error;
    ASSERT_EQ(one_at_a_time.verdict, FuzzVerdict::failed) << one_at_a_time.target_error;
    EXPECT_EQ(overlapped.sequences, one_at_a_time.sequences);
    EXPECT_EQ(overlapped.steps, one_at_a_time.steps);
    EXPECT_EQ(overlapped.original_steps, one_at_a_time.original_steps);
    EXPECT_EQ(overlapped.mismatch->step, one_at_a_time.mismatch->step);
    EXPECT_EQ(overlapped.mismatch->description, one_at_a_time.mismatch->description);
    EXPECT_EQ(step_lines(*overlapped.counterexample), step_lines(*one_at_a_time.counterexample));
  }
}

TEST(FuzzEmbedded, EveryMutant_IsFoundAndItsCounterexampleReplays) {
  TargetHandle correct = embedded("");
  const std::string out = testing::make_temp_dir("fuzz-mutants");
  for (const target::MutantInfo& mutant : target::all_mutants()) {
    SCOPED_TRACE(std::string(mutant.name));
    TargetHandle handle = embedded(std::string(mutant.name));
    FuzzOptions o = bounded(1);
    o.out_dir = out + "/" + std::string(mutant.name);
    const FuzzResult r = run_fuzz(handle.target(), o);
    ASSERT_EQ(r.verdict, FuzzVerdict::failed) << r.target_error;
    const ScenarioLoad load = load_scenario_file(r.counterexample_path);
    ASSERT_TRUE(load.scenario) << (load.errors.empty() ? "" : load.errors.front().format());
    EXPECT_EQ(ScenarioRunner(handle.target(), {}).run_scenario(*load.scenario).status,
              reports::ScenarioStatus::failed);
    const reports::ScenarioResult on_correct = ScenarioRunner(correct.target(), {}).run_scenario(*load.scenario);
    EXPECT_EQ(on_correct.status, reports::ScenarioStatus::passed)
        << on_correct.message << "\n" << testing::read_file(r.counterexample_path);
  }
  std::filesystem::remove_all(out);
}

TEST(FuzzEmbedded, StaleTokenCache_ShrinksToTheExactMinimalSequence) {
  TargetHandle handle = embedded("stale-token-cache");
  const FuzzResult r = run_fuzz(handle.target(), bounded(1));
  ASSERT_EQ(r.verdict, FuzzVerdict::failed);
  EXPECT_EQ(step_lines(*r.counterexample), (std::vector<std::string>{
                                               "accept_agreement by OAuth token admin-oauth",
                                               "set token_access=on by OAuth token admin-oauth",
                                               "generate_token t1 by OAuth token admin-oauth",
                                               "set token_access=off by OAuth token admin-oauth",
                                               "request me as admin (token t1)",
                                           }));
  EXPECT_EQ(r.counterexample->rules, std::vector<model::RuleId>{model::RuleId::TOK_5});
}

TEST(FuzzEmbedded, OAuthGatedByTokenAccess_ShrinksToOneRequest) {
  TargetHandle handle = embedded("oau1-gated-by-token-access");
  const FuzzResult r = run_fuzz(handle.target(), bounded(1));
  ASSERT_EQ(r.verdict, FuzzVerdict::failed);
  EXPECT_EQ(step_lines(*r.counterexample), std::vector<std::string>{"request me as OAuth token admin-oauth"});
  EXPECT_EQ(r.counterexample->rules, (std::vector<model::RuleId>{model::RuleId::OAU_1, model::RuleId::PRB_1}));
}

TEST(FuzzEmbedded, TokenLimitNotEnforced_IsFoundThroughTheFill) {
  TargetHandle handle = embedded("tok8-no-token-limit");
  const FuzzResult r = run_fuzz(handle.target(), bounded(1));
  ASSERT_EQ(r.verdict, FuzzVerdict::failed);
  EXPECT_EQ(r.mismatch->expected, model::Outcome::forbidden(model::Reason::token_limit_reached));
  EXPECT_GT(r.counterexample->steps.size(), model::k_token_limit);
}

// The command line: a mismatch exits 1 and names the file; `run` replays it.
TEST(FuzzEmbedded, Cli_WritesTheCounterexampleAndExits1) {
  const std::string dir = testing::make_temp_dir("fuzz-cli-mutant");
  const testing::CliResult cli = testing::run_cli({"fuzz", "--mutant", "pwd7-wrong-password-401", "--seed", "4",
                                                   "--runs", "500", "--out", dir, "--json", dir + "/summary.json"});
  EXPECT_EQ(cli.exit_code, 1) << cli.err;
  const auto json = nlohmann::json::parse(testing::read_file(dir + "/summary.json"));
  EXPECT_EQ(json["result"], "failed");
  const std::string path = json["counterexample_path"];
  EXPECT_EQ(path, dir + "/fuzz-counterexample-4.yaml");
  EXPECT_NE(cli.out.find("FAILED: the target differs from the model at step "), std::string::npos) << cli.out;
  EXPECT_NE(cli.out.find("  counterexample: " + path + "\n"), std::string::npos) << cli.out;
  EXPECT_NE(cli.out.find("  replay it:      authconform run " + path + " --mutant pwd7-wrong-password-401\n"),
            std::string::npos)
      << cli.out;
  // The replay line works as printed, and the file passes on the correct server.
  EXPECT_EQ(testing::run_cli({"run", path, "--mutant", "pwd7-wrong-password-401"}).exit_code, 1);
  const testing::CliResult on_correct = testing::run_cli({"run", path});
  EXPECT_EQ(on_correct.exit_code, 0) << on_correct.out << on_correct.err;
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace authconform::runner
