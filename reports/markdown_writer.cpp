#include "reports/escape.h"
#include "reports/report_file.h"
#include "reports/report_text.h"
#include "reports/writers.h"

namespace authconform::reports {
namespace {

// A pull-request comment must stay short (GitHub refuses bodies over 65536
// characters): past this many problem steps the list says how many are left.
constexpr int k_max_failure_rows = 50;

std::string md(std::string_view text) { return markdown_escape(text); }

std::string_view verdict_mark(RunVerdict verdict) {
  switch (verdict) {
    case RunVerdict::conformant: return "\u2705";      // check mark
    case RunVerdict::not_conformant: return "\u274C";  // cross
    case RunVerdict::inconclusive: return "\u26A0\uFE0F";  // warning
    case RunVerdict::input_error: return "\u26D4";     // no entry
  }
  return "";
}

std::string heading(const RunInfo& info, const RunSummary& s) {
  std::string text = "## authconform: " + std::string(verdict_mark(s.verdict)) + " " +
                     std::string(verdict_label(s.verdict)) + "\n\n";
  text += "Target " + md(info.target.empty() ? "model" : info.target) + ", policy " +
          md(model::policy_name(info.policy));
  if (!info.profile.empty()) text += ", profile " + md(info.profile);
  if (info.seed) text += ", seed " + std::to_string(*info.seed);
  text += ": " + std::to_string(s.steps) + " steps in " + duration_text(s.duration_ms) + ".\n\n";
  if (s.interrupted)
    text += "**Interrupted**" + (s.target_error.empty() ? "" : ": " + md(s.target_error)) + "\n\n";
  if (s.verdict != RunVerdict::conformant && !info.command.empty())
    text += "Replay: " + md(info.command) + "\n\n";
  return text;
}

std::string counts_table(const RunSummary& s) {
  return "| scenarios | passed | failed | broken | errors | flaky |\n"
         "|---:|---:|---:|---:|---:|---:|\n| " +
         std::to_string(s.scenarios) + " | " + std::to_string(s.passed) + " | " +
         std::to_string(s.failed) + " | " + std::to_string(s.broken) + " | " +
         std::to_string(s.errors) + " | " + std::to_string(s.flaky) + " |\n\n";
}

std::string failure_row(const ScenarioResult& s, const StepResult* step) {
  std::string row = "| " + std::string(status_label(s.status)) + " | " + md(s.path) + "<br>" +
                    md(s.title) + " | ";
  if (step == nullptr) return row + md(scenario_message(s)) + " | - | - | - |\n";
  std::string what = md(step_heading(*step));
  if (!step->message.empty()) what += "<br>" + md(step->message);
  return row + what + " | " + md(expected_text(*step)) + " | " + md(outcome_text(step->observed)) +
         " | " + md(rule_codes(step->rules)) + " |\n";
}

std::string failures_table(const std::vector<ScenarioResult>& scenarios) {
  std::string rows;
  int shown = 0, left = 0;
  const auto add = [&](const ScenarioResult& s, const StepResult* step) {
    if (shown == k_max_failure_rows) {
      ++left;
      return;
    }
    rows += failure_row(s, step);
    ++shown;
  };
  for (const ScenarioResult& s : scenarios) {
    if (s.status == ScenarioStatus::passed) continue;
    bool explained = false;
    for (const StepResult& step : s.steps) {
      if (!is_problem(step.status)) continue;
      add(s, &step);
      explained = true;
    }
    if (!explained) add(s, nullptr);
  }
  if (rows.empty()) return "";
  std::string text = "### Failures\n\n| | scenario | step | expected | observed | rules |\n"
                     "|---|---|---|---|---|---|\n" + rows;
  if (left > 0) text += "\n" + std::to_string(left) + " more not shown: see the full report.\n";
  return text + "\n";
}

std::string coverage_text(const RunSummary& s) {
  const std::vector<model::RuleId> missing = unexercised_rules(s);
  std::string text = "### Coverage\n\n" + coverage_line(s);
  if (missing.empty()) return text + ".\n";
  return text + ". Not exercised: " + md(rule_codes(missing)) + ".\n";
}

class MarkdownWriter final : public ReportFile {
 public:
  using ReportFile::ReportFile;

 protected:
  std::string render(const RunSummary& summary) const override {
    return heading(info(), summary) + counts_table(summary) + failures_table(scenarios()) +
           coverage_text(summary);
  }
};

}  // namespace

std::unique_ptr<RunListener> make_markdown_writer(std::string path) {
  return std::make_unique<MarkdownWriter>(std::move(path));
}

}  // namespace authconform::reports
