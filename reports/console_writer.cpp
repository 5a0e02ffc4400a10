#include "reports/escape.h"
#include "reports/report_text.h"
#include "reports/writers.h"

#include <algorithm>
#include <ostream>
#include <vector>

namespace authconform::reports {
namespace {

// Excerpt size of bodies when not verbose: enough to recognise an answer.
constexpr std::size_t k_body_excerpt = 200;
// The progress line stays shorter than any terminal is wide: clearing it
// with spaces must not wrap.
constexpr std::size_t k_progress_width = 72;
constexpr std::string_view k_indent = "      ";

namespace ansi {
constexpr std::string_view green = "\x1b[32m", red = "\x1b[31m", magenta = "\x1b[35m",
                           yellow = "\x1b[33m", bold_red = "\x1b[1;31m", bold_green = "\x1b[1;32m",
                           bold_yellow = "\x1b[1;33m", reset = "\x1b[0m";
}

std::string_view status_color(ScenarioStatus status) {
  switch (status) {
    case ScenarioStatus::passed: return ansi::green;
    case ScenarioStatus::failed: return ansi::red;
    case ScenarioStatus::broken: return ansi::magenta;
    case ScenarioStatus::error: return ansi::bold_red;
    case ScenarioStatus::flaky: return ansi::yellow;
  }
  return ansi::reset;
}

std::string_view verdict_color(RunVerdict verdict) {
  switch (verdict) {
    case RunVerdict::conformant: return ansi::bold_green;
    case RunVerdict::not_conformant: return ansi::bold_red;
    case RunVerdict::inconclusive: return ansi::bold_yellow;
    case RunVerdict::input_error: return ansi::bold_red;
  }
  return ansi::reset;
}

bool starts_code_point(char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), starts_code_point));
}

// The code points of valid UTF-8 text, one string each.
std::vector<std::string> glyphs(std::string_view text) {
  std::vector<std::string> out;
  for (char c : text) {
    if (starts_code_point(c) || out.empty()) out.emplace_back();
    out.back() += c;
  }
  return out;
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c);
  return out;
}

class ConsoleWriter final : public RunListener {
 public:
  ConsoleWriter(std::ostream& out, ConsoleOptions options) : m_out(out), m_options(options) {}

  void on_run_start(const RunInfo& info) override;
  void on_scenario_start(const std::string& path, const std::string& title) override;
  void on_scenario_end(const ScenarioResult& result) override;
  void on_run_end(const RunSummary& summary) override;

 private:
  std::string paint(std::string_view text, std::string_view color) const;
  void clear_progress();
  void print_steps(const ScenarioResult& result);
  void print_coverage(const RunSummary& summary);

  std::ostream& m_out;
  ConsoleOptions m_options;
  RunInfo m_info;
  int m_started = 0;
  std::size_t m_progress_width = 0;  // of the progress line on screen, 0 if none
};

std::string ConsoleWriter::paint(std::string_view text, std::string_view color) const {
  if (!m_options.color) return std::string(text);
  return std::string(color) + std::string(text) + std::string(ansi::reset);
}

// Overwrites the progress line with spaces rather than an ANSI erase, so that
// progress without colour stays free of escape sequences.
void ConsoleWriter::clear_progress() {
  if (m_progress_width == 0) return;
  m_out << '\r' << std::string(m_progress_width, ' ') << '\r';
  m_progress_width = 0;
}

void ConsoleWriter::on_run_start(const RunInfo& info) {
  m_info = info;
  if (m_options.quiet) return;
  m_out << "authconform " << printable(info.tool_version) << ": target "
        << printable(info.target.empty() ? "model" : info.target);
  if (!info.profile.empty()) m_out << ", profile " << printable(info.profile);
  m_out << ", policy " << model::policy_name(info.policy);
  if (info.seed) m_out << ", seed " << *info.seed;
  m_out << '\n';
}

void ConsoleWriter::on_scenario_start(const std::string& /*path*/, const std::string& title) {
  ++m_started;
  if (!m_options.progress) return;
  clear_progress();
  std::string line = "\r[" + std::to_string(m_started);
  if (m_options.scenario_count > 0) line += "/" + std::to_string(m_options.scenario_count);
  line += "] ";
  m_progress_width = code_points(line) - 1;
  for (const std::string& glyph : glyphs(printable(title))) {
    if (m_progress_width == k_progress_width) {
      line += "...";
      m_progress_width += 3;
      break;
    }
    line += glyph == "\n" || glyph == "\t" ? " " : glyph;
    ++m_progress_width;
  }
  m_out << line << std::flush;
}

void ConsoleWriter::on_scenario_end(const ScenarioResult& result) {
  clear_progress();
  const bool passed = result.status == ScenarioStatus::passed;
  if (m_options.quiet && passed) return;
  const std::string_view label = status_label(result.status);
  m_out << paint(label, status_color(result.status)) << "  " << printable(result.path) << "  "
        << printable(result.title) << '\n';
  print_steps(result);
}

void ConsoleWriter::print_steps(const ScenarioResult& result) {
  const std::size_t body_limit = m_options.verbose ? 0 : k_body_excerpt;
  bool explained = false;
  for (const StepResult& step : result.steps) {
    if (is_problem(step.status)) {
      m_out << step_details(step, body_limit, k_indent);
      explained = true;
    } else if (m_options.verbose) {
      m_out << k_indent << printable(step_heading(step)) << " -> "
            << step_status_name(step.status) << ", " << outcome_text(step.observed) << " ["
            << rule_codes(step.rules) << "]\n";
    }
  }
  const std::string message = scenario_message(result);
  if (!explained && result.status != ScenarioStatus::passed && !message.empty())
    m_out << k_indent << printable(message) << '\n';
  if (const int not_run = count_steps(result, StepStatus::not_run); not_run > 0 && !m_options.verbose)
    m_out << k_indent << not_run << (not_run == 1 ? " step" : " steps") << " not run\n";
}

void ConsoleWriter::print_coverage(const RunSummary& summary) {
  const std::vector<model::RuleId> missing = unexercised_rules(summary);
  m_out << "coverage: " << coverage_line(summary);
  if (!missing.empty())
    m_out << "; not exercised: " << paint(rule_codes(missing), ansi::yellow);
  m_out << '\n';
}

void ConsoleWriter::on_run_end(const RunSummary& summary) {
  clear_progress();
  m_out << '\n' << counts_line(summary) << " (" << summary.steps << " steps, "
        << duration_text(summary.duration_ms) << ")\n";
  if (summary.interrupted) {
    m_out << "interrupted";
    if (!summary.target_error.empty()) m_out << ": " << printable(summary.target_error);
    m_out << '\n';
  }
  m_out << "verdict: "
        << paint(upper(verdict_label(summary.verdict)), verdict_color(summary.verdict)) << '\n';
  print_coverage(summary);
  if (summary.verdict != RunVerdict::conformant && !m_info.command.empty())
    m_out << "replay: " << printable(m_info.command) << '\n';
  m_out << std::flush;
}

}  // namespace

std::unique_ptr<RunListener> make_console_writer(std::ostream& out, ConsoleOptions options) {
  return std::make_unique<ConsoleWriter>(out, options);
}

}  // namespace authconform::reports
