// The rule catalogue (model/rules.h) against spec/policy.md: every ID, its
// stage, its policies, and the text forms of codes and policy names.
#include "tests/model/model_test_support.h"

#include <set>

namespace authconform::model::tests {
namespace {

struct Expected {
  std::string_view code;
  Stage stage;
};

// spec/policy.md §2, in order: identity, permission, effect.
constexpr Expected k_spec_rules[] = {
    {"ANO-1", Stage::identity},   {"ANO-2", Stage::identity},   {"TOK-4", Stage::identity},
    {"TOK-5", Stage::identity},   {"TOK-7", Stage::identity},   {"PWD-3", Stage::identity},
    {"PWD-4", Stage::identity},   {"PWD-6", Stage::identity},   {"PWD-7", Stage::identity},
    {"PWD-8", Stage::identity},   {"2FA-1", Stage::identity},   {"OAU-1", Stage::identity},
    {"OAU-2", Stage::identity},   {"PRB-1", Stage::permission}, {"PRB-2", Stage::permission},
    {"PRB-3", Stage::permission}, {"OAU-3", Stage::permission}, {"ADM-1", Stage::permission},
    {"ACT-1", Stage::effect},     {"ACT-2", Stage::effect},     {"ACT-3", Stage::effect},
    {"TOK-1", Stage::effect},     {"TOK-2", Stage::effect},     {"TOK-3", Stage::effect},
    {"TOK-6", Stage::effect},     {"TOK-8", Stage::effect},     {"PWD-1", Stage::effect},
    {"PWD-2", Stage::effect},     {"PWD-5", Stage::effect},     {"OAU-4", Stage::effect},
};

TEST(Catalogue, HoldsEveryRuleOfTheSpec) {
  ASSERT_EQ(all_rules().size(), std::size(k_spec_rules));
  EXPECT_EQ(k_rule_count, std::size(k_spec_rules));
}

TEST(Catalogue, EveryEntryIdEqualsItsPosition) {
  const auto rules = all_rules();
  for (std::size_t i = 0; i < rules.size(); ++i) {
    EXPECT_EQ(static_cast<std::size_t>(rules[i].id), i) << rules[i].code;
    EXPECT_EQ(&rule_info(static_cast<RuleId>(i)), &rules[i]);
  }
}

TEST(Catalogue, CodesAndStagesFollowTheSpec) {
  const auto rules = all_rules();
  for (std::size_t i = 0; i < rules.size() && i < std::size(k_spec_rules); ++i) {
    EXPECT_EQ(rules[i].code, k_spec_rules[i].code) << "position " << i;
    EXPECT_EQ(rules[i].stage, k_spec_rules[i].stage) << rules[i].code;
    EXPECT_EQ(rule_code(rules[i].id), rules[i].code);
  }
}

TEST(Catalogue, EveryEntryHasAStatementAndASource) {
  for (const RuleInfo& info : all_rules()) {
    EXPECT_FALSE(info.statement.empty()) << info.code;
    EXPECT_FALSE(info.source.empty()) << info.code;
    EXPECT_EQ(info.statement.find('\n'), std::string_view::npos) << info.code << ": one line";
  }
}

TEST(Catalogue, CodesAreUniqueAndRoundTrip) {
  std::set<std::string_view> seen;
  for (const RuleInfo& info : all_rules()) {
    EXPECT_TRUE(seen.insert(info.code).second) << info.code;
    EXPECT_EQ(parse_rule_code(info.code), info.id) << info.code;
  }
}

TEST(Catalogue, UnknownCodesAreRefused) {
  for (const std::string_view code : {"", "TOK-9", "TOK4", "tok-4", "TOK_4", "TFA-1", " TOK-4", "TOK-4 "}) {
    EXPECT_EQ(parse_rule_code(code), std::nullopt) << "'" << code << "'";
  }
}

TEST(Catalogue, TwoFactorRuleIsCalled2FA1) {
  EXPECT_EQ(rule_code(RuleId::TFA_1), "2FA-1");
  EXPECT_EQ(parse_rule_code("2FA-1"), RuleId::TFA_1);
}

TEST(Catalogue, PolicyMembership) {
  for (const RuleInfo& info : all_rules()) {
    const bool article_only = info.id == RuleId::PWD_8;
    const bool zendesk_only = info.id == RuleId::TFA_1;
    EXPECT_EQ(info.in_article, !zendesk_only) << info.code;
    EXPECT_EQ(info.in_zendesk_2026, !article_only) << info.code;
    EXPECT_EQ(rule_in_policy(info.id, PolicyId::article), info.in_article) << info.code;
    EXPECT_EQ(rule_in_policy(info.id, PolicyId::zendesk_2026), info.in_zendesk_2026) << info.code;
  }
}

TEST(Catalogue, PoliciesRoundTrip) {
  EXPECT_EQ(policy_name(PolicyId::article), "article");
  EXPECT_EQ(policy_name(PolicyId::zendesk_2026), "zendesk-2026");
  for (const PolicyId policy : k_all_policies) {
    EXPECT_EQ(parse_policy(policy_name(policy)), policy) << policy_name(policy);
  }
  for (const std::string_view name : {"", "Article", "zendesk_2026", "zendesk-2025", "zendesk"}) {
    EXPECT_EQ(parse_policy(name), std::nullopt) << "'" << name << "'";
  }
}

// --- outcomes, the vocabulary of expectations -----------------------------------------

TEST(Outcomes, TextFormsRoundTrip) {
  const Outcome outcomes[] = {
      Outcome::ok(), Outcome::anonymous(), Outcome::unauthorized(), Outcome::not_found(),
      Outcome::invalid(), Outcome::as_user("eve"), Outcome::forbidden(Reason::none),
      Outcome::forbidden(Reason::not_admin), Outcome::forbidden(Reason::not_agent),
      Outcome::forbidden(Reason::missing_scope), Outcome::forbidden(Reason::agreement_not_accepted),
      Outcome::forbidden(Reason::token_access_disabled), Outcome::forbidden(Reason::token_limit_reached)};
  for (const Outcome& outcome : outcomes) {
    EXPECT_EQ(parse_outcome(to_string(outcome)), outcome) << to_string(outcome);
  }
  EXPECT_EQ(to_string(Outcome::as_user("eve")), "user:eve");
  EXPECT_EQ(to_string(Outcome::forbidden(Reason::not_admin)), "forbidden:not_admin");
  EXPECT_EQ(to_string(Outcome::forbidden(Reason::none)), "forbidden");
}

TEST(Outcomes, MatchingRules) {
  EXPECT_TRUE(outcome_matches(Outcome::as_user("eve"), Outcome::as_user(std::string(k_any_user))));
  EXPECT_FALSE(outcome_matches(Outcome::as_user("eve"), Outcome::as_user("bob")));
  EXPECT_TRUE(outcome_matches(Outcome::forbidden(Reason::none), Outcome::forbidden(Reason::not_admin)));
  EXPECT_FALSE(outcome_matches(Outcome::forbidden(Reason::not_admin), Outcome::forbidden(Reason::not_agent)));
  EXPECT_FALSE(outcome_matches(Outcome::anonymous(), Outcome::as_user(std::string(k_any_user))));
  EXPECT_FALSE(outcome_matches(Outcome::ok(), Outcome::invalid()));
}

TEST(Requests, ReadOnlyOperationsAreTheGets) {
  EXPECT_TRUE(is_read_only(ProbeOp{Probe::me}));
  EXPECT_TRUE(is_read_only(ProbeOp{Probe::tickets}));
  EXPECT_TRUE(is_read_only(ReadSettingsOp{}));
  EXPECT_TRUE(is_read_only(ListTokensOp{}));
  EXPECT_FALSE(is_read_only(UpdateSettingsOp{}));
  EXPECT_FALSE(is_read_only(GenerateTokenOp{"t1"}));
  EXPECT_FALSE(is_read_only(SetTokenActiveOp{"t1", true}));
  EXPECT_FALSE(is_read_only(DeleteTokenOp{"t1"}));
  EXPECT_FALSE(is_read_only(IssueOAuthOp{"o1", "eve"}));
  EXPECT_FALSE(is_read_only(RevokeOAuthOp{"o1"}));
}

TEST(Requests, FixtureOperationsAreTold) {
  EXPECT_TRUE(is_fixture(AddUserOp{"eve", "eve@x.test", Role::end_user, "pw", false}));
  EXPECT_TRUE(is_fixture(SetPasswordOp{"eve", "pw"}));
  EXPECT_TRUE(is_fixture(SetTwoFactorEnrolledOp{"eve", true}));
  EXPECT_TRUE(is_fixture(SetTwoFactorRequiredOp{true}));
  EXPECT_TRUE(is_fixture(SetAgentPasswordAccessOp{true}));
  EXPECT_FALSE(is_fixture(ProbeOp{Probe::me}));
  EXPECT_FALSE(is_fixture(UpdateSettingsOp{}));
  EXPECT_FALSE(is_fixture(IssueOAuthOp{"o1", "eve"}));
}

TEST(Requests, RolesRoundTrip) {
  for (const Role role : {Role::end_user, Role::agent, Role::admin}) {
    EXPECT_EQ(parse_role(role_name(role)), role);
  }
  EXPECT_EQ(role_name(Role::end_user), "end-user");
  EXPECT_EQ(parse_role("owner"), std::nullopt);
}

// --- spec §1: the state of a new account ---------------------------------------------

TEST(NewAccount, MatchesSection1) {
  const AccountState state = PolicyModel{}.initial_state();
  EXPECT_FALSE(state.agreement_accepted);
  EXPECT_FALSE(state.token_access);
  EXPECT_FALSE(state.end_user_password_access);
  EXPECT_FALSE(state.agent_password_access);
  EXPECT_FALSE(state.two_factor_required);
  ASSERT_EQ(state.users.size(), 1U);
  EXPECT_EQ(state.users[0].name, k_admin_name);
  EXPECT_EQ(state.users[0].role, Role::admin);
  EXPECT_FALSE(state.users[0].password.empty());
  EXPECT_TRUE(state.tokens.empty());
  ASSERT_EQ(state.oauth.size(), 1U);
  EXPECT_EQ(state.oauth[0].name, k_admin_oauth_name);
  EXPECT_EQ(state.oauth[0].owner, k_admin_name);
  EXPECT_TRUE(state.oauth[0].read);
  EXPECT_TRUE(state.oauth[0].write);
  EXPECT_FALSE(state.oauth[0].revoked);
}

TEST(NewAccount, AdminPasswordIsUnknowable) {
  Account account;
  account.set_agent_password_access(true);
  for (const std::string_view guess : {std::string_view(""), std::string_view("admin"), k_unknowable_password}) {
    const Decision decision = account.probe(PasswordCredential{"${email:admin}", std::string(guess)});
    EXPECT_EQ(decision.outcome, Outcome::anonymous()) << describe_rules(decision.rules);
  }
}

}  // namespace
}  // namespace authconform::model::tests
