// Stage 3 of spec/policy.md §2: the operation's result and the new state, or a
// refusal. Refusals apply in the order ACT-3, TOK-3, TOK-8 (limit), not_found.
#include "tests/model/model_test_support.h"

#include <algorithm>
#include <optional>
#include <string>

namespace authconform::model::tests {
namespace {

const Outcome k_no_agreement = Outcome::forbidden(Reason::agreement_not_accepted);
const Outcome k_tokens_disabled = Outcome::forbidden(Reason::token_access_disabled);
const Outcome k_limit = Outcome::forbidden(Reason::token_limit_reached);

UpdateSettingsOp settings(std::optional<bool> agreement, std::optional<bool> tokens,
                          std::optional<bool> end_users) {
  UpdateSettingsOp op;
  op.accepted_api_agreement = agreement;
  op.token_access = tokens;
  op.end_user_password_access = end_users;
  return op;
}

std::string token_name(std::size_t i) { return "t" + std::to_string(i); }

// --- ACT-1 / ACT-2 / ACT-3 -------------------------------------------------------

TEST_F(Rule, ACT_1_NewAccount_HasNotAcceptedTheAgreement) {
  EXPECT_FALSE(account.state().agreement_accepted);
  EXPECT_TRUE(decided(account.send(token_access_op(true), admin_oauth()), k_no_agreement,
                      {RuleId::ACT_1, RuleId::ACT_3}));
}

TEST_F(Rule, ACT_2_AcceptingTheAgreement_ActivatesApiAccess) {
  EXPECT_TRUE(decided(account.send(agreement_op(true), admin_oauth()), Outcome::ok(), RuleId::ACT_2));
  EXPECT_TRUE(account.state().agreement_accepted);
  EXPECT_TRUE(decided(account.send(token_access_op(true), admin_oauth()), Outcome::ok(), RuleId::TOK_2));
}

TEST_F(Rule, ACT_2_AcceptingAgain_ChangesNothing) {
  account.accept_agreement();
  const AccountState before = account.state();
  EXPECT_TRUE(decided(account.send(agreement_op(true), admin_oauth()), Outcome::ok(), RuleId::ACT_2));
  EXPECT_EQ(account.state(), before);
}

TEST_F(Rule, ACT_2_AgreementCannotBeWithdrawn) {
  account.accept_agreement();
  const AccountState before = account.state();
  const Decision decision = account.send(agreement_op(false), admin_oauth());
  EXPECT_EQ(decision.outcome, Outcome::ok());
  EXPECT_TRUE(has_rule(decision, RuleId::ACT_2) || has_rule(decision, RuleId::ACT_3))
      << describe_rules(decision.rules);
  EXPECT_EQ(account.state(), before);
  EXPECT_TRUE(account.state().agreement_accepted);
}

TEST_F(Rule, ACT_3_BeforeAgreement_TogglesAreRefused) {
  const AccountState before = account.state();
  EXPECT_TRUE(decided(account.send(token_access_op(true), admin_oauth()), k_no_agreement, RuleId::ACT_3));
  EXPECT_TRUE(decided(account.send(end_user_access_op(true), admin_oauth()), k_no_agreement,
                      RuleId::ACT_3));
  EXPECT_TRUE(decided(account.send(settings(std::nullopt, true, true), admin_oauth()), k_no_agreement,
                      RuleId::ACT_3));
  EXPECT_EQ(account.state(), before);
}

TEST_F(Rule, ACT_3_BeforeAgreement_GeneratingIsRefused) {
  EXPECT_TRUE(decided(account.send(GenerateTokenOp{"t1"}, admin_oauth()), k_no_agreement, RuleId::ACT_3));
  EXPECT_EQ(account.state().find_token("t1"), nullptr);
}

TEST_F(Rule, ACT_3_AgreementAndTogglesInOneChange_AgreementAppliedFirst) {
  EXPECT_TRUE(decided(account.send(settings(true, true, true), admin_oauth()), Outcome::ok(),
                      RuleId::ACT_2));
  EXPECT_TRUE(account.state().agreement_accepted);
  EXPECT_TRUE(account.state().token_access);
  EXPECT_TRUE(account.state().end_user_password_access);
}

TEST_F(Rule, ACT_3_AgreementFalse_IsAcceptedAndChangesNothing) {
  const AccountState before = account.state();
  const Decision decision = account.send(agreement_op(false), admin_oauth());
  EXPECT_EQ(decision.outcome, Outcome::ok()) << describe_rules(decision.rules);
  EXPECT_TRUE(has_rule(decision, RuleId::ACT_3)) << describe_rules(decision.rules);
  EXPECT_EQ(account.state(), before);
}

TEST_F(Rule, ACT_3_AgreementFalseWithToggle_IsStillRefused) {
  const AccountState before = account.state();
  EXPECT_TRUE(decided(account.send(settings(false, true, std::nullopt), admin_oauth()), k_no_agreement,
                      RuleId::ACT_3));
  EXPECT_EQ(account.state(), before);
}

TEST_F(Rule, ACT_3_AgreementFalseWithToggle_ListsEachRuleOnce) {
  const Decision decision = account.send(settings(false, true, std::nullopt), admin_oauth());
  std::vector<RuleId> sorted = decision.rules;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_EQ(std::adjacent_find(sorted.begin(), sorted.end()), sorted.end())
      << describe_rules(decision.rules);
}

TEST_F(Rule, ACT_3_AgreementFalseWithToggle_AfterAcceptance_AppliesTheToggle) {
  account.accept_agreement();
  EXPECT_EQ(account.send(settings(false, true, std::nullopt), admin_oauth()).outcome, Outcome::ok());
  EXPECT_TRUE(account.state().agreement_accepted);
  EXPECT_TRUE(account.state().token_access);
}

TEST_F(Rule, ACT_3_DoesNotApplyToOAuthOrTokenLookups) {
  EXPECT_EQ(account.send(IssueOAuthOp{"o1", "eve"}, admin_oauth()).outcome, Outcome::ok());
  EXPECT_EQ(account.send(RevokeOAuthOp{"o1"}, admin_oauth()).outcome, Outcome::ok());
  EXPECT_EQ(account.send(ListTokensOp{}, admin_oauth()).outcome, Outcome::ok());
  EXPECT_TRUE(decided(account.send(DeleteTokenOp{"t9"}, admin_oauth()), Outcome::not_found(),
                      RuleId::TOK_8));
}

// --- TOK-1 / TOK-2 / TOK-3 -------------------------------------------------------

TEST_F(Rule, TOK_1_NewAccount_TokenAccessIsOff) {
  EXPECT_FALSE(account.state().token_access);
  account.accept_agreement();
  EXPECT_TRUE(decided(account.send(GenerateTokenOp{"t1"}, admin_oauth()), k_tokens_disabled,
                      {RuleId::TOK_1, RuleId::TOK_3}));
}

TEST_F(Rule, TOK_1_NewAccount_TokenCredentialIsRefused) {
  EXPECT_TRUE(decided(account.probe(token(email_of(k_eve), "t1")), Outcome::unauthorized(),
                      {RuleId::TOK_1, RuleId::TOK_5}));
}

TEST_F(Rule, TOK_2_AdminTurnsTokenAccessOnAndOff) {
  account.accept_agreement();
  EXPECT_TRUE(decided(account.send(token_access_op(true), admin_oauth()), Outcome::ok(), RuleId::TOK_2));
  EXPECT_TRUE(account.state().token_access);
  EXPECT_TRUE(decided(account.send(token_access_op(false), admin_oauth()), Outcome::ok(), RuleId::TOK_2));
  EXPECT_FALSE(account.state().token_access);
}

TEST_F(Rule, TOK_2_SettingTheCurrentValue_ChangesNothing) {
  account.activate_tokens();
  account.generate("t1");
  AccountState before = account.state();
  EXPECT_TRUE(decided(account.send(token_access_op(true), admin_oauth()), Outcome::ok(), RuleId::TOK_2));
  EXPECT_EQ(account.state(), before);
  account.set_token_access(false);
  before = account.state();
  EXPECT_TRUE(decided(account.send(token_access_op(false), admin_oauth()), Outcome::ok(), RuleId::TOK_2));
  EXPECT_EQ(account.state(), before);
}

TEST_F(Rule, TOK_2_OffOnOffCycle_EndsWithTokensRefusedButKept) {
  account.activate_tokens();
  account.generate("t1");
  account.set_token_access(false);
  account.set_token_access(true);
  EXPECT_EQ(account.probe(token(email_of(k_eve), "t1")).outcome, Outcome::as_user("eve"));
  account.set_token_access(false);
  EXPECT_TRUE(decided(account.probe(token(email_of(k_eve), "t1")), Outcome::unauthorized(), RuleId::TOK_5));
  ASSERT_NE(account.state().find_token("t1"), nullptr);
  EXPECT_FALSE(account.state().find_token("t1")->deleted);
}

TEST_F(Rule, TOK_3_GeneratingWhileTokenAccessOff_IsRefused) {
  account.activate_tokens();
  account.set_token_access(false);
  EXPECT_TRUE(decided(account.send(GenerateTokenOp{"t1"}, admin_oauth()), k_tokens_disabled,
                      RuleId::TOK_3));
  EXPECT_EQ(account.state().find_token("t1"), nullptr);
}

TEST_F(Rule, TOK_3_GeneratingWhileTokenAccessOn_GivesAnActiveToken) {
  account.activate_tokens();
  EXPECT_EQ(account.send(GenerateTokenOp{"t1"}, admin_oauth()).outcome, Outcome::ok());
  const ApiToken* made = account.state().find_token("t1");
  ASSERT_NE(made, nullptr);
  EXPECT_TRUE(made->active);
  EXPECT_EQ(account.probe(token(email_of(k_alice), "t1")).outcome, Outcome::as_user("alice"));
}

TEST_F(Rule, TOK_3_AgreementIsCheckedBeforeTokenAccess) {
  // New account: both ACT-3 and TOK-3 apply; ACT-3 wins.
  EXPECT_TRUE(decided(account.send(GenerateTokenOp{"t1"}, admin_oauth()), k_no_agreement, RuleId::ACT_3));
}

// --- TOK-6 -------------------------------------------------------------------

TEST_F(Rule, TOK_6_TurningTokenAccessBackOn_ReactivatesKeptTokens) {
  account.activate_tokens();
  account.generate("t1");
  account.set_token_access(false);
  account.set_token_access(true);
  EXPECT_TRUE(decided(account.probe(token(email_of(k_eve), "t1")), Outcome::as_user("eve"),
                      {RuleId::TOK_4, RuleId::TOK_6}));
}

TEST_F(Rule, TOK_6_DeactivatedTokenStaysDeactivatedAcrossTheCycle) {
  account.activate_tokens();
  account.generate("t1");
  ASSERT_EQ(account.send(SetTokenActiveOp{"t1", false}, admin_oauth()).outcome, Outcome::ok());
  account.set_token_access(false);
  account.set_token_access(true);
  EXPECT_TRUE(decided(account.probe(token(email_of(k_eve), "t1")), Outcome::unauthorized(), RuleId::TOK_7));
}

TEST_F(Rule, TOK_6_TokenReactivatedWhileAccessOff_WorksWhenAccessReturns) {
  account.activate_tokens();
  account.generate("t1");
  account.set_token_access(false);
  EXPECT_EQ(account.send(SetTokenActiveOp{"t1", false}, admin_oauth()).outcome, Outcome::ok());
  EXPECT_EQ(account.send(SetTokenActiveOp{"t1", true}, admin_oauth()).outcome, Outcome::ok());
  EXPECT_EQ(account.probe(token(email_of(k_eve), "t1")).outcome, Outcome::unauthorized());
  account.set_token_access(true);
  EXPECT_TRUE(decided(account.probe(token(email_of(k_eve), "t1")), Outcome::as_user("eve"), RuleId::TOK_6));
}

// --- TOK-8 -------------------------------------------------------------------

TEST_F(Rule, TOK_8_DeactivateAndReactivateOneToken) {
  account.activate_tokens();
  account.generate("t1");
  account.generate("t2");
  EXPECT_TRUE(decided(account.send(SetTokenActiveOp{"t1", false}, admin_oauth()), Outcome::ok(),
                      RuleId::TOK_8));
  EXPECT_EQ(account.probe(token(email_of(k_eve), "t1")).outcome, Outcome::unauthorized());
  EXPECT_EQ(account.probe(token(email_of(k_eve), "t2")).outcome, Outcome::as_user("eve"));
  EXPECT_TRUE(decided(account.send(SetTokenActiveOp{"t1", true}, admin_oauth()), Outcome::ok(),
                      RuleId::TOK_8));
  EXPECT_EQ(account.probe(token(email_of(k_eve), "t1")).outcome, Outcome::as_user("eve"));
}

TEST_F(Rule, TOK_8_DeletedTokenIsGoneForGood) {
  account.activate_tokens();
  account.generate("t1");
  EXPECT_TRUE(decided(account.send(DeleteTokenOp{"t1"}, admin_oauth()), Outcome::ok(), RuleId::TOK_8));
  EXPECT_TRUE(decided(account.send(DeleteTokenOp{"t1"}, admin_oauth()), Outcome::not_found(),
                      RuleId::TOK_8));
  EXPECT_TRUE(decided(account.send(SetTokenActiveOp{"t1", true}, admin_oauth()), Outcome::not_found(),
                      RuleId::TOK_8));
  account.set_token_access(false);
  account.set_token_access(true);
  EXPECT_EQ(account.probe(token(email_of(k_eve), "t1")).outcome, Outcome::unauthorized());
}

TEST_F(Rule, TOK_8_UnknownTokenIsNotFound) {
  account.activate_tokens();
  EXPECT_TRUE(decided(account.send(SetTokenActiveOp{"t9", false}, admin_oauth()), Outcome::not_found(),
                      RuleId::TOK_8));
  EXPECT_TRUE(decided(account.send(DeleteTokenOp{"t9"}, admin_oauth()), Outcome::not_found(),
                      RuleId::TOK_8));
}

TEST_F(Rule, TOK_8_ManagingTokensWhileTokenAccessOff_IsAllowed) {
  account.activate_tokens();
  account.generate("t1");
  account.generate("t2");
  account.set_token_access(false);
  EXPECT_EQ(account.send(SetTokenActiveOp{"t1", false}, admin_oauth()).outcome, Outcome::ok());
  EXPECT_EQ(account.send(DeleteTokenOp{"t2"}, admin_oauth()).outcome, Outcome::ok());
  EXPECT_FALSE(account.state().find_token("t1")->active);
  EXPECT_EQ(account.state().live_token_count(), 1U);
}

class TokenLimit : public Rule {
 protected:
  TokenLimit() {
    account.activate_tokens();
    for (std::size_t i = 1; i <= k_token_limit; ++i) account.generate(token_name(i));
  }
};

TEST_F(TokenLimit, TOK_8_OneTokenOverTheLimit_IsRefused) {
  EXPECT_EQ(account.state().live_token_count(), k_token_limit);
  EXPECT_TRUE(decided(account.send(GenerateTokenOp{"extra"}, admin_oauth()), k_limit, RuleId::TOK_8));
  EXPECT_EQ(account.state().find_token("extra"), nullptr);
}

TEST_F(TokenLimit, TOK_8_DeactivatedTokensStillCount) {
  ASSERT_EQ(account.send(SetTokenActiveOp{"t1", false}, admin_oauth()).outcome, Outcome::ok());
  EXPECT_TRUE(decided(account.send(GenerateTokenOp{"extra"}, admin_oauth()), k_limit, RuleId::TOK_8));
}

TEST_F(TokenLimit, TOK_8_DeletedTokensFreeASlot) {
  ASSERT_EQ(account.send(DeleteTokenOp{"t7"}, admin_oauth()).outcome, Outcome::ok());
  EXPECT_EQ(account.send(GenerateTokenOp{"extra"}, admin_oauth()).outcome, Outcome::ok());
  EXPECT_EQ(account.probe(token(email_of(k_eve), "extra")).outcome, Outcome::as_user("eve"));
  EXPECT_TRUE(decided(account.send(GenerateTokenOp{"extra2"}, admin_oauth()), k_limit, RuleId::TOK_8));
}

TEST_F(TokenLimit, TOK_8_TokenAccessOffIsCheckedBeforeTheLimit) {
  account.set_token_access(false);
  EXPECT_TRUE(decided(account.send(GenerateTokenOp{"extra"}, admin_oauth()), k_tokens_disabled,
                      RuleId::TOK_3));
}

// --- PWD-1 / PWD-2 / PWD-5 -------------------------------------------------------

TEST_F(Rule, PWD_1_NewAccount_EndUserPasswordAccessIsOff) {
  EXPECT_FALSE(account.state().end_user_password_access);
  EXPECT_TRUE(decided(account.probe(password(k_eve)), Outcome::anonymous(), {RuleId::PWD_1, RuleId::PWD_3}));
}

TEST_F(Rule, PWD_2_AdminTurnsEndUserPasswordAccessOnAndOff) {
  account.accept_agreement();
  EXPECT_TRUE(decided(account.send(end_user_access_op(true), admin_oauth()), Outcome::ok(), RuleId::PWD_2));
  EXPECT_TRUE(account.state().end_user_password_access);
  EXPECT_TRUE(decided(account.send(end_user_access_op(false), admin_oauth()), Outcome::ok(),
                      RuleId::PWD_2));
  EXPECT_FALSE(account.state().end_user_password_access);
}

TEST_F(Rule, PWD_2_SettingTheCurrentValue_ChangesNothing) {
  account.activate_end_user_passwords();
  AccountState before = account.state();
  EXPECT_TRUE(decided(account.send(end_user_access_op(true), admin_oauth()), Outcome::ok(), RuleId::PWD_2));
  EXPECT_EQ(account.state(), before);
  account.set_end_user_password_access(false);
  before = account.state();
  EXPECT_TRUE(decided(account.send(end_user_access_op(false), admin_oauth()), Outcome::ok(),
                      RuleId::PWD_2));
  EXPECT_EQ(account.state(), before);
}

TEST_F(Rule, PWD_5_TurningEndUserPasswordAccessOff_MakesEndUsersAnonymousAgain) {
  account.activate_end_user_passwords();
  ASSERT_EQ(account.probe(password(k_eve)).outcome, Outcome::as_user("eve"));
  account.set_end_user_password_access(false);
  EXPECT_TRUE(decided(account.probe(password(k_eve)), Outcome::anonymous(), {RuleId::PWD_3, RuleId::PWD_5}));
  account.set_end_user_password_access(true);
  account.set_end_user_password_access(false);
  EXPECT_TRUE(decided(account.probe(password(k_eve)), Outcome::anonymous(), RuleId::PWD_5));
}

// --- OAU-4 -------------------------------------------------------------------

TEST_F(Rule, OAU_4_AdminIssuesTokenForAnyUserWithChosenScopes) {
  EXPECT_TRUE(decided(account.send(IssueOAuthOp{"o1", "eve", true, false}, admin_oauth()), Outcome::ok(),
                      RuleId::OAU_4));
  const OAuthToken* issued = account.state().find_oauth("o1");
  ASSERT_NE(issued, nullptr);
  EXPECT_EQ(issued->owner, "eve");
  EXPECT_TRUE(issued->read);
  EXPECT_FALSE(issued->write);
  EXPECT_EQ(account.probe(OAuthCredential{"o1"}).outcome, Outcome::as_user("eve"));
  EXPECT_EQ(account.send(RevokeOAuthOp{"o1"}, OAuthCredential{"o1"}).outcome,
            Outcome::forbidden(Reason::missing_scope));
}

TEST_F(Rule, OAU_4_UserRevokesItsOwnToken) {
  ASSERT_EQ(account.send(IssueOAuthOp{"o1", "eve"}, admin_oauth()).outcome, Outcome::ok());
  EXPECT_TRUE(decided(account.send(RevokeOAuthOp{"o1"}, OAuthCredential{"o1"}), Outcome::ok(),
                      RuleId::OAU_4));
  EXPECT_EQ(account.probe(OAuthCredential{"o1"}).outcome, Outcome::unauthorized());
}

TEST_F(Rule, OAU_4_AdminRevokesAnyToken) {
  ASSERT_EQ(account.send(IssueOAuthOp{"o1", "alice"}, admin_oauth()).outcome, Outcome::ok());
  ASSERT_EQ(account.send(IssueOAuthOp{"o2", "bob"}, admin_oauth()).outcome, Outcome::ok());
  EXPECT_TRUE(decided(account.send(RevokeOAuthOp{"o1"}, OAuthCredential{"o2"}), Outcome::ok(),
                      RuleId::OAU_4));
  EXPECT_TRUE(decided(account.send(RevokeOAuthOp{"o2"}, admin_oauth()), Outcome::ok(), RuleId::OAU_4));
  EXPECT_TRUE(account.state().find_oauth("o1")->revoked);
  EXPECT_TRUE(account.state().find_oauth("o2")->revoked);
}

TEST_F(Rule, OAU_4_RevokingAnotherUsersLiveToken_IsForbiddenNotAdmin) {
  ASSERT_EQ(account.send(IssueOAuthOp{"o1", "eve"}, admin_oauth()).outcome, Outcome::ok());
  ASSERT_EQ(account.send(IssueOAuthOp{"o2", "alice"}, admin_oauth()).outcome, Outcome::ok());
  EXPECT_TRUE(decided(account.send(RevokeOAuthOp{"o2"}, OAuthCredential{"o1"}),
                      Outcome::forbidden(Reason::not_admin), RuleId::OAU_4));
  EXPECT_TRUE(decided(account.send(RevokeOAuthOp{"admin-oauth"}, OAuthCredential{"o2"}),
                      Outcome::forbidden(Reason::not_admin), RuleId::OAU_4));
  EXPECT_FALSE(account.state().find_oauth("o2")->revoked);
}

TEST_F(Rule, OAU_4_RevokingUnknownOrRevoked_IsNotFoundBeforeOwnership) {
  ASSERT_EQ(account.send(IssueOAuthOp{"o1", "eve"}, admin_oauth()).outcome, Outcome::ok());
  ASSERT_EQ(account.send(IssueOAuthOp{"o2", "alice"}, admin_oauth()).outcome, Outcome::ok());
  ASSERT_EQ(account.send(RevokeOAuthOp{"o2"}, admin_oauth()).outcome, Outcome::ok());
  EXPECT_TRUE(decided(account.send(RevokeOAuthOp{"o9"}, OAuthCredential{"o1"}), Outcome::not_found(),
                      RuleId::OAU_4));
  // o2 belongs to alice, but it is revoked already: not_found, not not_admin.
  EXPECT_TRUE(decided(account.send(RevokeOAuthOp{"o2"}, OAuthCredential{"o1"}), Outcome::not_found(),
                      RuleId::OAU_4));
  EXPECT_TRUE(decided(account.send(RevokeOAuthOp{"o2"}, admin_oauth()), Outcome::not_found(),
                      RuleId::OAU_4));
}

TEST_F(Rule, OAU_4_OwnershipHoldsWhateverTheCredential) {
  account.activate_tokens();
  account.generate("t1");
  ASSERT_EQ(account.send(IssueOAuthOp{"o1", "eve"}, admin_oauth()).outcome, Outcome::ok());
  ASSERT_EQ(account.send(IssueOAuthOp{"o2", "alice"}, admin_oauth()).outcome, Outcome::ok());
  const Credential eve_by_token = token(email_of(k_eve), "t1");
  EXPECT_TRUE(decided(account.send(RevokeOAuthOp{"o2"}, eve_by_token), Outcome::forbidden(Reason::not_admin),
                      RuleId::OAU_4));
  EXPECT_TRUE(decided(account.send(RevokeOAuthOp{"o1"}, eve_by_token), Outcome::ok(), RuleId::OAU_4));
  EXPECT_TRUE(decided(account.send(RevokeOAuthOp{"o2"}, token(email_of(k_bob), "t1")), Outcome::ok(),
                      RuleId::OAU_4));
}

TEST_F(Rule, OAU_4_AnonymousRevoke_IsUnauthorized) {
  EXPECT_EQ(account.send(RevokeOAuthOp{"admin-oauth"}, NoCredential{}).outcome, Outcome::unauthorized());
  EXPECT_FALSE(account.state().find_oauth("admin-oauth")->revoked);
}

TEST_F(Rule, OAU_4_IssuingAndRevokingIgnoreTheSettings) {
  // New account: no agreement, token and password access off.
  EXPECT_TRUE(decided(account.send(IssueOAuthOp{"o1", "alice"}, admin_oauth()), Outcome::ok(),
                      RuleId::OAU_4));
  account.activate_tokens();
  account.set_token_access(false);
  EXPECT_TRUE(decided(account.send(IssueOAuthOp{"o2", "eve"}, admin_oauth()), Outcome::ok(),
                      RuleId::OAU_4));
  EXPECT_TRUE(decided(account.send(RevokeOAuthOp{"o1"}, OAuthCredential{"o1"}), Outcome::ok(),
                      RuleId::OAU_4));
}

TEST_F(Rule, OAU_4_AdminRevokesItsOwnBuiltInToken) {
  EXPECT_TRUE(decided(account.send(RevokeOAuthOp{"admin-oauth"}, admin_oauth()), Outcome::ok(),
                      RuleId::OAU_4));
  EXPECT_TRUE(decided(account.probe(admin_oauth()), Outcome::unauthorized(), RuleId::OAU_2));
}

TEST_F(Rule, OAU_4_IssuingForAnUnknownUser_IsNotFound) {
  EXPECT_EQ(account.send(IssueOAuthOp{"o1", "nobody"}, admin_oauth()).outcome, Outcome::not_found());
  EXPECT_EQ(account.state().find_oauth("o1"), nullptr);
}

}  // namespace
}  // namespace authconform::model::tests
