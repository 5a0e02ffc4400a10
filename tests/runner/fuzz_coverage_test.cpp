// The coverage map: how credentials are classified (the same way the model
// reads them), which cells are reachable, counting, merging and the JSON form.
#include "model/policy_model.h"
#include "runner/fuzz_coverage.h"
#include "runner/fuzz_generator.h"
#include "runner/fuzz_steps.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace authconform::runner {
namespace {

using model::Credential;

// The cast's account after the agreement, with token access on and API tokens
// t1 (live), t2 (deactivated), t3 (deleted), and OAuth o1 (eve's, live) and
// o2 (al's, revoked).
model::AccountState rich_state() {
  FuzzState s = initial_fuzz_state({});
  const Credential admin = model::OAuthCredential{"admin-oauth"};
  for (const model::Request& r : std::vector<model::Request>{
           {model::UpdateSettingsOp{true, true, {}, false}, admin},
           {model::GenerateTokenOp{"t1"}, admin},
           {model::GenerateTokenOp{"t2"}, admin},
           {model::GenerateTokenOp{"t3"}, admin},
           {model::SetTokenActiveOp{"t2", false}, admin},
           {model::DeleteTokenOp{"t3"}, admin},
           {model::IssueOAuthOp{"o1", "eve", true, true}, admin},
           {model::IssueOAuthOp{"o2", "al", true, false}, admin},
           {model::RevokeOAuthOp{"o2"}, admin},
       })
    EXPECT_EQ(apply_request(s, r).outcome, model::Outcome::ok());
  return s.account;
}

CredentialClass of(const Credential& c) { return classify_credential(rich_state(), c); }

TEST(FuzzCoverage, ClassifyCredential_TellsEveryKindAndRoleApart) {
  using K = CredentialKind;
  using R = CellRole;
  EXPECT_EQ(of(model::NoCredential{}), (CredentialClass{K::none, R::none}));
  EXPECT_EQ(of(model::RawCredential{"Digest x"}), (CredentialClass{K::malformed, R::none}));
  EXPECT_EQ(of(model::PasswordCredential{"${email:eve}", "eve-pw-1"}), (CredentialClass{K::password_right, R::end_user}));
  EXPECT_EQ(of(model::PasswordCredential{"ADA@example.test", "ada-pw-1"}), (CredentialClass{K::password_right, R::admin}));
  EXPECT_EQ(of(model::PasswordCredential{"${email:al}", "wrong"}), (CredentialClass{K::password_wrong, R::agent}));
  EXPECT_EQ(of(model::PasswordCredential{"${email:admin}", "x"}), (CredentialClass{K::password_wrong, R::admin}));
  EXPECT_EQ(of(model::PasswordCredential{"nobody@example.test", "x"}), (CredentialClass{K::password_wrong, R::none}));
  EXPECT_EQ(of(model::TokenCredential{"${email:al}", "t1"}), (CredentialClass{K::token_live, R::agent}));
  EXPECT_EQ(of(model::TokenCredential{"${email:eve}", "t2"}), (CredentialClass{K::token_inactive, R::end_user}));
  EXPECT_EQ(of(model::TokenCredential{"${email:admin}", "t3"}), (CredentialClass{K::token_deleted, R::admin}));
  EXPECT_EQ(of(model::TokenCredential{"nobody@example.test", "t0"}), (CredentialClass{K::token_made_up, R::none}));
  EXPECT_EQ(of(model::OAuthCredential{"o1"}), (CredentialClass{K::oauth_live, R::end_user}));
  EXPECT_EQ(of(model::OAuthCredential{"o2"}), (CredentialClass{K::oauth_revoked, R::agent}));
  EXPECT_EQ(of(model::OAuthCredential{"o0"}), (CredentialClass{K::oauth_made_up, R::none}));
}

TEST(FuzzCoverage, OddButValidHeaders_CountAsWhatTheySay) {
  EXPECT_EQ(of(model::RawCredential{"basic  ${base64:${email:eve}:eve-pw-1}"}),
            (CredentialClass{CredentialKind::password_right, CellRole::end_user}));
  EXPECT_EQ(of(model::RawCredential{"BEARER ${oauth:o1} "}),
            (CredentialClass{CredentialKind::oauth_live, CellRole::end_user}));
  // "/Token" is not the token path: a plain password login with an unknown email.
  EXPECT_EQ(of(model::RawCredential{"Basic ${base64:${email:al}/Token:${token:t1}}"}),
            (CredentialClass{CredentialKind::password_wrong, CellRole::none}));
}

TEST(FuzzCoverage, EveryMalformedHeaderOfTheGenerator_IsRefusedByTheModel) {
  const model::PolicyModel model;
  for (const std::string& header : malformed_headers()) {
    SCOPED_TRACE(header);
    EXPECT_EQ(of(model::RawCredential{header}), (CredentialClass{CredentialKind::malformed, CellRole::none}));
    model::AccountState s = rich_state();
    const model::Decision d = model.apply(s, {model::ProbeOp{}, model::RawCredential{header}});
    EXPECT_EQ(d.outcome, model::Outcome::unauthorized());
    EXPECT_EQ(d.rules, std::vector<model::RuleId>{model::RuleId::ANO_2});
  }
}

// The cheap path for structured credentials agrees with rendering the header.
RC_GTEST_PROP(FuzzCoverage, StructuredCredential_ClassifiesAsItsRenderedHeader, ()) {
  const model::AccountState s = rich_state();
  const std::string login = *rc::gen::element<std::string>("${email:eve}", "${email:admin}", "${email:ghost}",
                                                           "AL@Example.Test", "nobody@example.test", "x/token",
                                                           "a:b@example.test");
  const std::string secret = *rc::gen::element<std::string>("eve-pw-1", "al:pw-\xc3\xbc" "1", "", "t1", "t2",
                                                            "t3", "t0", "\xff");
  const Credential password = model::PasswordCredential{login, secret};
  const Credential raw_password = model::RawCredential{"Basic ${base64:" + login + ":" + secret + "}"};
  RC_ASSERT(classify_credential(s, password) == classify_credential(s, raw_password));
  if (secret.empty() || secret.front() != 't') return;
  const Credential token = model::TokenCredential{login, secret};
  const Credential raw_token = model::RawCredential{"Basic ${base64:" + login + "/token:${token:" + secret + "}}"};
  RC_ASSERT(classify_credential(s, token) == classify_credential(s, raw_token));
}

TEST(FuzzCoverage, ReachableCells_FollowTheAgreementAndTheUserOfTheCredential) {
  const PolicyCell before{false, false, false, true};
  const PolicyCell after{true, true, false, false};
  EXPECT_FALSE(policy_cell_reachable({false, true, false, false}));
  EXPECT_TRUE(cell_reachable(before, {CredentialKind::token_made_up, CellRole::agent}));
  EXPECT_FALSE(cell_reachable(before, {CredentialKind::token_live, CellRole::agent}));
  EXPECT_TRUE(cell_reachable(after, {CredentialKind::token_live, CellRole::none}));
  EXPECT_FALSE(cell_reachable(after, {CredentialKind::none, CellRole::admin}));
  EXPECT_FALSE(cell_reachable(after, {CredentialKind::password_right, CellRole::none}));
  // 2 policy cells before the agreement x 20, 8 after it x 32.
  EXPECT_EQ(CoverageMap::reachable_cells(), 2u * 20u + 8u * 32u);
}

TEST(FuzzCoverage, Record_CountsRequestsNotFixtures) {
  const model::AccountState s = rich_state();
  CoverageMap map;
  map.record(s, {model::ProbeOp{}, model::OAuthCredential{"o1"}});
  map.record(s, {model::ProbeOp{}, model::OAuthCredential{"o1"}});
  map.record(s, {model::SetTwoFactorRequiredOp{true}, {}});
  const PolicyCell cell = policy_cell_of(s);
  EXPECT_EQ(map.count(cell, {CredentialKind::oauth_live, CellRole::end_user}), 2);
  EXPECT_EQ(map.requests(), 2);
  EXPECT_EQ(map.visited(), 1u);
  EXPECT_EQ(map.policy_cell_visits(cell), 2);
  EXPECT_TRUE(map.kind_has_unvisited_role(cell, CredentialKind::oauth_live));
  CoverageMap other;
  other.record(cell, {CredentialKind::none, CellRole::none});
  map.merge(other);
  EXPECT_EQ(map.visited(), 2u);
  EXPECT_EQ(map.requests(), 3);
}

// The snapshot generation leans on answers exactly what the map answers.
RC_GTEST_PROP(FuzzCoverage, CoverageBias_AnswersAsTheMapItWasTakenFrom, ()) {
  CoverageMap map;
  const auto cells = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, static_cast<int>(k_cell_count)));
  for (int i : cells) {
    const auto n = static_cast<std::size_t>(i);
    map.record(policy_cell_at(n / (k_cell_role_count * k_credential_kind_count)),
               {static_cast<CredentialKind>(n / k_cell_role_count % k_credential_kind_count),
                static_cast<CellRole>(n % k_cell_role_count)});
  }
  const CoverageBias bias(map);
  for (std::size_t p = 0; p < k_policy_cell_count; ++p) {
    const PolicyCell cell = policy_cell_at(p);
    RC_ASSERT(bias.policy_cell_visits(cell) == map.policy_cell_visits(cell));
    for (std::size_t k = 0; k < k_credential_kind_count; ++k) {
      const auto kind = static_cast<CredentialKind>(k);
      RC_ASSERT(bias.kind_has_unvisited_role(cell, kind) == map.kind_has_unvisited_role(cell, kind));
      for (std::size_t r = 0; r < k_cell_role_count; ++r) {
        const CredentialClass c{kind, static_cast<CellRole>(r)};
        RC_ASSERT(bias.unvisited(cell, c) == (cell_reachable(cell, c) && map.count(cell, c) == 0));
      }
    }
  }
}

TEST(FuzzCoverage, Json_ListsVisitedAndUnvisitedCells) {
  CoverageMap map;
  map.record({true, false, true, false}, {CredentialKind::password_right, CellRole::agent});
  const nlohmann::json j = coverage_to_json(map);
  EXPECT_EQ(j["cells_visited"], 1);
  EXPECT_EQ(j["cells_reachable"], CoverageMap::reachable_cells());
  ASSERT_EQ(j["cells"].size(), 1u);
  EXPECT_EQ(j["cells"][0],
            (nlohmann::json{{"agreement", true}, {"token_access", false}, {"end_user_password_access", true},
                            {"two_factor_required", false}, {"credential", "password_right"}, {"role", "agent"},
                            {"requests", 1}}));
  EXPECT_EQ(j["unvisited"].size(), CoverageMap::reachable_cells() - 1);
  EXPECT_EQ(j["policy_cells"].size(), 10u);
}

}  // namespace
}  // namespace authconform::runner
