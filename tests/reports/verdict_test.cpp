// The overall verdict of a certification (reports/certification.h,
// decide_verdicts): a waiver is an accepted deviation, so a failure whose
// every blamed rule is waived leaves the run conformant; a flaky failure, a
// failure that blamed no rule and an expired waiver do not.
#include "reports/certification.h"

#include <gtest/gtest.h>

namespace authconform::reports {
namespace {

using model::Outcome;
using R = model::RuleId;

const std::string k_today = "2026-11-30";

// A certification whose one scenario failed at one step: a token that
// worked while token access was off (blamed on TOK-5), or, with no rules,
// a step whose failure blames none.
Certification failed_at_one_step(std::vector<R> rules = {R::TOK_5},
                                 ScenarioStatus status = ScenarioStatus::failed) {
  StepResult step;
  step.status = StepStatus::failed;
  step.model_outcome = Outcome::unauthorized();
  step.observed = Outcome::as_user("al");
  step.rules = std::move(rules);
  ScenarioResult scenario;
  scenario.path = "scenarios/tokens/turning-token-access-off-stops-tokens.yaml";
  scenario.status = status;
  scenario.steps.push_back(step);
  Certification c;
  c.scenarios.push_back(scenario);
  c.suite.scenarios = 1;
  (status == ScenarioStatus::flaky ? c.suite.flaky : c.suite.failed) = 1;
  return c;
}

Waiver waiver(std::string rule, std::string expires = "") {
  return {std::move(rule), "known deviation (ticket SEC-118)", std::move(expires)};
}

RuleStatus status_of(const Certification& c, R rule) {
  for (const RuleVerdict& v : c.rules)
    if (v.rule == rule) return v.status;
  ADD_FAILURE() << "no verdict for " << model::rule_code(rule);
  return RuleStatus::not_exercised;
}

TEST(Verdict, AFailureIsNotConformantWithoutAWaiver) {
  Certification c = failed_at_one_step();
  decide_verdicts(c, k_today);
  EXPECT_EQ(status_of(c, R::TOK_5), RuleStatus::fail);
  EXPECT_EQ(c.verdict, RunVerdict::not_conformant);
}

TEST(Verdict, AFailureWhoseRulesAreAllWaivedIsConformant) {
  Certification c = failed_at_one_step();
  c.waivers.push_back({waiver("TOK-5", "2027-03-31")});
  decide_verdicts(c, k_today);
  EXPECT_EQ(status_of(c, R::TOK_5), RuleStatus::waived);
  EXPECT_EQ(c.waivers[0].status, WaiverStatus::applied);
  EXPECT_EQ(c.verdict, RunVerdict::conformant);
}

TEST(Verdict, AWaiverOfAnotherRuleCoversNothing) {
  Certification c = failed_at_one_step();
  c.waivers.push_back({waiver("PWD-7")});
  decide_verdicts(c, k_today);
  EXPECT_EQ(c.verdict, RunVerdict::not_conformant);
}

TEST(Verdict, AnExpiredWaiverFailsTheRun) {
  Certification c = failed_at_one_step();
  c.waivers.push_back({waiver("TOK-5", "2026-11-29")});
  decide_verdicts(c, k_today);
  EXPECT_EQ(c.waivers[0].status, WaiverStatus::expired);
  EXPECT_EQ(status_of(c, R::TOK_5), RuleStatus::fail);
  EXPECT_EQ(c.verdict, RunVerdict::not_conformant);
}

TEST(Verdict, AFlakyFailureIsNotConformantEvenWhenItsRuleIsWaived) {
  Certification c = failed_at_one_step({R::TOK_5}, ScenarioStatus::flaky);
  c.waivers.push_back({waiver("TOK-5")});
  decide_verdicts(c, k_today);
  EXPECT_EQ(status_of(c, R::TOK_5), RuleStatus::waived);
  EXPECT_EQ(c.verdict, RunVerdict::not_conformant);
}

TEST(Verdict, AFailureThatBlamesNoRuleCannotBeWaived) {
  Certification c = failed_at_one_step({});
  ASSERT_TRUE(blamed_rules(c.scenarios[0].steps[0]).empty());
  for (const model::RuleInfo& info : model::all_rules()) c.waivers.push_back({waiver(std::string(info.code))});
  decide_verdicts(c, k_today);
  EXPECT_EQ(c.verdict, RunVerdict::not_conformant);
}

TEST(Verdict, AFuzzingFailureWhoseRulesAreWaivedIsConformant) {
  Certification c;
  c.fuzz.result = "failed";
  c.fuzz.counterexample_rules = {R::TOK_5};
  c.waivers.push_back({waiver("TOK-5")});
  decide_verdicts(c, k_today);
  EXPECT_EQ(c.verdict, RunVerdict::conformant);
  c.fuzz.result = "flaky";
  decide_verdicts(c, k_today);
  EXPECT_EQ(c.verdict, RunVerdict::not_conformant);
}

}  // namespace
}  // namespace authconform::reports
