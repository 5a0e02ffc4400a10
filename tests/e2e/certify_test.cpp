// Certification end to end, against the embedded reference server over real
// HTTP: a correct target passes, a mutant fails on its rule, shards merge to
// the unsharded verdicts, and a cut-short run still leaves a valid report.
#include "reports/certification.h"
#include "tests/utils/test_utils.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace authconform {
namespace {

using testing::run_cli;

nlohmann::json read_report(const std::string& dir) {
  return nlohmann::json::parse(testing::read_file(dir + "/report.json"));
}

std::map<std::string, std::string> rule_verdicts(const nlohmann::json& report) {
  std::map<std::string, std::string> verdicts;
  for (const auto& r : report["rules"]) verdicts[r["id"]] = r["status"];
  return verdicts;
}

TEST(Certify, CorrectReferenceServer_IsConformantWithEveryRulePassing) {
  const std::string dir = testing::make_temp_dir("certify-pass");
  const auto r = run_cli({"certify", "--fuzz-time", "2", "--seed", "11", "--report-dir", dir});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const char* file : {"report.html", "report.json", "junit.xml", "report.md"})
    EXPECT_TRUE(std::filesystem::exists(dir + "/" + file)) << file;
  const auto report = read_report(dir);
  EXPECT_EQ(report["verdict"], "conformant");
  EXPECT_EQ(report["incomplete"], false);
  EXPECT_EQ(report["seed"], 11);
  for (const auto& [rule, verdict] : rule_verdicts(report)) EXPECT_EQ(verdict, "pass") << rule;
  EXPECT_GT(report["fuzz"]["sequences"].get<long>(), 0);
  EXPECT_GE(report["gaps"].size(), 5u);
  const std::string html = testing::read_file(dir + "/report.html");
  EXPECT_NE(html.find("Fuzzing coverage"), std::string::npos);
  EXPECT_NE(html.find("reachable cells"), std::string::npos);
  EXPECT_NE(r.out.find("seed 11"), std::string::npos);
}

TEST(Certify, Mutant_FailsItsRuleAndPassesTheOthers) {
  const std::string dir = testing::make_temp_dir("certify-mutant");
  const auto r = run_cli({"certify", "--mutant", "tok5-tokens-work-when-off", "--fuzz-time", "0",
                          "--report-dir", dir});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  const auto verdicts = rule_verdicts(read_report(dir));
  EXPECT_EQ(verdicts.at("TOK-5"), "fail");
  int failed = 0;
  for (const auto& [rule, verdict] : verdicts) failed += verdict == "fail";
  EXPECT_LE(failed, 3) << "a single bug should not fail most rules";
  EXPECT_EQ(verdicts.at("OAU-4"), "pass");
  EXPECT_EQ(verdicts.at("PWD-4"), "pass");
}

TEST(Certify, ShardsMergedGiveTheUnshardedVerdicts) {
  const std::string whole = testing::make_temp_dir("certify-whole");
  const std::string a = testing::make_temp_dir("certify-a");
  const std::string b = testing::make_temp_dir("certify-b");
  const std::string merged = testing::make_temp_dir("certify-merged");
  const std::vector<std::string> common{"--mutant", "pwd7-wrong-password-401", "--fuzz-time", "0", "--seed", "5"};
  auto with = [&](std::vector<std::string> args) {
    args.insert(args.begin(), "certify");
    args.insert(args.end(), common.begin(), common.end());
    return run_cli(args);
  };
  const auto full = with({"--report-dir", whole});
  ASSERT_EQ(full.exit_code, 1) << full.out << full.err;
  ASSERT_EQ(with({"--report-dir", a, "--shard", "1/2"}).exit_code, 1);
  with({"--report-dir", b, "--shard", "2/2"});
  const auto m = run_cli({"report", "merge", "--out", merged, a + "/report.json", b + "/report.json"});
  ASSERT_EQ(m.exit_code, 1) << m.out << m.err;
  const auto merged_report = read_report(merged);
  const auto whole_report = read_report(whole);
  EXPECT_EQ(rule_verdicts(merged_report), rule_verdicts(whole_report));
  EXPECT_EQ(merged_report["scenario_results"].size(), whole_report["scenario_results"].size());
  EXPECT_EQ(merged_report["verdict"], whole_report["verdict"]);
}

TEST(Certify, UnreachableTarget_IsInconclusiveWithAnIncompleteReport) {
  const std::string dir = testing::make_temp_dir("certify-down");
  const auto r = run_cli({"certify", "--target", "http://127.0.0.1:1", "--connect-timeout", "0.5",
                          "--fuzz-time", "0", "--report-dir", dir});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  const auto report = read_report(dir);
  EXPECT_EQ(report["verdict"], "inconclusive");
  EXPECT_EQ(report["incomplete"], true);
  EXPECT_FALSE(report["incomplete_reason"].get<std::string>().empty());
}

TEST(Certify, ReportVerify_DetectsAChangedScenario) {
  const std::string suite = testing::make_temp_dir("certify-suite");
  std::filesystem::copy(testing::suite_dir() + "/tokens", suite + "/tokens",
                        std::filesystem::copy_options::recursive);
  const std::string dir = testing::make_temp_dir("certify-verify");
  ASSERT_EQ(run_cli({"certify", "--suite", suite, "--fuzz-time", "0", "--report-dir", dir}).exit_code, 0);
  const auto ok = run_cli({"report", "verify", dir});
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  const auto first = *std::filesystem::directory_iterator(suite + "/tokens");
  std::ofstream(first.path(), std::ios::app) << "\n# edited\n";
  const auto changed = run_cli({"report", "verify", dir});
  EXPECT_EQ(changed.exit_code, 1);
  EXPECT_NE(changed.out.find("MISMATCH scenario " + first.path().string()), std::string::npos) << changed.out;
}

// The manifest names inputs as certify was given them; a relative one that
// is not found from here gets a note saying where verify must run.
TEST(Certify, ReportVerify_ARelativeInputNotFoundHereSaysWhereToRun) {
  const std::string dir = testing::make_temp_dir("certify-verify-relative");
  ASSERT_EQ(run_cli({"certify", "--suite", testing::suite_dir() + "/examples", "--fuzz-time", "0",
                     "--report-dir", dir}).exit_code, 0);
  auto report = read_report(dir);
  report["manifest"].push_back({{"kind", "scenario"}, {"path", "moved-away/api-token-basics.yaml"},
                                {"sha256", std::string(64, '0')}});
  std::ofstream(dir + "/report.json") << report.dump();
  const auto r = run_cli({"report", "verify", dir});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("MISMATCH scenario moved-away/api-token-basics.yaml: manifest " + std::string(64, '0') +
                       ", now missing\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("note: 1 input named by a relative path is missing from " +
                       std::filesystem::current_path().string() +
                       "; run 'report verify' from the folder 'certify' ran in\n"), std::string::npos) << r.out;
}

// A waiver is an accepted deviation: the mutant breaks TOK-5 alone, so with
// TOK-5 waived the certification is conformant, and says it holds a waiver.
TEST(Certify, Waivers_WaivedFailureIsShownWaivedAndExpiredWaiverFails) {
  const std::string dir = testing::make_temp_dir("certify-waivers");
  const std::string waivers = dir + "/waivers.yaml";
  std::ofstream(waivers) << "waivers:\n  - {rule: TOK-5, reason: known cache bug, expires: 2999-01-01}\n"
                            "  - {rule: PWD-4, reason: not a real deviation}\n";
  const auto r = run_cli({"certify", "--mutant", "tok5-tokens-work-when-off", "--fuzz-time", "0",
                          "--waivers", waivers, "--report-dir", dir + "/out"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("  TOK-5  waived\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Certification: conformant (with 1 rule waived)\n"), std::string::npos) << r.out;
  const auto report = read_report(dir + "/out");
  EXPECT_EQ(report["verdict"], "conformant");
  EXPECT_EQ(rule_verdicts(report).at("TOK-5"), "waived");
  EXPECT_EQ(report["waivers"][1]["status"], "expected failure did not happen");
  std::ofstream(waivers) << "waivers:\n  - {rule: TOK-5, reason: known cache bug, expires: 2001-01-01}\n";
  const auto expired = run_cli({"certify", "--mutant", "tok5-tokens-work-when-off", "--fuzz-time", "0",
                                "--waivers", waivers, "--report-dir", dir + "/out2"});
  EXPECT_EQ(expired.exit_code, 1);
  EXPECT_EQ(read_report(dir + "/out2")["waivers"][0]["status"], "expired");
}

TEST(Certify, BadWaiversFile_ErrorNamesTheLineAndExits2) {
  const std::string dir = testing::make_temp_dir("certify-badwaivers");
  const std::string waivers = dir + "/waivers.yaml";
  std::ofstream(waivers) << "waivers:\n  - {rule: TOK-55, reasn: x}\n";
  const auto r = run_cli({"certify", "--waivers", waivers, "--report-dir", dir});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(waivers + ":2:12: unknown rule 'TOK-55' (see 'authconform rules')"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(waivers + ":2:20: unknown key 'reasn' in waiver (did you mean 'reason'?)"), std::string::npos) << r.err;
}

// A real process, interrupted with SIGINT mid-run, must leave a complete,
// parseable report marked incomplete.
TEST(Certify, InterruptedRun_LeavesAValidIncompleteReport) {
  const std::string dir = testing::make_temp_dir("certify-int");
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    const int devnull = ::open("/dev/null", O_WRONLY);
    dup2(devnull, STDOUT_FILENO);
    dup2(devnull, STDERR_FILENO);
    execl(AUTHCONFORM_BINARY, AUTHCONFORM_BINARY, "certify", "--fuzz-time", "60", "--report-dir",
          dir.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  std::this_thread::sleep_for(std::chrono::seconds(3));
  kill(pid, SIGINT);
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
  const auto report = read_report(dir);
  EXPECT_EQ(report["incomplete"], true);
  EXPECT_EQ(report["incomplete_reason"], "interrupted");
  EXPECT_EQ(report["verdict"], "inconclusive");
}

}  // namespace
}  // namespace authconform
