// Hostile targets: the reference server with each `--fault` mode, and the CLI
// against it. Every command ends within its timeouts with exit 3 (never a
// verdict on conformance), says what the target did, and writes its report
// marked incomplete; `fuzz --jobs N` stops every worker and leaves no thread.
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "target/reference_server.h"
#include "tests/utils/test_utils.h"

namespace authconform {
namespace {

using Json = nlohmann::json;
using namespace std::chrono_literals;

// Generous: only a hang (or a worker that kept fuzzing) comes near it.
constexpr auto k_hang_bound = 30s;

struct ModeCase {
  const char* fault;
  const char* says;  // what the message must say the target did
};

void PrintTo(const ModeCase& c, std::ostream* out) {
  *out << c.fault;
}

const ModeCase k_stall{"stall", "no response within 0.5 s"};
const ModeCase k_reset{"reset",
                       "the connection was closed or reset before a complete response head"};
const ModeCase k_non_json{"non-json", "the body is not JSON"};
const ModeCase k_oversize{"oversize", "the response body is larger than 1048576 bytes"};
const ModeCase k_short_body{"short-body", "truncated body"};
const ModeCase k_status_500{"status-500", "answered 500"};
const ModeCase k_slow_bytes{"slow-bytes", "it was still arriving, too slowly"};
const ModeCase k_other_account{"other-account",
                               "a user who is not in this account (another account's data?)"};

class FaultServer {
 public:
  explicit FaultServer(const std::string& fault, long after = 0) : m_server(options(fault, after)) {
    m_server.start();
  }
  std::string url() const { return m_server.url(); }

 private:
  static target::ServerOptions options(const std::string& fault, long after) {
    target::ServerOptions o;
    o.fault = fault;
    o.fault_after = after;
    return o;
  }
  target::ReferenceServer m_server;
};

std::vector<std::string> timeouts() {
  return {"--request-timeout", "0.5", "--connect-timeout", "0.5"};
}

std::vector<std::string> concat(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Runs the CLI; fails the test if it took anywhere near a hang.
testing::CliResult run_ended(const std::vector<std::string>& args) {
  const auto started = std::chrono::steady_clock::now();
  testing::CliResult r = testing::run_cli(args);
  EXPECT_LT(std::chrono::steady_clock::now() - started, k_hang_bound) << "the command nearly hung";
  return r;
}

void expect_incomplete(const Json& report, const ModeCase& c) {
  EXPECT_EQ(report.at("incomplete"), true);
  EXPECT_TRUE(contains(report.at("incomplete_reason").get<std::string>(), c.says))
      << report.at("incomplete_reason");
}

class FaultModes : public ::testing::TestWithParam<ModeCase> {};
class FaultModesEveryCommand : public ::testing::TestWithParam<ModeCase> {};

TEST_P(FaultModes, Run_Exits3SaysWhatTheTargetDidAndMarksTheReportIncomplete) {
  const ModeCase c = GetParam();
  FaultServer server(c.fault);
  const std::string dir = testing::make_temp_dir("fault-run");
  const auto r = run_ended(concat({"run", testing::suite_dir() + "/examples", "--target",
                                   server.url(), "--quiet", "--json", dir + "/run.json"},
                                  timeouts()));
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, c.says)) << r.out;
  EXPECT_TRUE(contains(r.out, "INCONCLUSIVE")) << r.out;
  const Json report = Json::parse(testing::read_file(dir + "/run.json"));
  EXPECT_EQ(report["summary"]["verdict"], "inconclusive");
  expect_incomplete(report["summary"], c);
}

TEST_P(FaultModesEveryCommand, Fuzz_Exits3AndWritesAnIncompleteSummary) {
  const ModeCase c = GetParam();
  FaultServer server(c.fault);
  const std::string dir = testing::make_temp_dir("fault-fuzz");
  const auto r = run_ended(concat({"fuzz", "--target", server.url(), "--seed", "5", "--time", "20",
                                   "--json", dir + "/fuzz.json", "--out", dir + "/out"},
                                  timeouts()));
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, c.says)) << r.out;
  const Json summary = Json::parse(testing::read_file(dir + "/fuzz.json"));
  EXPECT_EQ(summary["result"], "inconclusive");
  expect_incomplete(summary, c);
  EXPECT_FALSE(std::filesystem::exists(dir + "/out")) << "no counterexample from a broken target";
}

TEST_P(FaultModesEveryCommand, Certify_Exits3AndWritesAnIncompleteReport) {
  const ModeCase c = GetParam();
  FaultServer server(c.fault);
  const std::string dir = testing::make_temp_dir("fault-certify");
  const auto r = run_ended(concat(
      {"certify", "--target", server.url(), "--seed", "5", "--fuzz-time", "2", "--report-dir", dir},
      timeouts()));
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_TRUE(contains(r.out, c.says)) << r.out;
  const Json report = Json::parse(testing::read_file(dir + "/report.json"));
  EXPECT_EQ(report["verdict"], "inconclusive");
  expect_incomplete(report, c);
}

std::string test_name(const ::testing::TestParamInfo<ModeCase>& param) {
  std::string name = param.param.fault;
  for (char& ch : name) ch = ch == '-' ? '_' : ch;
  return name;
}

INSTANTIATE_TEST_SUITE_P(AllModes, FaultModes,
                         ::testing::Values(k_stall, k_reset, k_non_json, k_oversize, k_short_body,
                                           k_status_500, k_slow_bytes, k_other_account),
                         test_name);

INSTANTIATE_TEST_SUITE_P(AllModes, FaultModesEveryCommand,
                         ::testing::Values(k_stall, k_reset, k_non_json, k_oversize, k_short_body,
                                           k_status_500, k_slow_bytes, k_other_account),
                         test_name);

long thread_count() {
  return static_cast<long>(std::distance(std::filesystem::directory_iterator("/proc/self/task"),
                                         std::filesystem::directory_iterator{}));
}

// One request through the front to the server behind it, so that both
// servers' worker pools exist before the baseline is taken.
void warm_up(const std::string& url) {
  httplib::Client client(url);
  client.set_tcp_nodelay(true);
  ASSERT_TRUE(client.Get("/conformance/v1/none"));
}

// other-account breaks only users/me answers: one worker meets it while the
// others are in sequences that never ask, and they must stop all the same
// (else the run would last its 60 s).
TEST(FaultModesJobs, FuzzWithFourJobs_OneFailingWorkerStopsTheOthersAndNoThreadIsLeft) {
  FaultServer server("other-account", 20);
  warm_up(server.url());
  const long before = thread_count();
  const std::string dir = testing::make_temp_dir("fault-jobs");
  const auto r = run_ended(concat({"fuzz", "--target", server.url(), "--seed", "9", "--jobs", "4",
                                   "--time", "60", "--json", dir + "/fuzz.json"},
                                  timeouts()));
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_EQ(thread_count(), before);
  const Json summary = Json::parse(testing::read_file(dir + "/fuzz.json"));
  EXPECT_EQ(summary["jobs"], 4);
  expect_incomplete(summary, k_other_account);
}

TEST(FaultModesJobs, FuzzWithFourJobs_AgainstAStallAfterGoodAnswers_LeavesNoThread) {
  FaultServer server("stall", 40);
  warm_up(server.url());
  const long before = thread_count();
  const std::string dir = testing::make_temp_dir("fault-jobs-stall");
  const auto r = run_ended(concat({"fuzz", "--target", server.url(), "--seed", "9", "--jobs", "4",
                                   "--time", "60", "--json", dir + "/fuzz.json"},
                                  timeouts()));
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_EQ(thread_count(), before);
  expect_incomplete(Json::parse(testing::read_file(dir + "/fuzz.json")), k_stall);
}

}  // namespace
}  // namespace authconform
