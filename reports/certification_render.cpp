// The human-facing forms of a certification: HTML, Markdown and JUnit XML.
#include "reports/atomic_file.h"
#include "reports/certification.h"
#include "reports/escape.h"
#include "reports/report_text.h"

#include <filesystem>
#include <sstream>

namespace authconform::reports {
namespace {

constexpr std::string_view k_css = R"(body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}
.pass{background:#e6f4ea}.fail{background:#fce8e6}.waived{background:#fff4e5}.not-exercised{background:#eee}
.verdict{font-size:1.4em;padding:.5em 1em;display:inline-block;border-radius:6px}
.conformant{background:#e6f4ea}.not_conformant{background:#fce8e6}.inconclusive,.input_error{background:#fff4e5}
code{background:#f4f4f4;padding:0 3px})";

std::string css_class(RuleStatus s) {
  return s == RuleStatus::not_exercised ? "not-exercised" : std::string(rule_status_name(s));
}

long scenario_step_total(const RuleVerdict& v) {
  long total = 0;
  for (const auto& [path, n] : v.scenario_steps) total += n;
  return total;
}

void html_header(std::ostream& out, const Certification& c) {
  out << "<h1>authconform certification</h1>\n<p class=\"verdict " << verdict_name(c.verdict) << "\">"
      << html_escape(verdict_label(c.verdict)) << (c.incomplete ? " (INCOMPLETE)" : "") << "</p>\n";
  if (c.incomplete) out << "<p><strong>Incomplete:</strong> " << html_escape(c.incomplete_reason) << "</p>\n";
  out << "<table><tr><th>target</th><td>" << html_escape(c.info.target) << "</td></tr><tr><th>policy</th><td>"
      << model::policy_name(c.info.policy) << "</td></tr><tr><th>profile</th><td>" << html_escape(c.info.profile)
      << "</td></tr><tr><th>tool version</th><td>" << html_escape(c.info.tool_version)
      << "</td></tr><tr><th>seed</th><td>" << (c.info.seed ? std::to_string(*c.info.seed) : "-")
      << "</td></tr><tr><th>shard</th><td>" << html_escape(c.shard) << "</td></tr><tr><th>started</th><td>"
      << html_escape(c.info.started_at) << "</td></tr><tr><th>duration</th><td>" << duration_text(c.duration_ms)
      << "</td></tr><tr><th>scenarios</th><td>" << html_escape(counts_line(c.suite)) << "</td></tr>"
      << "<tr><th>fuzzing</th><td>" << html_escape(c.fuzz.result) << ", " << c.fuzz.sequences << " sequences, "
      << c.fuzz.steps << " steps</td></tr></table>\n";
}

void html_rules(std::ostream& out, const Certification& c) {
  out << "<h2>Verdict per rule</h2>\n<table><tr><th>rule</th><th>verdict</th><th>statement</th>"
         "<th>scenarios</th><th>scenario steps</th><th>fuzzed steps</th><th>evidence</th></tr>\n";
  for (const RuleVerdict& v : c.rules) {
    const model::RuleInfo& info = model::rule_info(v.rule);
    out << "<tr class=\"" << css_class(v.status) << "\"><td>" << info.code << "</td><td>"
        << rule_status_name(v.status) << "</td><td>" << html_escape(info.statement) << "</td><td>"
        << v.scenario_steps.size() << "</td><td>" << scenario_step_total(v) << "</td><td>" << v.fuzz_steps
        << "</td><td>";
    for (const std::string& e : v.evidence) out << "<div>" << html_escape(e) << "</div>";
    if (!v.waiver_reason.empty()) out << "<div>waived: " << html_escape(v.waiver_reason) << "</div>";
    out << "</td></tr>\n";
  }
  out << "</table>\n";
}

void html_failures(std::ostream& out, const Certification& c) {
  out << "<h2>Scenario failures</h2>\n";
  bool any = false;
  for (const ScenarioResult& s : c.scenarios) {
    if (s.status == ScenarioStatus::passed) continue;
    any = true;
    out << "<h3>" << status_label(s.status) << " " << html_escape(s.title) << "</h3><p><code>"
        << html_escape(s.path) << "</code>: " << html_escape(s.message) << "</p>\n";
  }
  if (!any) out << "<p>None.</p>\n";
}

std::string yes_no(const nlohmann::json& value) { return value.is_boolean() && value.get<bool>() ? "on" : "off"; }

// The fuzzer's coverage map, by policy state cell (agreement x token access x
// end-user password access x 2FA required): credential kinds x roles visited.
void html_fuzz_coverage(std::ostream& out, const Certification& c) {
  const nlohmann::json& coverage = c.fuzz.details.value("coverage", nlohmann::json::object());
  if (!coverage.contains("policy_cells")) return;
  out << "<h3>Fuzzing coverage</h3><p>" << coverage.value("cells_visited", 0) << " of "
      << coverage.value("cells_reachable", 0)
      << " reachable cells (state x credential kind x role) visited.</p>\n<table><tr><th>agreement</th>"
         "<th>token access</th><th>end-user passwords</th><th>2FA required</th><th>cells visited</th>"
         "<th>requests</th></tr>";
  for (const auto& cell : coverage["policy_cells"])
    out << "<tr><td>" << yes_no(cell["agreement"]) << "</td><td>" << yes_no(cell["token_access"]) << "</td><td>"
        << yes_no(cell["end_user_password_access"]) << "</td><td>" << yes_no(cell["two_factor_required"])
        << "</td><td>" << cell.value("cells_visited", 0) << " / " << cell.value("cells_reachable", 0)
        << "</td><td>" << cell.value("requests", 0L) << "</td></tr>";
  out << "</table>\n";
}

void html_lists(std::ostream& out, const Certification& c) {
  out << "<h2>Fuzzing</h2><p>" << html_escape(c.fuzz.result) << ". " << html_escape(c.fuzz.message) << "</p>";
  html_fuzz_coverage(out, c);
  if (!c.fuzz.counterexample_path.empty())
    out << "<p>Minimal counterexample: <code>" << html_escape(c.fuzz.counterexample_path)
        << "</code><br>Replay: <code>" << html_escape(c.fuzz.replay_command) << "</code></p>";
  out << "<h2>Waivers</h2><ul>";
  for (const WaiverResult& w : c.waivers)
    out << "<li>" << html_escape(w.waiver.rule) << ": " << html_escape(w.waiver.reason) << " ("
        << waiver_status_name(w.status) << ")</li>";
  out << "</ul>\n<h2>Gaps in the specification (choices made)</h2><ul>";
  for (const std::string& g : c.gaps) out << "<li>" << html_escape(g) << "</li>";
  out << "</ul>\n<h2>Manifest</h2><table><tr><th>kind</th><th>path</th><th>SHA-256</th></tr>";
  for (const ManifestEntry& m : c.manifest)
    out << "<tr><td>" << html_escape(m.kind) << "</td><td>" << html_escape(m.path) << "</td><td><code>"
        << m.sha256 << "</code></td></tr>";
  out << "</table>\n";
}

}  // namespace

std::string certification_html(const Certification& c) {
  std::ostringstream out;
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>authconform "
         "certification</title><style>"
      << k_css << "</style></head><body>\n";
  html_header(out, c);
  html_rules(out, c);
  html_failures(out, c);
  html_lists(out, c);
  out << "</body></html>\n";
  return out.str();
}

std::string certification_markdown(const Certification& c) {
  std::ostringstream out;
  out << "## authconform certification: " << verdict_label(c.verdict) << (c.incomplete ? " (incomplete)" : "")
      << "\n\nTarget `" << markdown_escape(c.info.target) << "`, policy `" << model::policy_name(c.info.policy)
      << "`, shard " << c.shard << ", seed " << (c.info.seed ? std::to_string(*c.info.seed) : "-") << ".\n\n"
      << markdown_escape(counts_line(c.suite)) << "; fuzzing " << c.fuzz.result << " (" << c.fuzz.sequences
      << " sequences).\n\n| rule | verdict | scenario steps | fuzzed steps |\n|---|---|---|---|\n";
  for (const RuleVerdict& v : c.rules)
    out << "| " << model::rule_code(v.rule) << " | " << rule_status_name(v.status) << " | "
        << scenario_step_total(v) << " | " << v.fuzz_steps << " |\n";
  for (const RuleVerdict& v : c.rules)
    for (const std::string& e : v.evidence)
      out << "\n- **" << model::rule_code(v.rule) << "**: " << markdown_escape(e);
  if (c.incomplete) out << "\n\n**Incomplete:** " << markdown_escape(c.incomplete_reason);
  out << "\n";
  return out.str();
}

std::string certification_junit(const Certification& c) {
  std::ostringstream out;
  int failures = 0;
  for (const RuleVerdict& v : c.rules) failures += v.status == RuleStatus::fail;
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"authconform certification\">\n"
      << "  <testsuite name=\"rules\" tests=\"" << c.rules.size() << "\" failures=\"" << failures
      << "\" errors=\"" << (c.incomplete ? 1 : 0) << "\" skipped=\"0\" time=\"" << seconds_text(c.duration_ms) << "\">\n";
  for (const RuleVerdict& v : c.rules) {
    out << "    <testcase classname=\"rules\" name=\"" << model::rule_code(v.rule) << "\" time=\"0\">";
    if (v.status == RuleStatus::fail) {
      std::string evidence;
      for (const std::string& e : v.evidence) evidence += e + "\n";
      out << "<failure message=\"rule " << model::rule_code(v.rule) << " failed\" type=\"not_conformant\">"
          << xml_escape(evidence) << "</failure>";
    } else if (v.status != RuleStatus::pass) {
      out << "<system-out>" << xml_escape(rule_status_name(v.status)) << "</system-out>";
    }
    out << "</testcase>\n";
  }
  if (c.incomplete)
    out << "    <testcase classname=\"rules\" name=\"target\" time=\"0\"><error message=\"incomplete\" type=\"target_error\">"
        << xml_escape(c.incomplete_reason) << "</error></testcase>\n";
  out << "  </testsuite>\n</testsuites>\n";
  return out.str();
}

void write_certification(const std::string& dir, Certification c) {
  std::filesystem::create_directories(dir);
  const std::vector<std::pair<std::string, std::string>> files{
      {"report.html", certification_html(c)},
      {"junit.xml", certification_junit(c)},
      {"report.md", certification_markdown(c)}};
  for (const auto& [name, text] : files) {
    write_file_atomically(dir + "/" + name, text);
    c.manifest.push_back({"report", name, sha256_hex(text)});
  }
  write_file_atomically(dir + "/report.json", certification_to_json(c).dump(2) + "\n");
}

}  // namespace authconform::reports
