#include "reports/results.h"

namespace authconform::reports {

int RuleCoverage::total_steps() const {
  int total = fuzz_steps;
  for (const auto& [path, steps] : steps_by_scenario) total += steps;
  return total;
}

std::string_view step_status_name(StepStatus status) {
  switch (status) {
    case StepStatus::passed: return "passed";
    case StepStatus::failed: return "failed";
    case StepStatus::broken: return "broken";
    case StepStatus::error: return "error";
    case StepStatus::not_run: return "not_run";
  }
  return "error";
}

std::string_view scenario_status_name(ScenarioStatus status) {
  switch (status) {
    case ScenarioStatus::passed: return "passed";
    case ScenarioStatus::failed: return "failed";
    case ScenarioStatus::broken: return "broken";
    case ScenarioStatus::error: return "error";
    case ScenarioStatus::flaky: return "flaky";
  }
  return "error";
}

std::string_view verdict_name(RunVerdict verdict) {
  switch (verdict) {
    case RunVerdict::conformant: return "conformant";
    case RunVerdict::not_conformant: return "not_conformant";
    case RunVerdict::inconclusive: return "inconclusive";
    case RunVerdict::input_error: return "input_error";
  }
  return "inconclusive";
}

int exit_code(RunVerdict verdict) {
  switch (verdict) {
    case RunVerdict::conformant: return 0;
    case RunVerdict::not_conformant: return 1;
    case RunVerdict::input_error: return 2;
    case RunVerdict::inconclusive: return 3;
  }
  return 3;
}

}  // namespace authconform::reports
