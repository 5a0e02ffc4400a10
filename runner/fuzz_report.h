// What fuzzing leaves behind: the counterexample as a scenario file in the
// standard format, the JSON summary (--json), and the closing console lines.
#pragma once

#include <ostream>

#include "runner/fuzz_engine.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace authconform::runner {

// The counterexample scenario: the policy named, the cast as users, every step
// with the model's outcome as `expect`, `rules:` those of the differing step,
// titled "fuzz counterexample: <the differing step>".
Scenario counterexample_scenario(const FuzzSequence& sequence, const FuzzMismatch& mismatch,
                                 model::PolicyConfig policy);

// Where the counterexample of a run with `seed` goes: DIR/fuzz-counterexample-SEED.yaml.
std::string counterexample_path(const std::string& out_dir, std::uint64_t seed);

// `authconform run PATH` with the run's target options.
std::string counterexample_run_command(const FuzzOptions& options, const std::string& path);

// The comment lines at the top of the file: how it was found, why it fails,
// and how to replay it (with the run's target options).
std::vector<std::string> counterexample_header(const FuzzResult& result, const FuzzOptions& options,
                                               const std::string& path, std::string_view date);

// Writes the scenario with the header as comments, atomically, creating the
// folder. Throws std::runtime_error naming the file and the reason.
void write_counterexample(const Scenario& scenario, const std::vector<std::string>& header,
                          const std::string& path);

// {"seed", "jobs", "sequences", "steps", "requests", "seconds", "requests_per_second",
//  "steps_per_second", "result", "replay_command", "interrupted", "rules_fired": {"TOK-4": n, ...},
//  "rules_not_fired": [...], "coverage": {...}, "counterexample": {...} | null, "target_error",
//  "incomplete", "incomplete_reason"} (as in certify's report.json: docs/report-format.md)
nlohmann::json fuzz_result_to_json(const FuzzResult& result, model::PolicyId policy);

// The closing lines for the console: verdict, counts, counterexample, replay.
std::vector<std::string> fuzz_summary_lines(const FuzzResult& result);

// "2025-01-31T12:00:00Z", now.
std::string utc_now_iso8601();


// A progress line rewritten in place on a terminal (elapsed, sequences,
// requests per second, rules fired); events on lines of their own.
class ConsoleFuzzProgress final : public FuzzProgress {
 public:
  ConsoleFuzzProgress(std::ostream& out, bool terminal) : m_out(out), m_terminal(terminal) {}
  void on_status(const FuzzStatus& s) override;
  void on_event(const std::string& line) override;
  void clear();

 private:
  std::ostream& m_out;
  bool m_terminal;
  bool m_dirty = false;
};

}  // namespace authconform::runner
