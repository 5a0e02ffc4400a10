#include "report_fixture.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/wait.h>
#include <unistd.h>

namespace authconform::reports::testing {
namespace {

using model::Outcome;
using model::Reason;
using model::RuleId;
using namespace std::string_literals;

constexpr std::string_view k_base = "http://127.0.0.1:8080/accounts/a1";

StepResult step(int index, int line, std::string description, Outcome model_outcome,
                std::vector<RuleId> rules, StepStatus status) {
  StepResult s;
  s.index = index;
  s.line = line;
  s.description = std::move(description);
  s.model_outcome = std::move(model_outcome);
  s.rules = std::move(rules);
  s.status = status;
  if (status == StepStatus::passed) s.observed = s.model_outcome;
  return s;
}

Exchange exchange(std::string method, std::string path, int status, std::string body) {
  Exchange x;
  x.method = std::move(method);
  x.url = std::string(k_base) + path;
  x.request_headers = {{"Authorization", "Basic \u2026"}, {"Accept", "application/json"}};
  x.status = status;
  x.response_body = std::move(body);
  x.elapsed_ms = 3.5;
  return x;
}

ScenarioResult scenario(std::string folder, std::string file, std::string title, ScenarioStatus status,
                        std::vector<RuleId> claimed, double ms) {
  ScenarioResult s;
  s.path = folder + "/" + file;
  s.folder = std::move(folder);
  s.title = std::move(title);
  s.status = status;
  s.claimed_rules = std::move(claimed);
  s.duration_ms = ms;
  return s;
}

ScenarioResult passed_scenario() {
  ScenarioResult s = scenario("scenarios/anonymous", "no_header.yaml", "No header is anonymous",
                              ScenarioStatus::passed, {RuleId::ANO_1, RuleId::PRB_1}, 12.25);
  s.tags = {"smoke"};
  s.steps.push_back(step(1, 9, "request users/me with no credential", Outcome::anonymous(),
                         {RuleId::ANO_1, RuleId::PRB_1}, StepStatus::passed));
  s.steps.back().exchange = exchange("GET", "/api/v2/users/me.json", 200, R"({"user":{"id":null}})");
  s.steps.back().exchange.request_headers = {{"Accept", "application/json"}};
  return s;
}

ScenarioResult failed_scenario() {
  ScenarioResult s = scenario("scenarios/tokens", "off.yaml", "Token access off rejects a valid token",
                              ScenarioStatus::failed, {RuleId::TOK_5}, 40);
  s.steps.push_back(step(1, 12, "set token_access on as admin", Outcome::ok(), {RuleId::TOK_2},
                         StepStatus::passed));
  StepResult bad = step(2, 16, "request users/me as eve/token:t1", Outcome::unauthorized(),
                        {RuleId::TOK_5}, StepStatus::failed);
  bad.observed = Outcome::as_user("eve");
  bad.message = "the target accepted an API token while token access is off";
  bad.exchange = exchange("GET", "/api/v2/users/me.json", 200,
                          R"({"user":{"id":2,"email":"eve@example.test","role":"end-user"}})");
  s.steps.push_back(bad);
  s.steps.push_back(step(3, 20, "request tickets as eve/token:t1", Outcome::unauthorized(),
                         {RuleId::TOK_5}, StepStatus::not_run));
  s.message = bad.message;
  return s;
}

ScenarioResult broken_scenario() {
  ScenarioResult s = scenario("scenarios/tokens", "agent.yaml", "Agents | cannot manage tokens",
                              ScenarioStatus::broken, {RuleId::ADM_1}, 8);
  StepResult bad = step(1, 7, "generate_token t1 as ann (agent)", Outcome::forbidden(Reason::not_admin),
                        {RuleId::ADM_1}, StepStatus::broken);
  bad.scenario_expect = Outcome::ok();
  bad.observed = Outcome::forbidden(Reason::not_admin);
  bad.message = "the scenario expects ok but the model decides forbidden:not_admin";
  bad.exchange = exchange("POST", "/api/v2/api_tokens.json", 403,
                          R"({"error":"Forbidden","reason":"not_admin"})");
  bad.exchange.request_body = R"({"api_token":{"description":"t1"}})";
  s.steps.push_back(bad);
  s.message = bad.message;
  return s;
}

ScenarioResult flaky_scenario() {
  ScenarioResult s = scenario("scenarios/oauth", "scopes.yaml", "A read-only OAuth token cannot write",
                              ScenarioStatus::flaky, {RuleId::OAU_3}, 21.5);
  StepResult bad = step(1, 10, "set token_access on with bearer o1", Outcome::forbidden(Reason::missing_scope),
                        {RuleId::OAU_1, RuleId::OAU_3}, StepStatus::failed);
  bad.observed = Outcome::ok();
  bad.message = "failed in 1 of 3 runs";
  bad.exchange = exchange("PUT", "/api/v2/account/settings.json", 200, "{}");
  s.steps.push_back(bad);
  s.message = "failed in 1 of 3 runs: not conformant, and not deterministic";
  return s;
}

ScenarioResult hostile_scenario() {
  ScenarioResult s = scenario("scenarios/tokens", "hostile.yaml", std::string(k_hostile_title),
                              ScenarioStatus::failed, {RuleId::TOK_7}, 5);
  s.tags = {"<b>tag</b>"};
  StepResult bad = step(1, 4, "request users/me as \"eve\" & <i>friends</i>", Outcome::unauthorized(),
                        {RuleId::TOK_7}, StepStatus::failed);
  bad.observed = Outcome::anonymous();
  bad.message = "terminal \x1b[31mred\x1b[0m, bell \x07, bad bytes \xff\xfe, nul \x00 end"s;
  bad.exchange = exchange("GET", "/api/v2/users/me.json?q=<x>&y=1", 200,
                          "<script>alert(1)</script>]]></system-out><!-- \r\n--> \xc3\x28 \u202e");
  s.steps.push_back(bad);
  s.message = bad.message;
  return s;
}

ScenarioResult error_scenario() {
  ScenarioResult s = scenario("scenarios/oauth", "revoke.yaml", "Revoking an unknown token is not_found",
                              ScenarioStatus::error, {RuleId::OAU_4}, 1000.5);
  StepResult bad = step(1, 6, "revoke_oauth o9 as admin", Outcome::not_found(), {RuleId::OAU_4},
                        StepStatus::error);
  bad.message = "connection refused by 127.0.0.1:8080";
  bad.exchange = exchange("DELETE", "/api/v2/oauth/tokens/9.json", 0, "");
  s.steps.push_back(bad);
  s.steps.push_back(step(2, 9, "request users/me as admin", Outcome::as_user("admin"), {},
                         StepStatus::not_run));
  s.message = "target error: connection refused by 127.0.0.1:8080";
  return s;
}

std::map<RuleId, RuleCoverage> coverage_of(const std::vector<ScenarioResult>& scenarios, int fuzz) {
  std::map<RuleId, RuleCoverage> coverage;
  for (const model::RuleInfo& info : model::all_rules())
    if (model::rule_in_policy(info.id, model::PolicyId::article)) coverage[info.id];
  for (const ScenarioResult& s : scenarios)
    for (const StepResult& st : s.steps)
      if (st.status != StepStatus::not_run)
        for (RuleId rule : st.rules) ++coverage[rule].steps_by_scenario[s.path];
  if (fuzz > 0)
    for (auto& [rule, cov] : coverage) cov.fuzz_steps = fuzz;
  return coverage;
}

}  // namespace

FixtureRun mixed_run() {
  FixtureRun run;
  run.info.command = "authconform run --target http://127.0.0.1:8080 --seed 42 scenarios";
  run.info.target = "http://127.0.0.1:8080";
  run.info.profile = "zendesk";
  run.info.tool_version = "0.1.0";
  run.info.started_at = "2025-01-02T03:04:05Z";
  run.info.seed = 42;
  run.scenarios = {passed_scenario(), failed_scenario(), broken_scenario(),
                   flaky_scenario(),  hostile_scenario(), error_scenario()};
  RunSummary& s = run.summary;
  s.scenarios = 6;
  s.passed = 1;
  s.failed = 2;
  s.broken = 1;
  s.errors = 1;
  s.flaky = 1;
  s.steps = 9;
  s.duration_ms = 1234.5;
  s.interrupted = true;
  s.target_error = "connection refused by 127.0.0.1:8080";
  s.coverage = coverage_of(run.scenarios, 0);
  s.coverage[RuleId::OAU_3].fuzz_steps = 7;
  s.verdict = RunVerdict::inconclusive;
  return run;
}

FixtureRun conformant_run() {
  FixtureRun run;
  run.info.command = "authconform run scenarios";
  run.info.target = "model";
  run.info.tool_version = "0.1.0";
  run.info.started_at = "2025-01-02T03:04:05Z";
  ScenarioResult one = passed_scenario();
  one.steps.back().exchange = {};
  ScenarioResult two = scenario("scenarios/tokens", "on.yaml", "Token access on accepts a token",
                                ScenarioStatus::passed, {RuleId::TOK_4}, 3);
  two.steps.push_back(step(1, 5, "request users/me as eve/token:t1", Outcome::as_user("eve"),
                           {RuleId::TOK_4, RuleId::PRB_1}, StepStatus::passed));
  run.scenarios = {one, two};
  run.summary.scenarios = 2;
  run.summary.passed = 2;
  run.summary.steps = 2;
  run.summary.duration_ms = 15.25;
  run.summary.coverage = coverage_of(run.scenarios, 1);
  run.summary.verdict = RunVerdict::conformant;
  return run;
}

void replay(const FixtureRun& run, RunListener& listener) {
  listener.on_run_start(run.info);
  for (const ScenarioResult& s : run.scenarios) {
    listener.on_scenario_start(s.path, s.title);
    listener.on_scenario_end(s);
  }
  listener.on_run_end(run.summary);
}

std::filesystem::path fresh_folder() {
  std::string pattern = (std::filesystem::path(::testing::TempDir()) / "reports-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed for " << pattern;
  return pattern;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) ADD_FAILURE() << "cannot read " << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void expect_golden(const std::string& name, const std::string& actual) {
  const std::filesystem::path golden = std::filesystem::path(AUTHCONFORM_TEST_DATA) / "reports" / name;
  if (std::getenv("AUTHCONFORM_UPDATE_GOLDEN") != nullptr) {
    std::ofstream(golden, std::ios::binary) << actual;
  }
  ASSERT_TRUE(std::filesystem::exists(golden))
      << golden << " is missing: run the test with AUTHCONFORM_UPDATE_GOLDEN=1 to create it";
  EXPECT_EQ(read_file(golden), actual)
      << "the output differs from " << golden
      << " (if the change is intended, rerun with AUTHCONFORM_UPDATE_GOLDEN=1 and review the diff)";
}

CommandResult run_command(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) result.output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string find_program(const std::string& name) {
  CommandResult found = run_command("command -v " + shell_quote(name) + " 2>/dev/null");
  while (!found.output.empty() && (found.output.back() == '\n' || found.output.back() == '\r'))
    found.output.pop_back();
  return found.status == 0 ? found.output : "";
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace authconform::reports::testing
