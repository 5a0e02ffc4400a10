#include "runner/fuzz_report.h"

#include "reports/atomic_file.h"
#include "runner/scenario_loader.h"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <iomanip>
#include <sstream>

namespace authconform::runner {
namespace {

std::string rule_codes(const std::vector<model::RuleId>& rules, std::string_view separator = ", ") {
  std::string text;
  for (model::RuleId r : rules) text += (text.empty() ? "" : std::string(separator)) + std::string(model::rule_code(r));
  return text;
}

std::vector<model::RuleId> distinct(const std::vector<model::RuleId>& rules) {
  std::vector<model::RuleId> out;
  for (model::RuleId r : rules)
    if (std::find(out.begin(), out.end(), r) == out.end()) out.push_back(r);
  return out;
}

std::string fixed(double value, int decimals) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(decimals) << value;
  return text.str();
}

double per_second(long count, double seconds) { return seconds > 0 ? count / seconds : 0.0; }

std::string mismatch_sentence(const FuzzMismatch& m) {
  return "step " + std::to_string(m.step) + " (" + m.description + "): the model decides " +
         model::to_string(m.expected) + " [" + rule_codes(distinct(m.rules)) + "], the target answered " +
         model::to_string(m.observed);
}

std::string confirmation_sentence(const FuzzResult& r) {
  const std::string counts = std::to_string(r.confirmations_failed) + " of " + std::to_string(r.confirmations_run);
  if (r.verdict == FuzzVerdict::flaky)
    return "FLAKY: the shrunk sequence failed on " + counts + " replays on fresh accounts";
  return "the shrunk sequence failed on " + counts + " replays on fresh accounts";
}

nlohmann::json counterexample_json(const FuzzResult& r) {
  if (!r.mismatch) return nullptr;
  const FuzzMismatch& m = *r.mismatch;
  nlohmann::json rules = nlohmann::json::array();
  for (model::RuleId id : distinct(m.rules)) rules.push_back(model::rule_code(id));
  return {{"path", r.counterexample_path},
          {"title", r.counterexample ? r.counterexample->title : ""},
          {"steps", r.counterexample ? r.counterexample->steps.size() : 0},
          {"original_steps", r.original_steps},
          {"differing_step", m.step},
          {"description", m.description},
          {"expected", model::to_string(m.expected)},
          {"observed", model::to_string(m.observed)},
          {"rules", rules},
          {"failing_batch", r.failing_batch},
          {"shrink_attempts", r.shrink_attempts},
          {"shrink_timed_out", r.shrink_timed_out},
          {"confirmations", {{"run", r.confirmations_run}, {"failed", r.confirmations_failed}}},
          {"run_command", r.run_command}};
}

std::string shell_word(const std::string& word) {
  const bool plain = !word.empty() && word.find_first_not_of(
                                          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                          "-_./:=@+,") == std::string::npos;
  return plain ? word : "'" + word + "'";
}

}  // namespace

Scenario counterexample_scenario(const FuzzSequence& sequence, const FuzzMismatch& mismatch,
                                 model::PolicyConfig policy) {
  Scenario s;
  s.title = "fuzz counterexample: " + mismatch.description;
  s.description = "Found by authconform fuzz. At " + mismatch_sentence(mismatch) +
                  ". Every expect below is the model's decision.";
  s.rules = distinct(mismatch.rules);
  s.policy = policy.policy;
  s.policy_given = true;
  s.tags = {"fuzz"};
  s.users = fuzz_cast();
  s.steps = sequence_steps(sequence);
  FuzzState state = initial_fuzz_state(policy);
  for (Step& step : s.steps) step.expect = apply_request(state, step.request).outcome;
  return s;
}

std::string counterexample_path(const std::string& out_dir, std::uint64_t seed) {
  return (std::filesystem::path(out_dir) / ("fuzz-counterexample-" + std::to_string(seed) + ".yaml"))
      .generic_string();
}

std::vector<std::string> counterexample_header(const FuzzResult& result, const FuzzOptions& options,
                                               const std::string& path, std::string_view date) {
  std::vector<std::string> lines{
      "Counterexample found by authconform fuzz, seed " + std::to_string(result.seed) + ", batch " +
          std::to_string(result.failing_batch) + ", policy " +
          std::string(model::policy_name(options.policy.policy)) + ".",
  };
  if (result.mismatch) {
    lines.push_back("It fails at " + mismatch_sentence(*result.mismatch) + ".");
    lines.push_back("Rules involved: " + rule_codes(distinct(result.mismatch->rules)) + ".");
  }
  lines.push_back("Shrunk from " + std::to_string(result.original_steps) + " to " +
                  std::to_string(result.counterexample ? result.counterexample->steps.size() : 0) +
                  " steps in " + std::to_string(result.shrink_attempts) + " attempts" +
                  (result.shrink_timed_out ? " (stopped by the time box)" : "") + "; " +
                  confirmation_sentence(result) + ".");
  lines.push_back("");
  lines.push_back("Replay this file:   " + counterexample_run_command(options, path));
  lines.push_back("Replay the fuzzing: " + result.replay_command);
  lines.push_back("Written " + std::string(date) + " by authconform " AUTHCONFORM_VERSION ".");
  return lines;
}

std::string counterexample_run_command(const FuzzOptions& options, const std::string& path) {
  return options.program + " run " + shell_word(path) + options.target_args;
}

void write_counterexample(const Scenario& scenario, const std::vector<std::string>& header,
                          const std::string& path) {
  reports::write_file_atomically(path, write_scenario_yaml(scenario, header));
}

namespace {

bool fuzz_incomplete(const FuzzResult& r) { return r.verdict == FuzzVerdict::inconclusive || r.interrupted; }

std::string fuzz_incomplete_reason(const FuzzResult& r) {
  if (!r.target_error.empty()) return r.target_error;
  return fuzz_incomplete(r) ? "interrupted" : "";
}

}  // namespace

nlohmann::json fuzz_result_to_json(const FuzzResult& r, model::PolicyId policy) {
  nlohmann::json fired = nlohmann::json::object();
  nlohmann::json not_fired = nlohmann::json::array();
  for (const auto& [rule, count] : r.rules_fired) {
    fired[std::string(model::rule_code(rule))] = count;
    if (count == 0) not_fired.push_back(model::rule_code(rule));
  }
  return {{"seed", r.seed},
          {"policy", model::policy_name(policy)},
          {"jobs", r.jobs},
          {"sequences", r.sequences},
          {"steps", r.steps},
          {"requests", r.requests},
          {"seconds", r.seconds},
          {"requests_per_second", per_second(r.requests, r.seconds)},
          {"steps_per_second", per_second(r.steps, r.seconds)},
          {"result", fuzz_verdict_name(r.verdict)},
          {"interrupted", r.interrupted},
          {"replay_command", r.replay_command},
          {"rules_fired", fired},
          {"rules_not_fired", not_fired},
          {"coverage", coverage_to_json(r.coverage)},
          {"counterexample_path", r.counterexample_path},
          {"counterexample", counterexample_json(r)},
          {"target_error", r.target_error},
          {"write_error", r.write_error},
          // As in certification's report: a search cut short by a broken
          // target or an interruption says nothing about the rest.
          {"incomplete", fuzz_incomplete(r)},
          {"incomplete_reason", fuzz_incomplete_reason(r)}};
}

std::vector<std::string> fuzz_summary_lines(const FuzzResult& r) {
  const long fired = std::count_if(r.rules_fired.begin(), r.rules_fired.end(),
                                   [](const auto& entry) { return entry.second > 0; });
  std::vector<std::string> lines;
  const std::string counts = std::to_string(r.sequences) + " sequences, " + std::to_string(r.steps) +
                             " steps, " + std::to_string(r.requests) + " requests in " + fixed(r.seconds, 1) +
                             " s (" + fixed(per_second(r.requests, r.seconds), 0) + " requests/s); " +
                             std::to_string(fired) + " of " + std::to_string(r.rules_fired.size()) +
                             " rules fired; " + std::to_string(r.coverage.visited()) + " of " +
                             std::to_string(CoverageMap::reachable_cells()) + " coverage cells visited";
  switch (r.verdict) {
    case FuzzVerdict::passed:
      lines.push_back(std::string("PASSED: no mismatch") + (r.interrupted ? " before the interruption" : "") +
                      ": " + counts);
      break;
    case FuzzVerdict::inconclusive:
      lines.push_back("INCONCLUSIVE: the target broke, so nothing is said about conformance: " + r.target_error);
      lines.push_back("  after " + counts);
      break;
    case FuzzVerdict::failed:
    case FuzzVerdict::flaky:
      lines.push_back(std::string(r.verdict == FuzzVerdict::flaky ? "FLAKY" : "FAILED") +
                      ": the target differs from the model at " + mismatch_sentence(*r.mismatch));
      lines.push_back("  " + confirmation_sentence(r) + "; shrunk from " + std::to_string(r.original_steps) +
                      " to " + std::to_string(r.counterexample ? r.counterexample->steps.size() : 0) + " steps");
      if (!r.write_error.empty()) lines.push_back("  the counterexample could not be written: " + r.write_error);
      if (!r.counterexample_path.empty()) {
        lines.push_back("  counterexample: " + r.counterexample_path);
        lines.push_back("  replay it:      " + r.run_command);
      }
      lines.push_back("  after " + counts);
      break;
  }
  lines.push_back("Replay the fuzzing: " + r.replay_command);
  return lines;
}

std::string utc_now_iso8601() {
  const std::time_t t = std::time(nullptr);
  std::tm parts{};
  gmtime_r(&t, &parts);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &parts);
  return text;
}


void ConsoleFuzzProgress::on_status(const FuzzStatus& s) {
  if (!m_terminal) return;
  std::ostringstream line;
  line << "\r[" << std::fixed << std::setprecision(1) << s.seconds << " s] ";
  if (s.phase == FuzzPhase::shrinking)
    line << "shrinking: smallest failure " << s.shrink_best << " steps, " << s.shrink_attempts << " attempts";
  else if (s.phase == FuzzPhase::confirming)
    line << "confirming the shrunk sequence on fresh accounts";
  else
    line << s.sequences << " sequences, " << std::setprecision(0)
         << (s.seconds > 0 ? s.requests / s.seconds : 0.0) << " requests/s, rules fired " << s.rules_fired
         << "/" << s.rules_total;
  m_out << line.str() << "\033[K" << std::flush;
  m_dirty = true;
}

void ConsoleFuzzProgress::on_event(const std::string& line) {
  clear();
  m_out << line << "\n" << std::flush;
}

void ConsoleFuzzProgress::clear() {
  if (m_dirty) m_out << "\r\033[K" << std::flush;
  m_dirty = false;
}

}  // namespace authconform::runner
