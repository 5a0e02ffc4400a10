// A certification: the suite's results, the fuzzing phase, and from both a
// verdict for every rule of the policy, with the evidence and a manifest of
// the inputs a certifier can re-check. Written as report.json, report.html,
// junit.xml and report.md into one folder (docs/certification.md).
#pragma once

#include "reports/results.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace authconform::reports {

inline constexpr int k_certification_schema_version = 1;

struct FuzzSummary {
  bool ran = false;
  std::vector<std::uint64_t> seeds;  // every batch seed, in order
  long sequences = 0, steps = 0, requests = 0;
  double seconds = 0;
  std::map<model::RuleId, long> rules_fired;
  std::string result = "not run";  // passed | failed | flaky | inconclusive | not run
  std::string counterexample_path;
  std::vector<model::RuleId> counterexample_rules;  // rules of the differing step
  std::string replay_command;
  std::string message;  // the mismatch or the target error
  nlohmann::json details = nlohmann::json::object();  // the fuzzer's own summary (coverage map...)
};

enum class RuleStatus { pass, fail, waived, not_exercised };

struct Waiver {
  std::string rule;     // rule code
  std::string reason;
  std::string expires;  // YYYY-MM-DD or ""
};

enum class WaiverStatus { applied, unused, expected_failure_did_not_happen, expired };

struct WaiverResult {
  Waiver waiver;
  WaiverStatus status = WaiverStatus::unused;
};

struct RuleVerdict {
  model::RuleId rule{};
  RuleStatus status = RuleStatus::not_exercised;
  std::map<std::string, int> scenario_steps;  // scenario path -> steps it decided
  long fuzz_steps = 0;
  std::vector<std::string> evidence;  // failures: where, expected vs observed, replay
  std::string waiver_reason;
};

struct ManifestEntry {
  std::string kind;  // policy | profile | scenario | waivers | report
  std::string path;
  std::string sha256;
};

struct Certification {
  RunInfo info;
  std::string shard = "1/1";
  std::string replay_args;  // what points `authconform run FILE` at the same target
  std::vector<ScenarioResult> scenarios;
  RunSummary suite;
  FuzzSummary fuzz;
  std::vector<RuleVerdict> rules;
  std::vector<WaiverResult> waivers;
  std::vector<std::string> gaps;  // spec §5, then docs/spec-choices.md
  std::vector<ManifestEntry> manifest;
  RunVerdict verdict = RunVerdict::conformant;
  bool incomplete = false;
  std::string incomplete_reason;
  double duration_ms = 0;
};

// The rules a failing step implicates (its model outcome, observed outcome
// and the rules that fired): those of the stage where model and target part,
// and those of a state the target refused on but the model did not
// (docs/certification.md, "Verdicts").
std::vector<model::RuleId> blamed_rules(const StepResult& step);

std::string_view rule_status_name(RuleStatus status);  // pass, fail, waived, not exercised
std::string_view waiver_status_name(WaiverStatus status);

// The per-rule verdicts and the overall verdict, from the suite, the fuzzing
// phase and the waivers (`today` as YYYY-MM-DD decides expiry).
void decide_verdicts(Certification& c, const std::string& today);

nlohmann::json certification_to_json(const Certification& c);
// Reads what certification_to_json wrote (for `report merge`); throws
// std::runtime_error naming the missing or wrong field.
Certification certification_from_json(const nlohmann::json& doc);

std::string certification_html(const Certification& c);
std::string certification_markdown(const Certification& c);
std::string certification_junit(const Certification& c);

// Writes the four files into `dir` atomically; report.json last, with the
// SHA-256 of the other three in its manifest.
void write_certification(const std::string& dir, Certification c);

std::string sha256_hex(std::string_view bytes);

}  // namespace authconform::reports
