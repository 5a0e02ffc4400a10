// Which rules a failing step blames (reports/certification.h): its own
// decision's rules at the stage where target and model part, and the rules of
// a state the target refused on but the model did not see.
#include "reports/certification.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <set>

namespace authconform::reports {
namespace {

using model::Outcome;
using model::Reason;
using R = model::RuleId;

StepResult failing(Outcome expected, Outcome observed, std::vector<R> rules) {
  StepResult step;
  step.status = StepStatus::failed;
  step.model_outcome = std::move(expected);
  step.observed = std::move(observed);
  step.rules = std::move(rules);
  return step;
}

bool blames(const StepResult& step, R rule) {
  const auto blamed = blamed_rules(step);
  return std::find(blamed.begin(), blamed.end(), rule) != blamed.end();
}

TEST(Blame, ARefusalForAnAgreementTheModelHasBlamesTheAgreementRules) {
  // A target that let the agreement be withdrawn refuses the next toggle:
  // at ACT-3's check, before the toggle (TOK-2), which it never reached.
  const StepResult step = failing(Outcome::ok(), Outcome::forbidden(Reason::agreement_not_accepted),
                                  {R::OAU_1, R::ADM_1, R::TOK_2});
  EXPECT_EQ(blamed_rules(step), (std::vector<R>{R::ACT_3, R::ACT_2}));
}

// The target refused at the effect stage, so it applied identity and
// permission as the model did: ADM-1 and OAU-1 are spared.
TEST(Blame, AnEffectRefusalWhereTheModelAllowed_SparesThePermissionRules) {
  for (const Outcome& observed : {Outcome::not_found(), Outcome::invalid()}) {
    const StepResult step = failing(Outcome::ok(), observed, {R::OAU_1, R::ADM_1, R::TOK_8});
    EXPECT_TRUE(blames(step, R::TOK_8)) << model::to_string(observed);
    EXPECT_FALSE(blames(step, R::ADM_1)) << model::to_string(observed);
    EXPECT_FALSE(blames(step, R::OAU_1)) << model::to_string(observed);
  }
}

// The target refused at a check the model passed: the rule of that check,
// and nothing the target never reached.
TEST(Blame, ARefusalAtACheckTheModelPassed_BlamesThatChecksRuleAlone) {
  // A write-scoped token changing settings; the target wants read too.
  EXPECT_EQ(blamed_rules(failing(Outcome::ok(), Outcome::forbidden(Reason::missing_scope),
                                 {R::OAU_1, R::OAU_3, R::ADM_1, R::TOK_2})),
            std::vector<R>{R::OAU_3});
  // The model refused later, for the agreement.
  EXPECT_EQ(blamed_rules(failing(Outcome::forbidden(Reason::agreement_not_accepted),
                                 Outcome::forbidden(Reason::missing_scope), {R::OAU_1, R::OAU_3, R::ADM_1, R::ACT_3})),
            std::vector<R>{R::OAU_3});
  // The model refused for the role, after the scope, which the target refused.
  EXPECT_EQ(blamed_rules(failing(Outcome::forbidden(Reason::not_admin), Outcome::forbidden(Reason::missing_scope),
                                 {R::OAU_1, R::OAU_3, R::ADM_1})),
            std::vector<R>{R::OAU_3});
  // A user revoking its own OAuth token, refused as not an admin: OAU-4,
  // whose ownership check gives not_admin there, not ADM-1.
  EXPECT_EQ(blamed_rules(failing(Outcome::ok(), Outcome::forbidden(Reason::not_admin), {R::OAU_1, R::OAU_4})),
            std::vector<R>{R::OAU_4});
  // Scopes applied to a Basic credential: OAU-3 says they do not apply.
  EXPECT_EQ(blamed_rules(failing(Outcome::ok(), Outcome::forbidden(Reason::missing_scope), {R::TOK_4, R::ADM_1})),
            std::vector<R>{R::OAU_3});
}

// An anonymous caller changing settings: the model refuses with 401 (ADM-1);
// a target refusing for the agreement let it past that check.
TEST(Blame, AnAnonymousCallerLetPastTheRoleCheck_BlamesTheRoleRule) {
  const StepResult step = failing(Outcome::unauthorized(), Outcome::forbidden(Reason::agreement_not_accepted),
                                  {R::ANO_1, R::ADM_1});
  EXPECT_EQ(blamed_rules(step), std::vector<R>{R::ADM_1});
}

// The target passed a check the model refused at: the model's refusing rule.
TEST(Blame, PassingACheckTheModelRefusedAt_BlamesTheModelsRefusingRule) {
  const StepResult step = failing(Outcome::forbidden(Reason::missing_scope), Outcome::forbidden(Reason::not_admin),
                                  {R::OAU_1, R::OAU_3});
  EXPECT_TRUE(blames(step, R::OAU_3));
  EXPECT_FALSE(blames(step, R::OAU_1));
}

// A step the model allowed with no effect rule (a probe) still blames its
// permission rules.
TEST(Blame, AnEffectRefusalOfAStepWithoutEffectRules_BlamesItsPermissionRules) {
  const StepResult step = failing(Outcome::as_user("admin"), Outcome::not_found(), {R::OAU_1, R::PRB_2});
  EXPECT_TRUE(blames(step, R::PRB_2));
}

TEST(Blame, ARefusalForTokenAccessOrTheLimitBlamesTheirRules) {
  EXPECT_TRUE(blames(failing(Outcome::ok(), Outcome::forbidden(Reason::token_access_disabled), {R::ADM_1, R::TOK_3}),
                     R::TOK_2));
  EXPECT_TRUE(blames(failing(Outcome::ok(), Outcome::forbidden(Reason::token_limit_reached), {R::ADM_1, R::TOK_3}),
                     R::TOK_8));
}

TEST(Blame, TheModelsOwnRefusalBlamesOnlyItsDecision) {
  // The model refused for the agreement and the target allowed: ACT-3 decided.
  const StepResult step = failing(Outcome::forbidden(Reason::agreement_not_accepted), Outcome::ok(),
                                  {R::OAU_1, R::ADM_1, R::ACT_3});
  EXPECT_EQ(blamed_rules(step), std::vector<R>{R::ACT_3});
}

TEST(Blame, ASecretShownAgainBlamesTok3) {
  // Listing was allowed, as the model allowed: only the answer is wrong.
  const StepResult step = failing(Outcome::ok(), Outcome::secret_shown_again("t1"), {R::OAU_1, R::ADM_1});
  EXPECT_EQ(blamed_rules(step), std::vector<R>{R::TOK_3});
  // Allowed where the model refused, and the secret shown: both are wrong.
  const StepResult refused = failing(Outcome::forbidden(Reason::not_admin), Outcome::secret_shown_again("t1"),
                                     {R::TOK_4, R::ADM_1});
  EXPECT_TRUE(blames(refused, R::ADM_1));
  EXPECT_TRUE(blames(refused, R::TOK_3));
  EXPECT_TRUE(Outcome::secret_shown_again("t1").is_secret_shown_again());
  EXPECT_FALSE(Outcome::as_user("t1 shown again").is_secret_shown_again());
}

// The effect stage's refusals come in an order too (ACT-3, TOK-3, TOK-8,
// not_found). Refused at an earlier one than the model: the target saw
// another state there (the agreement), whose rules are blamed, and never
// reached the model's check (TOK-3).
TEST(Blame, AnEarlierEffectRefusalThanTheModels_BlamesThatCheckAndItsState) {
  const StepResult step = failing(Outcome::forbidden(Reason::token_access_disabled),
                                  Outcome::forbidden(Reason::agreement_not_accepted), {R::OAU_1, R::ADM_1, R::TOK_3});
  EXPECT_EQ(blamed_rules(step), (std::vector<R>{R::ACT_3, R::ACT_2}));
}

// Refused at a later one: the target passed the model's check (ACT-3) on to
// TOK-3's, which refused as TOK-3 says for token access off; the check it
// passed is blamed, not TOK-3 nor the rules that set token access.
TEST(Blame, ALaterEffectRefusalThanTheModels_BlamesTheCheckPassed) {
  const StepResult step = failing(Outcome::forbidden(Reason::agreement_not_accepted),
                                  Outcome::forbidden(Reason::token_access_disabled), {R::OAU_1, R::ADM_1, R::ACT_1, R::ACT_3});
  EXPECT_EQ(blamed_rules(step), (std::vector<R>{R::ACT_3, R::ACT_1}));
  // The same across stages: a write-only token reading, refused for the role.
  EXPECT_EQ(blamed_rules(failing(Outcome::forbidden(Reason::missing_scope), Outcome::forbidden(Reason::not_agent),
                                 {R::OAU_1, R::OAU_3})),
            std::vector<R>{R::OAU_3});
}

rc::Gen<Outcome> outcomes() {
  return rc::gen::oneOf(
      rc::gen::element(Outcome::ok(), Outcome::anonymous(), Outcome::unauthorized(), Outcome::not_found(),
                       Outcome::invalid(), Outcome::as_user("u1"), Outcome::as_user("u2"),
                       Outcome::secret_shown_again("t1"), Outcome{model::OutcomeKind::unexpected, Reason::none, "422"}),
      rc::gen::map(rc::gen::element(Reason::none, Reason::not_admin, Reason::not_agent, Reason::missing_scope,
                                    Reason::agreement_not_accepted, Reason::token_access_disabled,
                                    Reason::token_limit_reached),
                   [](Reason r) { return Outcome::forbidden(r); }));
}

// Whatever the two outcomes and the rules fired, a failing step blames at
// least one rule, none twice, and only rules it fired or rules that govern
// what the target's answer names (its reason's check and state, TOK-3 for a
// secret shown again).
RC_GTEST_PROP(Blame, AlwaysSomeRuleNoneTwiceAndOnlyWhatTheStepOrTheAnswerNames, ()) {
  const Outcome expected = *outcomes();
  const Outcome observed = *outcomes();
  RC_PRE(!(expected == observed));
  const auto fired = *rc::gen::unique<std::vector<R>>(
      rc::gen::map(rc::gen::inRange<std::size_t>(0, model::k_rule_count), [](std::size_t i) { return static_cast<R>(i); }));
  const std::vector<R> blamed = blamed_rules(failing(expected, observed, fired));
  RC_ASSERT(!blamed.empty() || fired.empty());
  RC_ASSERT(std::set<R>(blamed.begin(), blamed.end()).size() == blamed.size());
  const std::set<R> named_by_answer = {R::OAU_3, R::ADM_1, R::OAU_4, R::PRB_2, R::PRB_3, R::ACT_2, R::ACT_3,
                                       R::TOK_2, R::TOK_3, R::TOK_8};
  for (R r : blamed)
    RC_ASSERT(std::find(fired.begin(), fired.end(), r) != fired.end() || named_by_answer.contains(r));
}

}  // namespace
}  // namespace authconform::reports
