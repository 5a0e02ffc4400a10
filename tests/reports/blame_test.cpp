// Which rules a failing step blames (reports/certification.h): its own
// decision's rules at the stage where target and model part, and the rules of
// a state the target refused on but the model did not see.
#include "reports/certification.h"

#include <gtest/gtest.h>

#include <algorithm>

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

TEST(Blame, ARefusalForAnAgreementTheModelHasBlamesTheAgreementRulesToo) {
  // A target that let the agreement be withdrawn refuses the next toggle.
  const StepResult step = failing(Outcome::ok(), Outcome::forbidden(Reason::agreement_not_accepted),
                                  {R::OAU_1, R::ADM_1, R::TOK_2});
  EXPECT_TRUE(blames(step, R::ACT_2));
  EXPECT_TRUE(blames(step, R::ACT_3));
  EXPECT_TRUE(blames(step, R::TOK_2));  // the step's own decision stays blamed
  EXPECT_FALSE(blames(step, R::OAU_1));
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
  const StepResult step = failing(Outcome::ok(), Outcome::secret_shown_again("t1"), {R::OAU_1, R::ADM_1});
  EXPECT_TRUE(blames(step, R::TOK_3));
  EXPECT_TRUE(Outcome::secret_shown_again("t1").is_secret_shown_again());
  EXPECT_FALSE(Outcome::as_user("t1 shown again").is_secret_shown_again());
}

TEST(Blame, AnotherReasonThanTheModelsBlamesBoth) {
  const StepResult step = failing(Outcome::forbidden(Reason::token_access_disabled),
                                  Outcome::forbidden(Reason::agreement_not_accepted), {R::OAU_1, R::ADM_1, R::TOK_3});
  EXPECT_TRUE(blames(step, R::TOK_3));
  EXPECT_TRUE(blames(step, R::ACT_2));
}

}  // namespace
}  // namespace authconform::reports
