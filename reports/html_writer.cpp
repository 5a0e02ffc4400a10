#include "reports/escape.h"
#include "reports/report_file.h"
#include "reports/report_text.h"
#include "reports/writers.h"

namespace authconform::reports {
namespace {

// Inline, so that the page is one file that needs no network and no script
// (the Content-Security-Policy forbids both).
constexpr std::string_view k_style = R"css(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5rem auto;max-width:1280px;padding:0 1rem;color:#1f2328;background:#fff}
h1{font-size:1.5rem;margin:0 0 .5rem}
h2{font-size:1.2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem;margin-top:2rem}
h3{font-size:1.05rem;margin:1.5rem 0 .3rem}
table{border-collapse:collapse;margin:.5rem 0}
th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}
table.wide{width:100%}
pre{margin:0;white-space:pre-wrap;word-break:break-all;font:12px/1.4 ui-monospace,"SFMono-Regular",Menlo,monospace}
code{font:12px ui-monospace,"SFMono-Regular",Menlo,monospace}
.summary{border:2px solid;border-radius:6px;padding:.8rem 1rem;margin:1rem 0}
.summary p{margin:.3rem 0}
.v-conformant{border-color:#1a7f37;background:#dafbe1}
.v-not_conformant,.v-input_error{border-color:#cf222e;background:#ffebe9}
.v-inconclusive{border-color:#9a6700;background:#fff8c5}
.verdict{font-size:1.6rem;font-weight:700}
.badge{display:inline-block;padding:0 .4rem;border-radius:3px;font-weight:700;font-size:.8rem;color:#fff;white-space:nowrap}
.s-passed{background:#1a7f37}.s-failed{background:#cf222e}.s-broken{background:#8250df}
.s-error{background:#a40e26}.s-flaky{background:#9a6700}.s-not_run{background:#6e7781}
.s-unexercised{background:#9a6700}
tr.step-failed td,tr.step-error td{background:#ffebe9}
tr.step-broken td{background:#fbefff}
tr.step-not_run td{color:#6e7781}
tr.unexercised td{background:#fff8c5}
.muted{color:#57606a}
.nw{white-space:nowrap}
.message{font-weight:600}
)css";

std::string e(std::string_view text) { return html_escape(text); }

std::string badge(std::string_view css_class, std::string_view text) {
  return "<span class=\"badge s-" + std::string(css_class) + "\">" + e(text) + "</span>";
}

std::string row(std::initializer_list<std::string> cells, std::string_view tag = "td") {
  std::string html = "<tr>";
  for (const std::string& cell : cells)
    html += "<" + std::string(tag) + ">" + cell + "</" + std::string(tag) + ">";
  return html + "</tr>\n";
}

std::string pre(std::string_view text) { return text.empty() ? "" : "<pre>" + e(text) + "</pre>"; }

std::string run_info_table(const RunInfo& info) {
  std::string html = "<table class=\"info\">\n";
  html += row({"target", e(info.target.empty() ? "model" : info.target)});
  if (!info.profile.empty()) html += row({"profile", e(info.profile)});
  html += row({"policy", e(model::policy_name(info.policy))});
  if (info.seed) html += row({"seed", std::to_string(*info.seed)});
  html += row({"started", e(info.started_at)});
  html += row({"tool version", e(info.tool_version)});
  if (!info.command.empty()) html += row({"command", "<code>" + e(info.command) + "</code>"});
  return html + "</table>\n";
}

std::string summary_box(const RunInfo& info, const RunSummary& s) {
  std::string verdict(verdict_label(s.verdict));
  verdict[0] = static_cast<char>(verdict[0] - 'a' + 'A');
  std::string html = "<section id=\"summary\" class=\"summary v-" +
                     std::string(verdict_name(s.verdict)) + "\">\n<p class=\"verdict\">" +
                     e(verdict) + "</p>\n<table>\n";
  html += row({"scenarios", "passed", "failed", "broken", "errors", "flaky", "steps", "duration"}, "th");
  html += row({std::to_string(s.scenarios), std::to_string(s.passed), std::to_string(s.failed),
               std::to_string(s.broken), std::to_string(s.errors), std::to_string(s.flaky),
               std::to_string(s.steps), e(duration_text(s.duration_ms))});
  html += "</table>\n";
  if (s.interrupted)
    html += "<p class=\"message\">Interrupted" + (s.target_error.empty() ? "" : ": " + e(s.target_error)) + "</p>\n";
  const std::vector<model::RuleId> missing = unexercised_rules(s);
  html += "<p>Coverage: " + e(coverage_line(s)) +
          (missing.empty() ? "" : "; not exercised: <strong>" + e(rule_codes(missing)) + "</strong>") +
          ".</p>\n";
  if (s.verdict != RunVerdict::conformant && !info.command.empty())
    html += "<p>Replay: <code>" + e(info.command) + "</code></p>\n";
  return html + "</section>\n";
}

std::string expected_cell(const StepResult& step) {
  if (step.status == StepStatus::broken && step.scenario_expect)
    return e(expected_text(step)) + " <span class=\"muted\">(scenario)</span><br>model: " +
           e(model::to_string(step.model_outcome));
  return e(expected_text(step));
}

std::string step_row(const StepResult& step) {
  std::string description = e(step.description);
  if (!step.message.empty()) description += "<div class=\"message\">" + e(step.message) + "</div>";
  const std::string_view status = step_status_name(step.status);
  return "<tr class=\"step-" + std::string(status) + "\"><td>" + std::to_string(step.index) +
         "</td><td>" + (step.line > 0 ? std::to_string(step.line) : std::string("-")) + "</td><td>" +
         description + "</td><td>" + badge(status, status) + "</td><td>" + expected_cell(step) +
         "</td><td>" + e(outcome_text(step.observed)) + "</td><td class=\"nw\">" +
         e(rule_codes(step.rules)) + "</td><td>" + pre(request_text(step, 0)) + "</td><td>" +
         pre(response_text(step, 0)) + "</td></tr>\n";
}

std::string failure_article(const ScenarioResult& s, std::size_t index) {
  std::string html = "<article id=\"scenario-" + std::to_string(index) + "\">\n<h3>" +
                     badge(scenario_status_name(s.status), status_label(s.status)) + " " +
                     e(s.title) + "</h3>\n<p class=\"muted\">" + e(s.path) + " &middot; policy " +
                     e(model::policy_name(s.policy)) + " &middot; claimed rules " +
                     e(rule_codes(s.claimed_rules)) + " &middot; " + e(duration_text(s.duration_ms)) +
                     "</p>\n";
  if (const std::string message = scenario_message(s); !message.empty())
    html += "<p class=\"message\">" + e(message) + "</p>\n";
  html += "<table class=\"wide\">\n";
  html += row({"#", "line", "step", "status", "expected", "observed", "rules", "request", "response"}, "th");
  for (const StepResult& step : s.steps) html += step_row(step);
  return html + "</table>\n</article>\n";
}

std::string failures_section(const std::vector<ScenarioResult>& scenarios) {
  std::string articles;
  int count = 0;
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    if (scenarios[i].status == ScenarioStatus::passed) continue;
    articles += failure_article(scenarios[i], i + 1);
    ++count;
  }
  std::string html = "<section id=\"failures\">\n<h2>Failures (" + std::to_string(count) + ")</h2>\n";
  if (count == 0) html += "<p>None: every scenario passed.</p>\n";
  return html + articles + "</section>\n";
}

std::string coverage_row(model::RuleId rule, const RuleCoverage& cov) {
  const model::RuleInfo& info = model::rule_info(rule);
  std::string where;
  for (const auto& [path, steps] : cov.steps_by_scenario)
    where += e(path) + " (" + std::to_string(steps) + ")<br>";
  if (cov.fuzz_steps > 0) where += "fuzzing (" + std::to_string(cov.fuzz_steps) + ")";
  const bool exercised = cov.total_steps() > 0;
  const std::string total = exercised ? std::to_string(cov.total_steps()) : badge("unexercised", "not exercised");
  return std::string(exercised ? "<tr>" : "<tr class=\"unexercised\">") + "<td class=\"nw\"><strong>" +
         e(info.code) + "</strong></td><td>" + e(info.statement) + "</td><td>" + total +
         "</td><td>" + where + "</td></tr>\n";
}

std::string coverage_section(const RunSummary& summary) {
  std::string html = "<section id=\"coverage\">\n<h2>Rule coverage</h2>\n<p>" +
                     e(coverage_line(summary)) + "; steps each rule decided, by scenario.</p>\n" +
                     "<table class=\"wide\">\n" + row({"rule", "statement", "steps", "scenarios (steps)"}, "th");
  for (model::RuleId rule : covered_rules(summary)) html += coverage_row(rule, summary.coverage.at(rule));
  return html + "</table>\n</section>\n";
}

std::string scenarios_section(const std::vector<ScenarioResult>& scenarios) {
  std::string html = "<section id=\"scenarios\">\n<h2>Scenarios (" + std::to_string(scenarios.size()) +
                     ")</h2>\n<table class=\"wide\">\n" +
                     row({"status", "scenario", "title", "steps", "time"}, "th");
  for (std::size_t i = 0; i < scenarios.size(); ++i) {
    const ScenarioResult& s = scenarios[i];
    const std::string title = s.status == ScenarioStatus::passed
        ? e(s.title)
        : "<a href=\"#scenario-" + std::to_string(i + 1) + "\">" + e(s.title) + "</a>";
    html += row({badge(scenario_status_name(s.status), status_label(s.status)), e(s.path), title,
                 std::to_string(s.steps.size()), e(duration_text(s.duration_ms))});
  }
  return html + "</table>\n</section>\n";
}

class HtmlWriter final : public ReportFile {
 public:
  using ReportFile::ReportFile;

 protected:
  std::string render(const RunSummary& summary) const override {
    std::string html =
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
        "<title>authconform: " + e(verdict_label(summary.verdict)) + "</title>\n<style>" +
        std::string(k_style) + "</style>\n</head>\n<body>\n<h1>authconform conformance report</h1>\n";
    html += run_info_table(info()) + summary_box(info(), summary) + failures_section(scenarios()) +
            coverage_section(summary) + scenarios_section(scenarios());
    return html + "<footer class=\"muted\"><p>authconform " + e(info().tool_version) +
           "</p></footer>\n</body>\n</html>\n";
  }
};

}  // namespace

std::unique_ptr<RunListener> make_html_writer(std::string path) {
  return std::make_unique<HtmlWriter>(std::move(path));
}

}  // namespace authconform::reports
