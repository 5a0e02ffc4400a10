// spec/policy.md §4: the zendesk-2026 policy. PWD-8 is replaced by 2FA-1, the
// legacy agent-password setting cannot be turned on, and accounts created after
// the token retirement date cannot generate tokens.
#include "tests/model/model_test_support.h"

namespace authconform::model::tests {
namespace {

class Zendesk2026 : public ::testing::Test {
 protected:
  Zendesk2026() { account.add_cast(); }
  Account account{PolicyConfig{PolicyId::zendesk_2026, false}};
};

TEST_F(Zendesk2026, TFA_1_EnrolledAgentOrAdminPassword_IsAnonymous) {
  account.add_user("gail", Role::agent, true);
  account.add_user("hank", Role::admin, true);
  EXPECT_TRUE(decided(account.probe(password("gail")), Outcome::anonymous(), RuleId::TFA_1));
  EXPECT_TRUE(decided(account.probe(password("hank")), Outcome::anonymous(), RuleId::TFA_1));
}

TEST_F(Zendesk2026, TFA_1_TwoFactorRequired_EveryPasswordRequestIsAnonymous) {
  account.activate_end_user_passwords();
  ASSERT_EQ(account.probe(password(k_eve)).outcome, Outcome::as_user("eve"));
  account.set_two_factor_required(true);
  EXPECT_TRUE(decided(account.probe(password(k_eve)), Outcome::anonymous(), RuleId::TFA_1));
  EXPECT_TRUE(decided(account.probe(password(k_ann)), Outcome::anonymous(), RuleId::TFA_1));
  EXPECT_TRUE(decided(account.probe(password(k_alice)), Outcome::anonymous(), RuleId::TFA_1));
}

TEST_F(Zendesk2026, TFA_1_RequirementLifted_EndUsersAuthenticateAgain) {
  account.activate_end_user_passwords();
  account.set_two_factor_required(true);
  account.set_two_factor_required(false);
  EXPECT_EQ(account.probe(password(k_eve)).outcome, Outcome::as_user("eve"));
}

TEST_F(Zendesk2026, TFA_1_EnrolledEndUserNotRequired_IsUnaffected) {
  account.activate_end_user_passwords();
  const Decision decision = account.probe(password(k_ann));
  EXPECT_EQ(decision.outcome, Outcome::as_user("ann"));
  EXPECT_TRUE(has_rule(decision, RuleId::PWD_4)) << describe_rules(decision.rules);
}

TEST_F(Zendesk2026, TFA_1_DoesNotAffectTokensOrOAuth) {
  account.activate_tokens();
  account.generate("t1");
  account.set_two_factor_required(true);
  EXPECT_EQ(account.probe(token(email_of(k_eve), "t1")).outcome, Outcome::as_user("eve"));
  EXPECT_EQ(account.probe(admin_oauth()).outcome, Outcome::as_user("admin"));
}

TEST_F(Zendesk2026, PWD_8_NeverFires) {
  account.activate_end_user_passwords();
  account.set_two_factor_required(true);
  EXPECT_FALSE(has_rule(account.probe(password(k_ann)), RuleId::PWD_8));
}

TEST(Article, TFA_1_NeverFires) {
  Account account;
  account.add_cast();
  account.activate_end_user_passwords();
  account.set_two_factor_required(true);
  const Decision decision = account.probe(password(k_ann));
  EXPECT_EQ(decision.outcome, Outcome::as_user("ann"));
  EXPECT_FALSE(has_rule(decision, RuleId::TFA_1)) << describe_rules(decision.rules);
}

TEST_F(Zendesk2026, PWD_6_AgentPasswordAccessCannotBeTurnedOn) {
  const AccountState before = account.state();
  const Decision decision = account.send(SetAgentPasswordAccessOp{true});
  EXPECT_EQ(decision.outcome, Outcome::ok());
  // A target may refuse the fixture outright, with 400 or with a 403 of any reason.
  EXPECT_TRUE(decision.accepts(Outcome::ok()));
  EXPECT_TRUE(decision.accepts(Outcome::invalid()));
  EXPECT_TRUE(decision.accepts(Outcome::forbidden(Reason::none)));
  EXPECT_TRUE(decision.accepts(Outcome::forbidden(Reason::not_admin)));
  EXPECT_FALSE(decision.accepts(Outcome::unauthorized()));
  EXPECT_TRUE(has_rule(decision, RuleId::PWD_6)) << describe_rules(decision.rules);
  EXPECT_EQ(account.state(), before);
  EXPECT_FALSE(account.state().agent_password_access);
  EXPECT_TRUE(decided(account.probe(password(k_alice)), Outcome::anonymous(), RuleId::PWD_6));
}

TEST_F(Zendesk2026, PWD_6_TurningAgentPasswordAccessOff_IsPlainOk) {
  const Decision decision = account.send(SetAgentPasswordAccessOp{false});
  EXPECT_EQ(decision.outcome, Outcome::ok());
  EXPECT_FALSE(account.state().agent_password_access);
}

TEST_F(Zendesk2026, TOK_3_TokensNotRetired_GenerationWorks) {
  account.activate_tokens();
  EXPECT_EQ(account.send(GenerateTokenOp{"t1"}, admin_oauth()).outcome, Outcome::ok());
}

class Zendesk2026Retired : public ::testing::Test {
 protected:
  Zendesk2026Retired() { account.add_cast(); }
  Account account{PolicyConfig{PolicyId::zendesk_2026, true}};
};

TEST_F(Zendesk2026Retired, TOK_3_TokensRetired_GenerationIsRefused) {
  account.activate_tokens();
  EXPECT_TRUE(account.state().token_access);
  EXPECT_TRUE(decided(account.send(GenerateTokenOp{"t1"}, admin_oauth()),
                      Outcome::forbidden(Reason::token_access_disabled), RuleId::TOK_3));
  EXPECT_EQ(account.state().find_token("t1"), nullptr);
}

TEST_F(Zendesk2026Retired, TOK_3_AgreementIsStillCheckedFirst) {
  EXPECT_TRUE(decided(account.send(GenerateTokenOp{"t1"}, admin_oauth()),
                      Outcome::forbidden(Reason::agreement_not_accepted), RuleId::ACT_3));
}

TEST(ArticleRetired, TOK_3_RetirementDateIsIgnoredByTheArticlePolicy) {
  Account account{PolicyConfig{PolicyId::article, true}};
  account.activate_tokens();
  EXPECT_EQ(account.send(GenerateTokenOp{"t1"}, admin_oauth()).outcome, Outcome::ok());
}

}  // namespace
}  // namespace authconform::model::tests
