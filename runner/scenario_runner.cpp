#include "runner/scenario_runner.h"

#include <chrono>
#include <filesystem>

namespace authconform::runner {

using reports::ScenarioResult;
using reports::ScenarioStatus;
using reports::StepResult;
using reports::StepStatus;

namespace {

model::PolicyConfig policy_for(const Scenario& scenario, model::PolicyConfig run_policy) {
  if (scenario.policy_given) run_policy.policy = scenario.policy;
  return run_policy;
}

ScenarioResult blank_result(const Scenario& s, model::PolicyId policy) {
  ScenarioResult r;
  r.path = s.path;
  r.folder = std::filesystem::path(s.path).parent_path().generic_string();
  if (r.folder.empty()) r.folder = ".";
  r.title = s.title;
  r.policy = policy;
  r.claimed_rules = s.rules;
  r.tags = s.tags;
  return r;
}

StepResult step_skeleton(const Step& step, int index, const model::Decision& d) {
  StepResult r;
  r.index = index;
  r.line = step.pos.line;
  r.description = describe_step(step);
  r.scenario_expect = step.expect;
  r.model_outcome = d.outcome;
  r.rules = d.rules;
  return r;
}

std::string mismatch_message(const model::Outcome& expected, const model::Outcome& observed) {
  return "expected " + model::to_string(expected) + ", observed " + model::to_string(observed);
}

void mark_rest_not_run(ScenarioResult& result, const Scenario& s, std::size_t from) {
  for (std::size_t i = from; i < s.steps.size(); ++i) {
    StepResult r;
    r.index = static_cast<int>(i) + 1;
    r.line = s.steps[i].pos.line;
    r.description = describe_step(s.steps[i]);
    r.scenario_expect = s.steps[i].expect;
    r.status = StepStatus::not_run;
    result.steps.push_back(std::move(r));
  }
}

// Checks one step's model decision against the scenario's own expectation.
bool expectation_holds(const Step& step, const model::Decision& d) {
  return !step.expect || d.accepts(*step.expect) || model::outcome_matches(*step.expect, d.outcome);
}

}  // namespace

bool applies_to_policy(const Scenario& scenario, model::PolicyConfig policy) {
  if (scenario.policy_given) return scenario.policy == policy.policy;
  const model::PolicyModel model(policy);
  model::AccountState state = model.initial_state();
  for (const auto& fixture : user_fixtures(scenario)) model.apply(state, {fixture, {}});
  for (const Step& step : scenario.steps)
    if (!expectation_holds(step, model.apply(state, step.request))) return false;
  return true;
}

ScenarioResult ScenarioRunner::run_once(const Scenario& s) {
  const model::PolicyModel model(policy_for(s, m_options.policy));
  ScenarioResult result = blank_result(s, model.config().policy);
  const auto started = std::chrono::steady_clock::now();
  model::AccountState state = model.initial_state();
  for (const auto& fixture : user_fixtures(s)) model.apply(state, {fixture, {}});
  try {
    const auto session = m_target.open_account(s.users);
    for (std::size_t i = 0; i < s.steps.size(); ++i) {
      if (m_options.stop && m_options.stop->load()) {
        result.status = ScenarioStatus::error;
        result.message = "interrupted";
        mark_rest_not_run(result, s, i);
        break;
      }
      const Step& step = s.steps[i];
      const model::Decision d = model.apply(state, step.request);
      StepResult r = step_skeleton(step, static_cast<int>(i) + 1, d);
      if (!expectation_holds(step, d)) {
        r.status = StepStatus::broken;
        r.message = "the scenario expects " + model::to_string(*step.expect) + " but the model decides " +
                    model::to_string(d.outcome) + ": the scenario is wrong, not the target";
      } else {
        Observation observed = session->execute(step.request);
        r.observed = observed.outcome;
        r.exchange = std::move(observed.exchange);
        if (!d.accepts(observed.outcome)) {
          r.status = StepStatus::failed;
          r.message = mismatch_message(d.outcome, observed.outcome);
        }
      }
      const StepStatus status = r.status;
      result.steps.push_back(std::move(r));
      if (status != StepStatus::passed) {
        result.status = status == StepStatus::broken ? ScenarioStatus::broken : ScenarioStatus::failed;
        result.message = "step " + std::to_string(i + 1) + ": " + result.steps.back().message;
        mark_rest_not_run(result, s, i + 1);
        break;
      }
    }
  } catch (const TargetError& e) {
    result.status = ScenarioStatus::error;
    result.message = e.what();
    StepResult r;
    r.index = static_cast<int>(result.steps.size()) + 1;
    r.status = StepStatus::error;
    r.message = e.what();
    r.exchange = e.exchange();
    if (result.steps.size() < s.steps.size()) {
      const Step& step = s.steps[result.steps.size()];
      r.line = step.pos.line;
      r.description = describe_step(step);
    }
    result.steps.push_back(std::move(r));
    mark_rest_not_run(result, s, result.steps.size());
  }
  result.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  return result;
}

ScenarioResult ScenarioRunner::run_scenario(const Scenario& s) {
  ScenarioResult first = run_once(s);
  if (first.status != ScenarioStatus::failed) return first;
  // Confirm: a real mismatch repeats on every fresh account.
  for (int i = 0; i < m_options.confirmations; ++i) {
    const ScenarioResult again = run_once(s);
    if (again.status == ScenarioStatus::error) return again;
    if (again.status != ScenarioStatus::failed) {
      first.status = ScenarioStatus::flaky;
      first.message = "FLAKY: failed on the first run, passed on replay " + std::to_string(i + 1) +
                      " (" + first.message + ")";
      return first;
    }
  }
  return first;
}

void init_coverage(reports::RunSummary& summary, model::PolicyId policy) {
  for (const auto& rule : model::all_rules())
    if (model::rule_in_policy(rule.id, policy)) summary.coverage[rule.id];
}

void add_coverage(reports::RunSummary& summary, const ScenarioResult& result) {
  for (const StepResult& step : result.steps) {
    if (step.status == StepStatus::not_run || step.status == StepStatus::error) continue;
    for (model::RuleId rule : step.rules) summary.coverage[rule].steps_by_scenario[result.path] += 1;
  }
}

reports::RunVerdict verdict_of(const reports::RunSummary& summary) {
  if (summary.errors > 0 || summary.interrupted) return reports::RunVerdict::inconclusive;
  if (summary.failed > 0 || summary.flaky > 0) return reports::RunVerdict::not_conformant;
  if (summary.broken > 0) return reports::RunVerdict::input_error;
  return reports::RunVerdict::conformant;
}

namespace {

void count(reports::RunSummary& summary, const ScenarioResult& result) {
  ++summary.scenarios;
  summary.steps += static_cast<int>(result.steps.size());
  switch (result.status) {
    case ScenarioStatus::passed: ++summary.passed; break;
    case ScenarioStatus::failed: ++summary.failed; break;
    case ScenarioStatus::broken: ++summary.broken; break;
    case ScenarioStatus::error: ++summary.errors; break;
    case ScenarioStatus::flaky: ++summary.flaky; break;
  }
}

}  // namespace

reports::RunSummary ScenarioRunner::run_all(const std::vector<Scenario>& scenarios,
                                            const reports::RunInfo& info,
                                            reports::RunListener& listener) {
  const auto started = std::chrono::steady_clock::now();
  reports::RunSummary summary;
  init_coverage(summary, m_options.policy.policy);
  listener.on_run_start(info);
  for (const Scenario& s : scenarios) {
    if (m_options.stop && m_options.stop->load()) {
      summary.interrupted = true;
      break;
    }
    listener.on_scenario_start(s.path, s.title);
    const ScenarioResult result = run_scenario(s);
    count(summary, result);
    add_coverage(summary, result);
    listener.on_scenario_end(result);
    if (result.status == ScenarioStatus::error) {
      summary.interrupted = true;
      summary.target_error = result.message;
      break;
    }
  }
  summary.duration_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  summary.verdict = verdict_of(summary);
  listener.on_run_end(summary);
  return summary;
}

}  // namespace authconform::runner
