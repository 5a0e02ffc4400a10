// The scenario runner: comparison with the model, broken scenarios, flaky
// confirmation, target errors and coverage, against fake targets.
#include "runner/model_target.h"
#include "runner/scenario_runner.h"
#include "tests/utils/test_utils.h"

#include <gtest/gtest.h>

namespace authconform::runner {
namespace {

using reports::ScenarioStatus;
using testing::scenario_from_yaml;

const char* const k_token_scenario = R"(
scenario: a token stops working when token access is turned off
rules: [TOK-4, TOK-5]
users:
  - {name: al, role: agent, password: pw-al-1}
steps:
  - accept_agreement: {}
    expect: ok
  - set: {token_access: on}
    expect: ok
  - generate_token: {name: t1}
    expect: ok
  - request: tickets
    as: {user: al, token: t1}
    expect: {user: al}
  - set: {token_access: off}
    expect: ok
  - request: tickets
    as: {user: al, token: t1}
    expect: unauthorized
)";

// A buggy system: a session that keeps accepting token credentials for the
// first `bad_runs` accounts after token access is turned off.
class StaleTokenTarget final : public Target {
 public:
  explicit StaleTokenTarget(int bad_runs) : m_bad_runs(bad_runs) {}
  std::unique_ptr<AccountSession> open_account(const std::vector<ScenarioUser>& users) override {
    class Session final : public AccountSession {
     public:
      Session(std::unique_ptr<AccountSession> inner, bool buggy) : m_inner(std::move(inner)), m_buggy(buggy) {}
      Observation execute(const model::Request& r) override {
        Observation o = m_inner->execute(r);
        if (m_buggy && std::holds_alternative<model::TokenCredential>(r.credential) &&
            o.outcome == model::Outcome::unauthorized())
          o.outcome = model::Outcome::as_user(std::string(model::k_any_user));
        return o;
      }
     private:
      std::unique_ptr<AccountSession> m_inner;
      bool m_buggy;
    };
    const bool buggy = m_opened++ < m_bad_runs;
    return std::make_unique<Session>(m_model.open_account(users), buggy);
  }
  std::string describe() const override { return "stale-token"; }

 private:
  ModelTarget m_model{model::PolicyConfig{}};
  int m_bad_runs;
  int m_opened = 0;
};

class BrokenTarget final : public Target {
 public:
  std::unique_ptr<AccountSession> open_account(const std::vector<ScenarioUser>&) override {
    throw TargetError(TargetError::Kind::unreachable, "connection refused by 127.0.0.1:9");
  }
  std::string describe() const override { return "broken"; }
};

TEST(ScenarioRunner, ModelTarget_PassesAScenarioThatAgreesWithTheModel) {
  ModelTarget target(model::PolicyConfig{});
  ScenarioRunner runner(target, {});
  const auto result = runner.run_scenario(scenario_from_yaml(k_token_scenario));
  EXPECT_EQ(result.status, ScenarioStatus::passed) << result.message;
  ASSERT_EQ(result.steps.size(), 6u);
  EXPECT_EQ(*result.steps[5].observed, model::Outcome::unauthorized());
}

TEST(ScenarioRunner, TargetThatKeepsTokensWorking_FailsAtTheStepThatDiffers) {
  StaleTokenTarget target(100);
  ScenarioRunner runner(target, {});
  const auto result = runner.run_scenario(scenario_from_yaml(k_token_scenario));
  EXPECT_EQ(result.status, ScenarioStatus::failed);
  EXPECT_EQ(result.message, "step 6: expected unauthorized, observed user:*");
  EXPECT_EQ(result.steps[5].status, reports::StepStatus::failed);
}

TEST(ScenarioRunner, FailureThatDoesNotRepeat_IsFlaky) {
  StaleTokenTarget target(1);
  ScenarioRunner runner(target, {});
  const auto result = runner.run_scenario(scenario_from_yaml(k_token_scenario));
  EXPECT_EQ(result.status, ScenarioStatus::flaky);
  EXPECT_NE(result.message.find("FLAKY"), std::string::npos);
}

TEST(ScenarioRunner, ExpectationThatContradictsTheModel_IsABrokenScenarioNotAFailure) {
  ModelTarget target(model::PolicyConfig{});
  ScenarioRunner runner(target, {});
  const auto result = runner.run_scenario(scenario_from_yaml(R"(
scenario: wrong expectation
steps:
  - request: me
    expect: unauthorized
)"));
  EXPECT_EQ(result.status, ScenarioStatus::broken);
  EXPECT_EQ(result.message,
            "step 1: the scenario expects unauthorized but the model decides anonymous: the "
            "scenario is wrong, not the target");
}

TEST(ScenarioRunner, UnreachableTarget_IsAnErrorAndStopsTheRun) {
  BrokenTarget target;
  ScenarioRunner runner(target, {});
  const auto s = scenario_from_yaml(k_token_scenario);
  reports::RunListener silent;
  const auto summary = runner.run_all({s, s}, {}, silent);
  EXPECT_EQ(summary.errors, 1);
  EXPECT_EQ(summary.scenarios, 1);
  EXPECT_TRUE(summary.interrupted);
  EXPECT_EQ(summary.verdict, reports::RunVerdict::inconclusive);
  EXPECT_EQ(reports::exit_code(summary.verdict), 3);
  EXPECT_EQ(summary.target_error, "connection refused by 127.0.0.1:9");
}

TEST(ScenarioRunner, Coverage_CountsRulesThatFiredNotRulesClaimed) {
  ModelTarget target(model::PolicyConfig{});
  ScenarioRunner runner(target, {});
  auto s = scenario_from_yaml(k_token_scenario);
  reports::RunListener silent;
  const auto summary = runner.run_all({s}, {}, silent);
  EXPECT_GT(summary.coverage.at(model::RuleId::TOK_5).total_steps(), 0);
  EXPECT_EQ(summary.coverage.at(model::RuleId::PWD_4).total_steps(), 0);
  EXPECT_FALSE(summary.coverage.contains(model::RuleId::TFA_1));  // not in the article policy
}

TEST(ScenarioRunner, ScenarioWithoutPolicy_AppliesWhereItsExpectationsHold) {
  const auto two_factor = scenario_from_yaml(R"(
scenario: an enrolled agent's password
users:
  - {name: al, role: agent, password: pw-al-1, two_factor: true}
steps:
  - agent_password_access: {on: true}
  - request: me
    as: {user: al, password: pw-al-1}
    expect: {user: al}
)");
  EXPECT_TRUE(applies_to_policy(two_factor, {model::PolicyId::article}));
  EXPECT_FALSE(applies_to_policy(two_factor, {model::PolicyId::zendesk_2026}));
}

}  // namespace
}  // namespace authconform::runner
