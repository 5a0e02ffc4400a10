#include "reports/report_text.h"

#include "reports/escape.h"

#include <algorithm>
#include <array>
#include <cstdio>

namespace authconform::reports {
namespace {

std::string format_number(const char* format, double value) {
  std::array<char, 64> buffer{};
  std::snprintf(buffer.data(), buffer.size(), format, value);
  return buffer.data();
}

bool is_continuation_byte(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Appends "LABEL     value" with the continuation lines of a multi-line value
// aligned under its first line.
void add_labelled(std::string& out, std::string_view indent, std::string_view label,
                  std::string_view value) {
  constexpr std::size_t k_label_width = 10;
  std::string pad(k_label_width - std::min(label.size(), k_label_width - 1), ' ');
  std::string text = printable(value);
  out.append(indent).append("  ").append(label).append(pad);
  const std::string continuation = "\n" + std::string(indent) + std::string(2 + k_label_width, ' ');
  for (char c : text) {
    if (c == '\n') out += continuation;
    else out += c;
  }
  out += '\n';
}

}  // namespace

std::string rule_codes(const std::vector<model::RuleId>& rules) {
  if (rules.empty()) return "-";
  std::string out;
  for (model::RuleId rule : rules) {
    if (!out.empty()) out += ", ";
    out += model::rule_code(rule);
  }
  return out;
}

std::string outcome_text(const std::optional<model::Outcome>& outcome) {
  return outcome ? model::to_string(*outcome) : "-";
}

std::string seconds_text(double ms) { return format_number("%.3f", std::max(ms, 0.0) / 1000.0); }

std::string duration_text(double ms) {
  if (ms < 1000.0) return format_number("%.0f", std::max(ms, 0.0)) + " ms";
  return format_number("%.2f", ms / 1000.0) + " s";
}

std::string cut_text(std::string_view text, std::size_t limit) {
  if (limit == 0 || text.size() <= limit) return std::string(text);
  std::size_t end = limit;
  while (end > 0 && is_continuation_byte(text[end])) --end;
  return std::string(text.substr(0, end)) + " ... (" + std::to_string(text.size() - end) +
         " more bytes)";
}

bool is_problem(StepStatus status) {
  return status == StepStatus::failed || status == StepStatus::broken || status == StepStatus::error;
}

int count_steps(const ScenarioResult& scenario, StepStatus status) {
  return static_cast<int>(std::count_if(scenario.steps.begin(), scenario.steps.end(),
                                        [&](const StepResult& s) { return s.status == status; }));
}

std::string_view status_label(ScenarioStatus status) {
  switch (status) {
    case ScenarioStatus::passed: return "PASS";
    case ScenarioStatus::failed: return "FAIL";
    case ScenarioStatus::broken: return "BROKEN";
    case ScenarioStatus::error: return "ERROR";
    case ScenarioStatus::flaky: return "FLAKY";
  }
  return "ERROR";
}

std::string_view verdict_label(RunVerdict verdict) {
  switch (verdict) {
    case RunVerdict::conformant: return "conformant";
    case RunVerdict::not_conformant: return "not conformant";
    case RunVerdict::inconclusive: return "inconclusive";
    case RunVerdict::input_error: return "input error";
  }
  return "inconclusive";
}

std::string counts_line(const RunSummary& s) {
  std::string line = std::to_string(s.scenarios) + " scenarios: " + std::to_string(s.passed) +
                     " passed, " + std::to_string(s.failed) + " failed, " +
                     std::to_string(s.broken) + " broken, " + std::to_string(s.errors) + " errors";
  if (s.flaky > 0) line += ", " + std::to_string(s.flaky) + " flaky";
  return line;
}

std::vector<model::RuleId> covered_rules(const RunSummary& summary) {
  std::vector<model::RuleId> rules;
  for (const model::RuleInfo& info : model::all_rules())
    if (summary.coverage.contains(info.id)) rules.push_back(info.id);
  return rules;
}

std::vector<model::RuleId> unexercised_rules(const RunSummary& summary) {
  std::vector<model::RuleId> rules = covered_rules(summary);
  std::erase_if(rules, [&](model::RuleId id) { return summary.coverage.at(id).total_steps() > 0; });
  return rules;
}

std::string coverage_line(const RunSummary& summary) {
  const std::size_t all = covered_rules(summary).size();
  const std::size_t exercised = all - unexercised_rules(summary).size();
  return std::to_string(exercised) + " of " + std::to_string(all) + " rules exercised";
}

std::string step_heading(const StepResult& step) {
  std::string heading = "step " + std::to_string(step.index);
  if (step.line > 0) heading += " (line " + std::to_string(step.line) + ")";
  return heading + ": " + step.description;
}

std::string expected_text(const StepResult& step) {
  if (step.status == StepStatus::broken && step.scenario_expect)
    return model::to_string(*step.scenario_expect);
  return model::to_string(step.model_outcome);
}

std::string request_head_text(const StepResult& step) {
  const Exchange& x = step.exchange;
  if (x.method.empty()) return "";
  std::string text = x.method + " " + x.url;
  for (const auto& [name, value] : x.request_headers) text += "\n" + name + ": " + value;
  return text;
}

std::string request_text(const StepResult& step, std::size_t body_limit) {
  std::string text = request_head_text(step);
  if (!text.empty() && !step.exchange.request_body.empty())
    text += "\n\n" + cut_text(step.exchange.request_body, body_limit);
  return text;
}

std::string response_text(const StepResult& step, std::size_t body_limit) {
  const Exchange& x = step.exchange;
  if (x.status == 0 && x.response_body.empty()) return "";
  std::string text = x.status == 0 ? "(no status)" : std::to_string(x.status);
  if (!x.response_body.empty()) text += " " + cut_text(x.response_body, body_limit);
  return text;
}

std::string step_details(const StepResult& step, std::size_t body_limit, std::string_view indent) {
  std::string out = std::string(indent) + printable(step_heading(step)) + "\n";
  if (!step.message.empty()) add_labelled(out, indent, "message", step.message);
  if (const std::string sent = request_head_text(step); !sent.empty()) {
    add_labelled(out, indent, "sent", sent);
    if (!step.exchange.request_body.empty())
      add_labelled(out, indent, "body", cut_text(step.exchange.request_body, body_limit));
  }
  const bool broken = step.status == StepStatus::broken && step.scenario_expect;
  add_labelled(out, indent, "expected", expected_text(step) + (broken ? " (scenario)" : ""));
  if (broken) add_labelled(out, indent, "model", model::to_string(step.model_outcome));
  if (step.observed || step.status != StepStatus::broken)
    add_labelled(out, indent, "observed", outcome_text(step.observed));
  add_labelled(out, indent, "rules", rule_codes(step.rules));
  if (const std::string received = response_text(step, body_limit); !received.empty())
    add_labelled(out, indent, "received", received);
  return out;
}

std::string scenario_message(const ScenarioResult& scenario) {
  if (!scenario.message.empty()) return scenario.message;
  for (const StepResult& step : scenario.steps)
    if (is_problem(step.status) && !step.message.empty()) return step.message;
  return "";
}

}  // namespace authconform::reports
