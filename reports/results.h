// Results are values: what a run produced, step by step and scenario by
// scenario. Every report writer consumes these through RunListener
// (reports/listener.h). Secrets are redacted before they get here.
#pragma once

#include "model/outcome.h"
#include "model/rules.h"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace authconform::reports {

// What went over the wire for one step, secrets already redacted; empty
// (method "") for the model target.
struct Exchange {
  std::string method;
  std::string url;
  std::vector<std::pair<std::string, std::string>> request_headers;
  std::string request_body;   // truncated
  int status = 0;
  std::string response_body;  // truncated
  double elapsed_ms = 0;
};

enum class StepStatus {
  passed,       // observed what was expected
  failed,       // the target's outcome differs from the model's: not conformant
  broken,       // the scenario's own `expect` disagrees with the model
  error,        // the target broke (unreachable, unclassifiable answer)
  not_run,      // a step after a failure, error or interruption
};

struct StepResult {
  int index = 0;               // 1-based
  int line = 0;                // in the scenario file
  std::string description;     // one line, secrets redacted
  std::optional<model::Outcome> scenario_expect;  // `expect:` as written
  model::Outcome model_outcome;
  std::vector<model::RuleId> rules;  // what decided it, in order
  std::optional<model::Outcome> observed;  // absent for error/not_run
  StepStatus status = StepStatus::passed;
  std::string message;  // for failed/broken/error: what went wrong, in a sentence
  Exchange exchange;
};

enum class ScenarioStatus { passed, failed, broken, error, flaky };

struct ScenarioResult {
  std::string path;     // file, relative to where the run was started
  std::string folder;   // suite name for JUnit: the scenario's folder
  std::string title;
  model::PolicyId policy = model::PolicyId::article;
  std::vector<model::RuleId> claimed_rules;  // `rules:`
  std::vector<std::string> tags;
  ScenarioStatus status = ScenarioStatus::passed;
  std::vector<StepResult> steps;
  std::string message;  // first failure or the target error
  double duration_ms = 0;
};

// For every rule: which scenarios' steps it decided, and how many steps.
struct RuleCoverage {
  std::map<std::string, int> steps_by_scenario;  // scenario path -> steps
  int fuzz_steps = 0;
  int total_steps() const;
};

struct RunInfo {
  std::string command;       // the command line that replays the run
  std::string target;        // "model" or the URL
  std::string profile;       // profile name or path ("" for the model)
  model::PolicyId policy = model::PolicyId::article;
  std::string tool_version;
  std::string started_at;    // ISO 8601 UTC
  std::optional<unsigned long long> seed;
};

enum class RunVerdict { conformant, not_conformant, inconclusive, input_error };

struct RunSummary {
  int scenarios = 0, passed = 0, failed = 0, broken = 0, errors = 0, flaky = 0;
  int steps = 0;
  double duration_ms = 0;
  bool interrupted = false;          // stopped early (Ctrl-C, target error)
  std::string target_error;          // the message when the target broke
  std::map<model::RuleId, RuleCoverage> coverage;  // every rule of the policy, fired or not
  RunVerdict verdict = RunVerdict::conformant;
};

std::string_view step_status_name(StepStatus status);
std::string_view scenario_status_name(ScenarioStatus status);
std::string_view verdict_name(RunVerdict verdict);
// The process exit code of a verdict: 0 conformant, 1 not conformant,
// 2 input error, 3 inconclusive (target unreachable or broken).
int exit_code(RunVerdict verdict);

}  // namespace authconform::reports
