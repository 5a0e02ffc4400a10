#include "reports/escape.h"
#include "reports/report_file.h"
#include "reports/report_text.h"
#include "reports/writers.h"

#include <algorithm>

namespace authconform::reports {
namespace {

// The scenarios of one folder, in the order they ran.
struct Suite {
  std::string folder;
  std::vector<const ScenarioResult*> scenarios;
};

std::vector<Suite> group_by_folder(const std::vector<ScenarioResult>& scenarios) {
  std::vector<Suite> suites;
  for (const ScenarioResult& scenario : scenarios) {
    auto it = std::find_if(suites.begin(), suites.end(),
                           [&](const Suite& s) { return s.folder == scenario.folder; });
    if (it == suites.end()) it = suites.insert(suites.end(), Suite{scenario.folder, {}});
    it->scenarios.push_back(&scenario);
  }
  return suites;
}

bool is_failure(ScenarioStatus status) {
  return status == ScenarioStatus::failed || status == ScenarioStatus::broken ||
         status == ScenarioStatus::flaky;
}

std::string attribute(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + xml_escape(value) + "\"";
}

std::string properties(const RunInfo& info) {
  std::vector<std::pair<std::string, std::string>> items{
      {"target", info.target},        {"profile", info.profile},
      {"policy", std::string(model::policy_name(info.policy))},
      {"tool_version", info.tool_version}, {"command", info.command}};
  if (info.seed) items.emplace_back("seed", std::to_string(*info.seed));
  std::string xml = "    <properties>\n";
  for (const auto& [name, value] : items)
    xml += "      <property" + attribute("name", name) + attribute("value", value) + "/>\n";
  return xml + "    </properties>\n";
}

// The steps that explain a non-passing scenario, as plain text.
std::string explanation(const ScenarioResult& scenario) {
  std::string text;
  for (const StepResult& step : scenario.steps)
    if (is_problem(step.status)) text += step_details(step, 0, "");
  if (text.empty()) text = printable(scenario_message(scenario)) + "\n";
  return text;
}

// Every step on one line, for the CI's "standard output" pane.
std::string step_log(const ScenarioResult& scenario) {
  std::string text;
  for (const StepResult& step : scenario.steps)
    text += std::string(step_status_name(step.status)) + "  " + step_heading(step) + "  [expected " +
            expected_text(step) + ", observed " + outcome_text(step.observed) + "; " +
            rule_codes(step.rules) + "]\n";
  return text;
}

std::string testcase(const ScenarioResult& s) {
  std::string xml = "    <testcase" + attribute("classname", s.folder) +
                    attribute("name", s.title.empty() ? s.path : s.title) +
                    attribute("file", s.path) + attribute("time", seconds_text(s.duration_ms));
  if (s.status == ScenarioStatus::passed) return xml + "/>\n";
  xml += ">\n";
  const std::string element = is_failure(s.status) ? "failure" : "error";
  xml += "      <" + element + attribute("message", scenario_message(s)) +
         attribute("type", scenario_status_name(s.status)) + ">" + xml_escape(explanation(s)) +
         "</" + element + ">\n";
  xml += "      <system-out>" + xml_escape(step_log(s)) + "</system-out>\n";
  return xml + "    </testcase>\n";
}

std::string counts(std::size_t tests, int failures, int errors) {
  return attribute("tests", std::to_string(tests)) + attribute("failures", std::to_string(failures)) +
         attribute("errors", std::to_string(errors));
}

std::string testsuite(const Suite& suite, const RunInfo& info) {
  int failures = 0, errors = 0;
  double ms = 0;
  for (const ScenarioResult* s : suite.scenarios) {
    failures += is_failure(s->status) ? 1 : 0;
    errors += s->status == ScenarioStatus::error ? 1 : 0;
    ms += s->duration_ms;
  }
  std::string xml = "  <testsuite" + attribute("name", suite.folder) +
                    counts(suite.scenarios.size(), failures, errors) +
                    attribute("skipped", "0") + attribute("time", seconds_text(ms)) +
                    (info.started_at.empty() ? "" : attribute("timestamp", info.started_at)) + ">\n" +
                    properties(info);
  for (const ScenarioResult* s : suite.scenarios) xml += testcase(*s);
  return xml + "  </testsuite>\n";
}

class JunitWriter final : public ReportFile {
 public:
  using ReportFile::ReportFile;

 protected:
  std::string render(const RunSummary& summary) const override {
    int failures = 0, errors = 0;
    for (const ScenarioResult& s : scenarios()) {
      failures += is_failure(s.status) ? 1 : 0;
      errors += s.status == ScenarioStatus::error ? 1 : 0;
    }
    std::string xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites" +
                      attribute("name", "authconform") +
                      counts(scenarios().size(), failures, errors) +
                      attribute("time", seconds_text(summary.duration_ms)) + ">\n";
    for (const Suite& suite : group_by_folder(scenarios())) xml += testsuite(suite, info());
    return xml + "</testsuites>\n";
  }
};

}  // namespace

std::unique_ptr<RunListener> make_junit_writer(std::string path) {
  return std::make_unique<JunitWriter>(std::move(path));
}

}  // namespace authconform::reports
