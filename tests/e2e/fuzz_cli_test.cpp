// `authconform fuzz` as a user meets it: the seed and replay line first, the
// summary, the JSON file, exit codes, and option errors.
#include "tests/utils/test_utils.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace authconform {
namespace {

// Runs `authconform fuzz ARGS...` in-process.
testing::CliResult fuzz(std::vector<std::string> args) {
  args.insert(args.begin(), "fuzz");
  return testing::run_cli(args);
}

TEST(FuzzCli, ModelRun_PrintsSeedAndReplayFirstAndPasses) {
  const std::string dir = testing::make_temp_dir("fuzz-cli");
  const auto r = fuzz({"--target", "model", "--seed", "17", "--runs", "200", "--json", dir + "/summary.json"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.rfind("authconform fuzz: seed 17, target model, policy article\n"
                        "Replay: authconform fuzz --target model --seed 17 --runs 200\n",
                        0),
            0u)
      << r.out;
  EXPECT_NE(r.out.find("PASSED: no mismatch: 200 sequences, "), std::string::npos) << r.out;
  const auto json = nlohmann::json::parse(testing::read_file(dir + "/summary.json"));
  EXPECT_EQ(json["seed"], 17);
  EXPECT_EQ(json["sequences"], 200);
  EXPECT_EQ(json["result"], "passed");
  EXPECT_GT(json["requests"].get<long>(), 200);
  EXPECT_GT(json["requests_per_second"].get<double>(), 0);
  EXPECT_GT(json["rules_fired"]["TOK-4"].get<long>(), 0);
  EXPECT_TRUE(json["counterexample"].is_null());
  EXPECT_EQ(json["counterexample_path"], "");
  EXPECT_GT(json["coverage"]["cells_visited"].get<long>(), 0);
  std::filesystem::remove_all(dir);
}

TEST(FuzzCli, PolicyAndMaxSteps_AppearInTheReplayLine) {
  const auto r = fuzz({"--target", "model", "--policy", "zendesk-2026", "--seed", "3", "--runs", "20",
                       "--max-steps", "5", "-q"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Replay: authconform fuzz --target model --policy zendesk-2026 --seed 3 --runs 20 "
                       "--max-steps 5\n"),
            std::string::npos)
      << r.out;
}

TEST(FuzzCli, BadNumbers_AreUsageErrorsThatSayWhatToDo) {
  EXPECT_EQ(fuzz({"--target", "model", "--jobs", "0"}).err,
            "authconform fuzz: error: --jobs must be between 1 and 64\n");
  EXPECT_EQ(fuzz({"--target", "model", "--time", "0"}).err,
            "authconform fuzz: error: --time must be a positive number of seconds\n");
  EXPECT_EQ(fuzz({"--target", "model", "--max-steps", "0"}).exit_code, 2);
  EXPECT_EQ(fuzz({"--target", "model", "--runs", "-1"}).exit_code, 2);
  EXPECT_EQ(fuzz({"--target", "model", "--seed", "x"}).exit_code, 2);
}

TEST(FuzzCli, Help_ShowsUsageAndExamples) {
  const auto r = fuzz({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("Usage: authconform fuzz"), std::string::npos);
  EXPECT_NE(r.out.find("Examples:"), std::string::npos);
  EXPECT_NE(r.out.find("--shrink-time"), std::string::npos);
}

}  // namespace
}  // namespace authconform
