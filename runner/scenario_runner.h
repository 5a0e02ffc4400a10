// Runs scenarios against a target, step by step beside the model, and turns
// what happened into result values for the report listeners.
#pragma once

#include "model/policy_model.h"
#include "reports/listener.h"
#include "runner/scenario.h"
#include "runner/target.h"

#include <atomic>
#include <vector>

namespace authconform::runner {

struct RunOptions {
  model::PolicyConfig policy;
  // A failing scenario is replayed this many more times on fresh accounts: a
  // failure that does not repeat every time is reported as flaky.
  int confirmations = 2;
  const std::atomic<bool>* stop = nullptr;  // set asynchronously (Ctrl-C)
};

// A scenario applies to a policy when it names it, or names none and every
// expectation it writes holds under that policy's model.
bool applies_to_policy(const Scenario& scenario, model::PolicyConfig policy);

class ScenarioRunner {
 public:
  ScenarioRunner(Target& target, RunOptions options) : m_target(target), m_options(options) {}

  // One scenario in a fresh account, confirmations included. Never throws for
  // a target error: the result then has status `error`.
  reports::ScenarioResult run_scenario(const Scenario& scenario);

  // Every scenario in order, reporting to `listener`. Stops at the first
  // target error or when `stop` is set; the summary says so.
  reports::RunSummary run_all(const std::vector<Scenario>& scenarios, const reports::RunInfo& info,
                              reports::RunListener& listener);

 private:
  reports::ScenarioResult run_once(const Scenario& scenario);

  Target& m_target;
  RunOptions m_options;
};

// Counts, for every rule the policy has, the steps of `result` that it decided.
void add_coverage(reports::RunSummary& summary, const reports::ScenarioResult& result);
// Every rule of the policy, with no steps yet.
void init_coverage(reports::RunSummary& summary, model::PolicyId policy);
// The verdict from the counts: target error > failure > broken scenario > pass.
reports::RunVerdict verdict_of(const reports::RunSummary& summary);

}  // namespace authconform::runner
