#include "reports/json_report.h"

#include "reports/escape.h"
#include "reports/report_file.h"
#include "reports/writers.h"

namespace authconform::reports {
namespace {

using nlohmann::json;

// Run text may hold any bytes; a JSON string must be UTF-8.
json text(std::string_view value) { return to_valid_utf8(value); }

json outcome_json(const std::optional<model::Outcome>& outcome) {
  return outcome ? text(model::to_string(*outcome)) : json(nullptr);
}

json rules_json(const std::vector<model::RuleId>& rules) {
  json codes = json::array();
  for (model::RuleId rule : rules) codes.push_back(model::rule_code(rule));
  return codes;
}

json info_json(const RunInfo& info) {
  return {{"command", text(info.command)},
          {"target", text(info.target)},
          {"profile", text(info.profile)},
          {"policy", model::policy_name(info.policy)},
          {"tool_version", text(info.tool_version)},
          {"started_at", text(info.started_at)},
          {"seed", info.seed ? json(*info.seed) : json(nullptr)}};
}

json summary_json(const RunSummary& s) {
  return {{"scenarios", s.scenarios},       {"passed", s.passed},
          {"failed", s.failed},             {"broken", s.broken},
          {"errors", s.errors},             {"flaky", s.flaky},
          {"steps", s.steps},               {"duration_ms", s.duration_ms},
          {"verdict", verdict_name(s.verdict)}, {"exit_code", exit_code(s.verdict)},
          {"interrupted", s.interrupted},   {"target_error", text(s.target_error)},
          // As in certification's report: the run did not get through its
          // scenarios, so its verdict says nothing about the rest.
          {"incomplete", s.interrupted},
          {"incomplete_reason", text(!s.interrupted ? "" : s.target_error.empty() ? "interrupted" : s.target_error)}};
}

json exchange_json(const Exchange& x) {
  if (x.method.empty()) return nullptr;
  json headers = json::array();
  for (const auto& [name, value] : x.request_headers)
    headers.push_back({{"name", text(name)}, {"value", text(value)}});
  return {{"method", text(x.method)},
          {"url", text(x.url)},
          {"request_headers", std::move(headers)},
          {"request_body", text(x.request_body)},
          {"status", x.status},
          {"response_body", text(x.response_body)},
          {"elapsed_ms", x.elapsed_ms}};
}

json step_json(const StepResult& step) {
  return {{"index", step.index},
          {"line", step.line},
          {"description", text(step.description)},
          {"expect", outcome_json(step.scenario_expect)},
          {"model_outcome", outcome_json(step.model_outcome)},
          {"observed", outcome_json(step.observed)},
          {"status", step_status_name(step.status)},
          {"rules", rules_json(step.rules)},
          {"message", text(step.message)},
          {"exchange", exchange_json(step.exchange)}};
}

json scenario_json(const ScenarioResult& scenario) {
  json steps = json::array();
  for (const StepResult& step : scenario.steps) steps.push_back(step_json(step));
  json tags = json::array();
  for (const std::string& tag : scenario.tags) tags.push_back(text(tag));
  return {{"path", text(scenario.path)},
          {"folder", text(scenario.folder)},
          {"title", text(scenario.title)},
          {"policy", model::policy_name(scenario.policy)},
          {"claimed_rules", rules_json(scenario.claimed_rules)},
          {"tags", std::move(tags)},
          {"status", scenario_status_name(scenario.status)},
          {"message", text(scenario.message)},
          {"duration_ms", scenario.duration_ms},
          {"steps", std::move(steps)}};
}


json coverage_json(const RunSummary& summary) {
  json coverage = json::object();
  for (const auto& [rule, cov] : summary.coverage) {
    json by_scenario = json::object();
    for (const auto& [path, steps] : cov.steps_by_scenario)
      by_scenario[to_valid_utf8(path)] = steps;
    coverage[std::string(model::rule_code(rule))] = {
        {"stage", model::stage_name(model::rule_info(rule).stage)},
        {"steps_by_scenario", std::move(by_scenario)},
        {"fuzz_steps", cov.fuzz_steps},
        {"total", cov.total_steps()},
        {"exercised", cov.total_steps() > 0}};
  }
  return coverage;
}

class JsonWriter final : public ReportFile {
 public:
  using ReportFile::ReportFile;

 protected:
  std::string render(const RunSummary& summary) const override {
    return run_json_text(info(), scenarios(), summary);
  }
};

}  // namespace

json run_to_json(const RunInfo& info, const std::vector<ScenarioResult>& scenarios,
                 const RunSummary& summary) {
  json all = json::array();
  for (const ScenarioResult& scenario : scenarios) all.push_back(scenario_json(scenario));
  return {{"schema_version", k_report_schema_version},
          {"run", info_json(info)},
          {"summary", summary_json(summary)},
          {"scenarios", std::move(all)},
          {"coverage", coverage_json(summary)}};
}

std::string run_json_text(const RunInfo& info, const std::vector<ScenarioResult>& scenarios,
                          const RunSummary& summary) {
  return run_to_json(info, scenarios, summary).dump(2) + "\n";
}

std::unique_ptr<RunListener> make_json_writer(std::string path) {
  return std::make_unique<JsonWriter>(std::move(path));
}

}  // namespace authconform::reports
