// Stage 2 of spec/policy.md §2: may that identity do this operation. Order:
// an unauthorized identity is refused first, then OAU-3, then PRB-2 or ADM-1.
#include "tests/model/model_test_support.h"

namespace authconform::model::tests {
namespace {

// An OAuth token for `owner` with the given scopes, issued by the built-in admin.
void issue(Account& account, std::string name, std::string owner, bool read, bool write) {
  const Decision decision =
      account.send(IssueOAuthOp{std::move(name), std::move(owner), read, write}, admin_oauth());
  ASSERT_EQ(decision.outcome, Outcome::ok()) << describe_rules(decision.rules);
}

// --- PRB-1 -------------------------------------------------------------------

TEST_F(Rule, PRB_1_Me_ReportsTheUser) {
  EXPECT_TRUE(decided(account.probe(admin_oauth()), Outcome::as_user("admin"), RuleId::PRB_1));
  account.activate_end_user_passwords();
  EXPECT_TRUE(decided(account.probe(password(k_eve)), Outcome::as_user("eve"), RuleId::PRB_1));
}

TEST_F(Rule, PRB_1_Me_ReportsTheAnonymousUser) {
  EXPECT_TRUE(decided(account.probe(NoCredential{}), Outcome::anonymous(), RuleId::PRB_1));
  EXPECT_TRUE(decided(account.probe(password(k_eve)), Outcome::anonymous(), RuleId::PRB_1));
}

TEST_F(Rule, PRB_1_Me_WithReadOnlyOAuth_IsAllowed) {
  issue(account, "o1", "eve", true, false);
  EXPECT_TRUE(decided(account.probe(OAuthCredential{"o1"}), Outcome::as_user("eve"), RuleId::PRB_1));
}

// --- PRB-2 -------------------------------------------------------------------

TEST_F(Rule, PRB_2_Tickets_EndUserIsForbiddenNotAgent) {
  account.activate_end_user_passwords();
  EXPECT_TRUE(decided(account.probe(password(k_eve), Probe::tickets),
                      Outcome::forbidden(Reason::not_agent), RuleId::PRB_2));
}

TEST_F(Rule, PRB_2_Tickets_AnonymousIsUnauthorized) {
  EXPECT_TRUE(decided(account.probe(password(k_eve), Probe::tickets), Outcome::unauthorized(),
                      RuleId::PRB_2));
}

TEST_F(Rule, PRB_2_Tickets_AgentsAndAdminsAreAllowed) {
  issue(account, "o1", "alice", true, true);
  EXPECT_TRUE(decided(account.probe(OAuthCredential{"o1"}, Probe::tickets), Outcome::as_user("alice"),
                      RuleId::PRB_2));
  EXPECT_TRUE(decided(account.probe(admin_oauth(), Probe::tickets), Outcome::as_user("admin"),
                      RuleId::PRB_2));
}

// --- PRB-3 -------------------------------------------------------------------

TEST_F(Rule, PRB_3_ReadSettings_EndUserIsForbiddenNotAgent) {
  issue(account, "o1", "eve", true, true);
  EXPECT_TRUE(decided(account.send(ReadSettingsOp{}, OAuthCredential{"o1"}),
                      Outcome::forbidden(Reason::not_agent), RuleId::PRB_3));
}

TEST_F(Rule, PRB_3_ReadSettings_AnonymousIsUnauthorized) {
  EXPECT_TRUE(decided(account.send(ReadSettingsOp{}, NoCredential{}), Outcome::unauthorized(),
                      RuleId::PRB_3));
}

TEST_F(Rule, PRB_3_ReadSettings_AgentsAndAdminsAreAllowed) {
  issue(account, "o1", "alice", true, false);
  EXPECT_TRUE(decided(account.send(ReadSettingsOp{}, OAuthCredential{"o1"}), Outcome::ok(),
                      RuleId::PRB_3));
  EXPECT_TRUE(decided(account.send(ReadSettingsOp{}, admin_oauth()), Outcome::ok(), RuleId::PRB_3));
}

// --- OAU-3 -------------------------------------------------------------------

TEST_F(Rule, OAU_3_ReadOnlyToken_CannotChangeSettings) {
  issue(account, "o1", "admin", true, false);
  EXPECT_TRUE(decided(account.send(agreement_op(true), OAuthCredential{"o1"}),
                      Outcome::forbidden(Reason::missing_scope), RuleId::OAU_3));
  EXPECT_FALSE(account.state().agreement_accepted);
}

TEST_F(Rule, OAU_3_ReadOnlyToken_MayReadSettingsAndListTokens) {
  issue(account, "o1", "admin", true, false);
  EXPECT_EQ(account.send(ReadSettingsOp{}, OAuthCredential{"o1"}).outcome, Outcome::ok());
  EXPECT_EQ(account.send(ListTokensOp{}, OAuthCredential{"o1"}).outcome, Outcome::ok());
}

TEST_F(Rule, OAU_3_ReadOnlyToken_CannotManageTokensOrOAuth) {
  account.activate_tokens();
  account.generate("t1");
  issue(account, "o1", "admin", true, false);
  const Credential read_only = OAuthCredential{"o1"};
  const Outcome missing = Outcome::forbidden(Reason::missing_scope);
  EXPECT_TRUE(decided(account.send(GenerateTokenOp{"t2"}, read_only), missing, RuleId::OAU_3));
  EXPECT_TRUE(decided(account.send(SetTokenActiveOp{"t1", false}, read_only), missing, RuleId::OAU_3));
  EXPECT_TRUE(decided(account.send(DeleteTokenOp{"t1"}, read_only), missing, RuleId::OAU_3));
  EXPECT_TRUE(decided(account.send(IssueOAuthOp{"o2", "eve"}, read_only), missing, RuleId::OAU_3));
  EXPECT_TRUE(decided(account.send(RevokeOAuthOp{"o1"}, read_only), missing, RuleId::OAU_3));
  EXPECT_EQ(account.state().find_token("t2"), nullptr);
  EXPECT_TRUE(account.state().find_token("t1")->active);
}

TEST_F(Rule, OAU_3_WriteOnlyToken_CannotRead) {
  issue(account, "o1", "admin", false, true);
  const Outcome missing = Outcome::forbidden(Reason::missing_scope);
  EXPECT_TRUE(decided(account.probe(OAuthCredential{"o1"}), missing, RuleId::OAU_3));
  EXPECT_TRUE(decided(account.probe(OAuthCredential{"o1"}, Probe::tickets), missing, RuleId::OAU_3));
  EXPECT_TRUE(decided(account.send(ReadSettingsOp{}, OAuthCredential{"o1"}), missing, RuleId::OAU_3));
  EXPECT_TRUE(decided(account.send(agreement_op(true), OAuthCredential{"o1"}), Outcome::ok(),
                      RuleId::ACT_2));
}

TEST_F(Rule, OAU_3_MissingScope_IsCheckedBeforeRole) {
  issue(account, "o1", "eve", true, false);
  issue(account, "o2", "eve", false, true);
  const Outcome missing = Outcome::forbidden(Reason::missing_scope);
  // Without the scope, an end user hears missing_scope, not not_admin / not_agent.
  EXPECT_TRUE(decided(account.send(token_access_op(true), OAuthCredential{"o1"}), missing,
                      RuleId::OAU_3));
  EXPECT_TRUE(decided(account.probe(OAuthCredential{"o2"}, Probe::tickets), missing, RuleId::OAU_3));
}

TEST_F(Rule, OAU_3_ScopesDoNotApplyToOtherCredentials) {
  account.activate_tokens();
  account.generate("t1");
  EXPECT_TRUE(decided(account.send(end_user_access_op(true), token("${email:admin}", "t1")),
                      Outcome::ok(), RuleId::PWD_2));
  EXPECT_TRUE(account.state().end_user_password_access);
}

TEST_F(Rule, OAU_3_UnauthorizedIsRefusedBeforeScope) {
  EXPECT_TRUE(decided(account.send(agreement_op(true), OAuthCredential{"o9"}), Outcome::unauthorized(),
                      RuleId::OAU_2));
}

TEST_F(Rule, OAU_3_TokenWithNoScope_CanDoNothing) {
  issue(account, "o1", "admin", false, false);
  const Outcome missing = Outcome::forbidden(Reason::missing_scope);
  EXPECT_TRUE(decided(account.probe(OAuthCredential{"o1"}), missing, RuleId::OAU_3));
  EXPECT_TRUE(decided(account.send(agreement_op(true), OAuthCredential{"o1"}), missing, RuleId::OAU_3));
}

TEST_F(Rule, OAU_3_ReadOnlyAgentToken_ReadsTickets) {
  issue(account, "o1", "alice", true, false);
  EXPECT_TRUE(decided(account.probe(OAuthCredential{"o1"}, Probe::tickets), Outcome::as_user("alice"),
                      RuleId::PRB_2));
}

// --- ADM-1 -------------------------------------------------------------------

TEST_F(Rule, ADM_1_AgentCannotChangeSettings) {
  issue(account, "o1", "alice", true, true);
  EXPECT_TRUE(decided(account.send(agreement_op(true), OAuthCredential{"o1"}),
                      Outcome::forbidden(Reason::not_admin), RuleId::ADM_1));
  EXPECT_FALSE(account.state().agreement_accepted);
}

TEST_F(Rule, ADM_1_EndUserCannotChangeSettings) {
  account.activate_end_user_passwords();
  EXPECT_TRUE(decided(account.send(token_access_op(true), password(k_eve)),
                      Outcome::forbidden(Reason::not_admin), RuleId::ADM_1));
  EXPECT_FALSE(account.state().token_access);
}

TEST_F(Rule, ADM_1_AnonymousIsUnauthorized) {
  EXPECT_TRUE(decided(account.send(agreement_op(true), NoCredential{}), Outcome::unauthorized(),
                      RuleId::ADM_1));
  EXPECT_TRUE(decided(account.send(IssueOAuthOp{"o1", "eve"}, password(k_eve)), Outcome::unauthorized(),
                      RuleId::ADM_1));
  EXPECT_EQ(account.state().find_oauth("o1"), nullptr);
}

TEST_F(Rule, ADM_1_AgentCannotManageTokensOrIssueOAuth) {
  account.activate_tokens();
  account.generate("t1");
  const Credential agent = token(email_of(k_alice), "t1");
  const Outcome not_admin = Outcome::forbidden(Reason::not_admin);
  EXPECT_TRUE(decided(account.send(ListTokensOp{}, agent), not_admin, RuleId::ADM_1));
  EXPECT_TRUE(decided(account.send(GenerateTokenOp{"t2"}, agent), not_admin, RuleId::ADM_1));
  EXPECT_TRUE(decided(account.send(SetTokenActiveOp{"t1", false}, agent), not_admin, RuleId::ADM_1));
  EXPECT_TRUE(decided(account.send(DeleteTokenOp{"t1"}, agent), not_admin, RuleId::ADM_1));
  EXPECT_TRUE(decided(account.send(IssueOAuthOp{"o1", "alice"}, agent), not_admin, RuleId::ADM_1));
  EXPECT_EQ(account.state().find_token("t2"), nullptr);
  EXPECT_EQ(account.state().find_oauth("o1"), nullptr);
  EXPECT_TRUE(account.state().find_token("t1")->active);
}

TEST_F(Rule, ADM_1_EndUserWithWriteScope_IsForbiddenNotAdmin) {
  issue(account, "o1", "eve", true, true);
  const Outcome not_admin = Outcome::forbidden(Reason::not_admin);
  EXPECT_TRUE(decided(account.send(agreement_op(true), OAuthCredential{"o1"}), not_admin, RuleId::ADM_1));
  EXPECT_TRUE(decided(account.send(ListTokensOp{}, OAuthCredential{"o1"}), not_admin, RuleId::ADM_1));
  EXPECT_TRUE(decided(account.send(IssueOAuthOp{"o2", "eve"}, OAuthCredential{"o1"}), not_admin,
                      RuleId::ADM_1));
}

TEST_F(Rule, ADM_1_AnonymousManagingTokens_IsUnauthorized) {
  EXPECT_TRUE(decided(account.send(ListTokensOp{}, NoCredential{}), Outcome::unauthorized(), RuleId::ADM_1));
  EXPECT_TRUE(decided(account.send(GenerateTokenOp{"t1"}, NoCredential{}), Outcome::unauthorized(),
                      RuleId::ADM_1));
  EXPECT_TRUE(decided(account.send(DeleteTokenOp{"t1"}, password(k_eve)), Outcome::unauthorized(),
                      RuleId::ADM_1));
}

TEST_F(Rule, ADM_1_AnyAdminMayManage) {
  account.activate_tokens();
  account.generate("t1");
  const Credential bob = token(email_of(k_bob), "t1");
  EXPECT_EQ(account.send(GenerateTokenOp{"t2"}, bob).outcome, Outcome::ok());
  EXPECT_EQ(account.send(ListTokensOp{}, bob).outcome, Outcome::ok());
  EXPECT_NE(account.state().find_token("t2"), nullptr);
}

TEST_F(Rule, ADM_1_IsCheckedBeforeEffectRefusals) {
  issue(account, "o1", "alice", true, true);
  const Credential agent = OAuthCredential{"o1"};
  const Outcome not_admin = Outcome::forbidden(Reason::not_admin);
  // ACT-3 and not_found would apply to an admin; the agent is refused first.
  EXPECT_TRUE(decided(account.send(GenerateTokenOp{"t1"}, agent), not_admin, RuleId::ADM_1));
  EXPECT_TRUE(decided(account.send(DeleteTokenOp{"t9"}, agent), not_admin, RuleId::ADM_1));
}

// --- malformed bodies: 400 only after identity and permission -------------------

UpdateSettingsOp malformed_op() {
  UpdateSettingsOp op = token_access_op(true);
  op.malformed = true;
  return op;
}

TEST_F(Rule, MalformedBody_FromAdmin_IsInvalidAndChangesNothing) {
  account.accept_agreement();
  const AccountState before = account.state();
  const Decision decision = account.send(malformed_op(), admin_oauth());
  EXPECT_EQ(decision.outcome, Outcome::invalid());
  EXPECT_FALSE(decision.rules.empty());
  EXPECT_EQ(account.state(), before);
}

TEST_F(Rule, MalformedBody_IsRefusedAfterIdentityAndPermission) {
  issue(account, "o1", "alice", true, true);
  issue(account, "o2", "admin", true, false);
  const AccountState before = account.state();
  EXPECT_TRUE(decided(account.send(malformed_op(), NoCredential{}), Outcome::unauthorized(),
                      RuleId::ADM_1));
  EXPECT_TRUE(decided(account.send(malformed_op(), raw("Basic @@")), Outcome::unauthorized(),
                      RuleId::ANO_2));
  EXPECT_TRUE(decided(account.send(malformed_op(), OAuthCredential{"o9"}), Outcome::unauthorized(),
                      RuleId::OAU_2));
  EXPECT_TRUE(decided(account.send(malformed_op(), OAuthCredential{"o2"}),
                      Outcome::forbidden(Reason::missing_scope), RuleId::OAU_3));
  EXPECT_TRUE(decided(account.send(malformed_op(), OAuthCredential{"o1"}),
                      Outcome::forbidden(Reason::not_admin), RuleId::ADM_1));
  EXPECT_EQ(account.state(), before);
}

}  // namespace
}  // namespace authconform::model::tests
