// The fuzzing engine against the model and against deliberately buggy targets
// (as RapidCheck's own integration tests use buggy systems): verdicts, exact
// minimal counterexamples, determinism, time boxes, flakiness and target errors.
#include "model/policy_model.h"
#include "runner/fuzz_engine.h"
#include "runner/fuzz_generator.h"
#include "runner/fuzz_report.h"
#include "runner/model_target.h"
#include "runner/scenario_loader.h"
#include "runner/scenario_runner.h"
#include "tests/utils/test_utils.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <functional>

namespace authconform::runner {
namespace {

using model::Outcome;
using model::Request;

// What a buggy target answers instead of `correct`, given the state before the request.
using Mutation = std::function<Outcome(const model::PolicyModel&, const model::AccountState& before,
                                       const Request&, const Outcome& correct)>;

// A target that decides like the model but answers through `mutation`; the
// accounts for which `buggy(n)` (n = 0, 1, ... in order of creation) is false
// answer correctly.
class MutatedTarget final : public Target {
 public:
  MutatedTarget(model::PolicyConfig policy, Mutation mutation, std::function<bool(int)> buggy = {})
      : m_model(policy), m_mutation(std::move(mutation)), m_buggy(std::move(buggy)) {}

  std::unique_ptr<AccountSession> open_account(const std::vector<ScenarioUser>& users) override {
    const int n = m_opened.fetch_add(1);
    return std::make_unique<Session>(*this, users, !m_buggy || m_buggy(n));
  }
  std::string describe() const override { return "mutated model"; }
  int accounts_opened() const { return m_opened.load(); }

 private:
  class Session final : public AccountSession {
   public:
    Session(const MutatedTarget& t, const std::vector<ScenarioUser>& users, bool buggy)
        : m_target(t), m_state(t.m_model.initial_state()), m_buggy(buggy) {
      for (const ScenarioUser& u : users)
        t.m_model.apply(m_state, {model::AddUserOp{u.name, u.email, u.role, u.password, u.two_factor}, {}});
    }
    Observation execute(const Request& r) override {
      const model::AccountState before = m_state;
      const Outcome correct = m_target.m_model.apply(m_state, r).outcome;
      return {m_buggy ? m_target.m_mutation(m_target.m_model, before, r, correct) : correct, {}};
    }

   private:
    const MutatedTarget& m_target;
    model::AccountState m_state;
    bool m_buggy;
  };

  model::PolicyModel m_model;
  Mutation m_mutation;
  std::function<bool(int)> m_buggy;
  std::atomic<int> m_opened{0};
};

// TOK-5 broken: API tokens keep working while token access is off.
Outcome tokens_work_when_off(const model::PolicyModel& model, const model::AccountState& before,
                             const Request& r, const Outcome& correct) {
  if (!std::holds_alternative<model::TokenCredential>(r.credential) || before.token_access) return correct;
  model::AccountState seen = before;
  seen.token_access = true;
  return model.apply(seen, r).outcome;
}

// PRB-2 broken: end users may read the tickets.
Outcome end_user_sees_tickets(const model::PolicyModel&, const model::AccountState&, const Request& r,
                              const Outcome& correct) {
  const auto* probe = std::get_if<model::ProbeOp>(&r.op);
  if (probe && probe->probe == model::Probe::tickets && correct == Outcome::forbidden(model::Reason::not_agent))
    return Outcome::as_user(std::string(model::k_any_user));
  return correct;
}

// A target whose every request after the first `good` ones breaks.
class BreakingTarget final : public Target {
 public:
  BreakingTarget(model::PolicyConfig policy, long good) : m_model(policy), m_good(good) {}
  std::unique_ptr<AccountSession> open_account(const std::vector<ScenarioUser>& users) override {
    class Session final : public AccountSession {
     public:
      Session(std::unique_ptr<AccountSession> inner, std::atomic<long>& left) : m_inner(std::move(inner)), m_left(left) {}
      Observation execute(const Request& r) override {
        if (m_left.fetch_sub(1) <= 0)
          throw TargetError(TargetError::Kind::connection_reset, "connection reset by the target");
        return m_inner->execute(r);
      }

     private:
      std::unique_ptr<AccountSession> m_inner;
      std::atomic<long>& m_left;
    };
    return std::make_unique<Session>(m_model.open_account(users), m_good);
  }
  std::string describe() const override { return "breaking"; }

 private:
  ModelTarget m_model;
  std::atomic<long> m_good;
};

using testing::step_lines;

TEST(FuzzEngine, ModelAgainstItself_FindsNoMismatchOverALongRun) {
  ModelTarget target({});
  const FuzzResult r = run_fuzz(target, testing::fuzz_options(2024, 3000));
  EXPECT_EQ(r.verdict, FuzzVerdict::passed);
  EXPECT_EQ(r.sequences, 3000);
  EXPECT_GT(r.steps, 3000 * 5);
  EXPECT_EQ(r.requests, r.steps);
  EXPECT_FALSE(r.counterexample);
}

TEST(FuzzEngine, ModelAgainstItselfUnderZendesk2026_FindsNoMismatch) {
  const model::PolicyConfig policy{model::PolicyId::zendesk_2026, true};
  ModelTarget target(policy);
  FuzzOptions o = testing::fuzz_options(7, 1000);
  o.policy = policy;
  EXPECT_EQ(run_fuzz(target, o).verdict, FuzzVerdict::passed);
}

// 1500 sequences: a small part of a default-length run (10 s, some 40 000
// sequences on the model), so every rule fires well within one.
TEST(FuzzEngine, EveryRuleOfEachPolicyFires) {
  for (const model::PolicyId policy : model::k_all_policies) {
    ModelTarget target({policy, false});
    FuzzOptions o = testing::fuzz_options(99, 1500);
    o.policy = {policy, false};
    const FuzzResult r = run_fuzz(target, o);
    for (const auto& [rule, count] : r.rules_fired)
      EXPECT_GT(count, 0) << model::rule_code(rule) << " never fired under " << model::policy_name(policy);
    for (const model::RuleInfo& info : model::all_rules())
      EXPECT_EQ(r.rules_fired.count(info.id), model::rule_in_policy(info.id, policy) ? 1u : 0u) << info.code;
  }
}

TEST(FuzzEngine, SameSeedAndRuns_GiveTheSameRun) {
  ModelTarget target({});
  const FuzzResult a = run_fuzz(target, testing::fuzz_options(5, 300));
  const FuzzResult b = run_fuzz(target, testing::fuzz_options(5, 300));
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(a.rules_fired, b.rules_fired);
  EXPECT_EQ(a.coverage, b.coverage);
  const FuzzResult c = run_fuzz(target, testing::fuzz_options(6, 300));
  EXPECT_NE(a.coverage, c.coverage);
}

TEST(FuzzEngine, ParallelJobs_AreDeterministicAndCountEverySequence) {
  ModelTarget target({});
  FuzzOptions o = testing::fuzz_options(11, 205);
  o.jobs = 3;
  const FuzzResult a = run_fuzz(target, o);
  const FuzzResult b = run_fuzz(target, o);
  EXPECT_EQ(a.verdict, FuzzVerdict::passed);
  EXPECT_EQ(a.sequences, 205);
  EXPECT_EQ(a.steps, b.steps);
  EXPECT_EQ(a.coverage, b.coverage);
  EXPECT_NE(a.replay_command.find("--jobs 3"), std::string::npos);
}

TEST(FuzzEngine, TokensWorkWhenOff_ShrinksToTheMinimalSequence) {
  MutatedTarget target({}, tokens_work_when_off);
  const FuzzResult r = run_fuzz(target, testing::fuzz_options(1, 500));
  ASSERT_EQ(r.verdict, FuzzVerdict::failed);
  ASSERT_TRUE(r.counterexample);
  EXPECT_EQ(step_lines(*r.counterexample), (std::vector<std::string>{
                                               "accept_agreement by OAuth token admin-oauth",
                                               "set token_access=on by OAuth token admin-oauth",
                                               "generate_token t1 by OAuth token admin-oauth",
                                               "set token_access=off by OAuth token admin-oauth",
                                               "request me as admin (token t1)",
                                           }));
  EXPECT_EQ(r.counterexample->title, "fuzz counterexample: request me as admin (token t1)");
  EXPECT_EQ(r.counterexample->rules, std::vector<model::RuleId>{model::RuleId::TOK_5});
  EXPECT_EQ(r.counterexample->steps.back().expect, Outcome::unauthorized());
  ASSERT_TRUE(r.mismatch);
  EXPECT_EQ(r.mismatch->step, 5);
  EXPECT_EQ(r.mismatch->observed, Outcome::as_user("admin"));
  EXPECT_EQ(r.confirmations_run, 3);
  EXPECT_EQ(r.confirmations_failed, 3);
  EXPECT_GT(r.original_steps, r.counterexample->steps.size());
}

TEST(FuzzEngine, EndUserSeesTickets_ShrinksToTwoSteps) {
  MutatedTarget target({}, end_user_sees_tickets);
  const FuzzResult r = run_fuzz(target, testing::fuzz_options(14, 500));
  ASSERT_EQ(r.verdict, FuzzVerdict::failed);
  EXPECT_EQ(step_lines(*r.counterexample), (std::vector<std::string>{
                                               "set accepted_api_agreement=true, end_user_password_access=on by OAuth token admin-oauth",
                                               "request tickets as eve (password \u2026)",
                                           }));
  EXPECT_EQ(r.counterexample->rules, (std::vector<model::RuleId>{model::RuleId::PWD_4, model::RuleId::PRB_2}));
  EXPECT_EQ(r.mismatch->expected, Outcome::forbidden(model::Reason::not_agent));
}

TEST(FuzzEngine, Counterexample_IsWrittenAndReplaysWithRun) {
  MutatedTarget buggy({}, tokens_work_when_off);
  FuzzOptions o = testing::fuzz_options(1, 500);
  o.out_dir = testing::make_temp_dir("fuzz-out");
  const FuzzResult r = run_fuzz(buggy, o);
  ASSERT_EQ(r.verdict, FuzzVerdict::failed);
  EXPECT_EQ(r.counterexample_path, o.out_dir + "/fuzz-counterexample-1.yaml");
  const std::string text = testing::read_file(r.counterexample_path);
  EXPECT_NE(text.find("# Counterexample found by authconform fuzz, seed 1, batch "), std::string::npos) << text;
  EXPECT_NE(text.find("# Replay the fuzzing: authconform fuzz --target model --seed 1 --runs "), std::string::npos);
  EXPECT_NE(text.find("# Replay this file:   authconform run " + r.counterexample_path + " --target model"),
            std::string::npos);
  const ScenarioLoad load = load_scenario_file(r.counterexample_path);
  ASSERT_TRUE(load.scenario) << (load.errors.empty() ? "" : load.errors.front().format());
  EXPECT_EQ(load.scenario->steps.size(), r.counterexample->steps.size());
  EXPECT_TRUE(load.scenario->policy_given);
  // `run` fails on the buggy target (three times: not flaky) and passes on a correct one.
  EXPECT_EQ(ScenarioRunner(buggy, {}).run_scenario(*load.scenario).status, reports::ScenarioStatus::failed);
  ModelTarget correct({});
  EXPECT_EQ(ScenarioRunner(correct, {}).run_scenario(*load.scenario).status, reports::ScenarioStatus::passed);
  std::filesystem::remove_all(o.out_dir);
}

TEST(FuzzEngine, CounterexampleThatCannotBeWritten_KeepsTheVerdictAndSaysWhy) {
  MutatedTarget buggy({}, end_user_sees_tickets);
  FuzzOptions o = testing::fuzz_options(3, 500);
  o.out_dir = "/dev/null/cannot-be-a-folder";
  const FuzzResult r = run_fuzz(buggy, o);
  EXPECT_EQ(r.verdict, FuzzVerdict::failed);
  EXPECT_FALSE(r.write_error.empty());
  EXPECT_TRUE(r.counterexample_path.empty());
  const std::vector<std::string> lines = fuzz_summary_lines(r);
  EXPECT_TRUE(std::any_of(lines.begin(), lines.end(), [](const std::string& l) {
    return l.rfind("  the counterexample could not be written: ", 0) == 0;
  }));
}

TEST(FuzzEngine, ReplayCommand_NamesTheRunsUpToTheFailingBatch) {
  MutatedTarget target({}, end_user_sees_tickets);
  const FuzzResult r = run_fuzz(target, testing::fuzz_options(3, 500));
  ASSERT_GE(r.failing_batch, 0);
  const long runs = (r.failing_batch + 1) * k_fuzz_batch_size;
  EXPECT_EQ(r.replay_command, "authconform fuzz --target model --seed 3 --runs " + std::to_string(runs));
  // Replaying exactly those runs finds the same failure and the same counterexample.
  const FuzzResult again = run_fuzz(target, testing::fuzz_options(3, runs));
  EXPECT_EQ(again.failing_batch, r.failing_batch);
  EXPECT_EQ(step_lines(*again.counterexample), step_lines(*r.counterexample));
}

TEST(FuzzEngine, ShrinkTimeBoxOfZero_KeepsTheOriginalFailure) {
  MutatedTarget target({}, end_user_sees_tickets);
  FuzzOptions o = testing::fuzz_options(3, 500);
  o.shrink_time_s = 0;
  const FuzzResult r = run_fuzz(target, o);
  ASSERT_EQ(r.verdict, FuzzVerdict::failed);
  EXPECT_TRUE(r.shrink_timed_out);
  EXPECT_EQ(r.shrink_attempts, 0);
  EXPECT_EQ(r.counterexample->steps.size(), r.original_steps);
}

TEST(FuzzEngine, FailureThatDoesNotRepeat_IsFlakyNotFailed) {
  // Only the accounts the search opens are buggy: every later replay passes.
  std::atomic<bool> searching{true};
  MutatedTarget target({}, end_user_sees_tickets, [&](int) { return searching.load(); });
  struct StopBug final : FuzzProgress {
    std::atomic<bool>& flag;
    explicit StopBug(std::atomic<bool>& f) : flag(f) {}
    void on_status(const FuzzStatus& s) override {
      if (s.phase == FuzzPhase::confirming) flag.store(false);
    }
    void on_event(const std::string&) override {}
  } progress(searching);
  const FuzzResult r = run_fuzz(target, testing::fuzz_options(3, 500), &progress);
  EXPECT_EQ(r.verdict, FuzzVerdict::flaky);
  EXPECT_EQ(r.confirmations_failed, 0);
  EXPECT_EQ(fuzz_exit_code(r.verdict), 1);
  ASSERT_TRUE(r.counterexample);
  EXPECT_EQ(r.counterexample->tags, (std::vector<std::string>{"fuzz", "flaky"}));
  EXPECT_EQ(fuzz_summary_lines(r).front().rfind("FLAKY: the target differs from the model at step ", 0), 0u);
}

TEST(FuzzEngine, TargetErrorWhileSearching_IsInconclusiveWithoutCounterexample) {
  BreakingTarget target({}, 40);
  const FuzzResult r = run_fuzz(target, testing::fuzz_options(1, 500));
  EXPECT_EQ(r.verdict, FuzzVerdict::inconclusive);
  EXPECT_EQ(fuzz_exit_code(r.verdict), 3);
  EXPECT_EQ(r.target_error, "connection reset by the target (while fuzzing)");
  EXPECT_FALSE(r.counterexample);
  EXPECT_TRUE(r.counterexample_path.empty());
}

TEST(FuzzEngine, TargetErrorWhileShrinking_IsInconclusiveWithoutCounterexample) {
  // The bug shows in the first account; every request after the search breaks.
  class Target2 final : public Target {
   public:
    std::unique_ptr<AccountSession> open_account(const std::vector<ScenarioUser>& users) override {
      if (m_opened++ == 0) return m_buggy.open_account(users);
      return m_breaking.open_account(users);
    }
    std::string describe() const override { return "t"; }

   private:
    int m_opened = 0;
    MutatedTarget m_buggy{{}, [](const model::PolicyModel&, const model::AccountState&, const Request&,
                                 const Outcome&) { return Outcome::not_found(); }};
    BreakingTarget m_breaking{{}, 0};
  } target;
  const FuzzResult r = run_fuzz(target, testing::fuzz_options(1, 10));
  EXPECT_EQ(r.verdict, FuzzVerdict::inconclusive);
  EXPECT_NE(r.target_error.find("while shrinking or confirming"), std::string::npos);
  EXPECT_FALSE(r.counterexample);
}

TEST(FuzzEngine, StopRequest_EndsTheSearchAsInterrupted) {
  ModelTarget target({});
  std::atomic<bool> stop{true};
  FuzzOptions o = testing::fuzz_options(1, 1000);
  o.stop = &stop;
  const FuzzResult r = run_fuzz(target, o);
  EXPECT_EQ(r.verdict, FuzzVerdict::passed);
  EXPECT_TRUE(r.interrupted);
  EXPECT_EQ(r.sequences, 0);
}

TEST(FuzzEngine, TimeBudget_StopsTheSearch) {
  ModelTarget target({});
  FuzzOptions o;
  o.seed = 1;
  o.time_s = 0.2;
  const FuzzResult r = run_fuzz(target, o);
  EXPECT_EQ(r.verdict, FuzzVerdict::passed);
  EXPECT_GT(r.sequences, 0);
  EXPECT_EQ(r.replay_command, "authconform fuzz --target model --seed 1 --time 0.2");
}

TEST(FuzzEngine, NeitherRunsNorTime_IsRefused) {
  ModelTarget target({});
  EXPECT_THROW(run_fuzz(target, testing::fuzz_options(1, 0)), std::invalid_argument);
}

TEST(FuzzEngine, Progress_ReportsEveryPhaseAndTheMismatch) {
  struct Recorder final : FuzzProgress {
    std::vector<FuzzPhase> phases;
    std::vector<std::string> events;
    void on_status(const FuzzStatus& s) override {
      if (phases.empty() || phases.back() != s.phase) phases.push_back(s.phase);
    }
    void on_event(const std::string& line) override { events.push_back(line); }
  } progress;
  MutatedTarget target({}, end_user_sees_tickets);
  run_fuzz(target, testing::fuzz_options(14, 500), &progress);
  EXPECT_EQ(progress.phases.back(), FuzzPhase::done);
  EXPECT_NE(std::find(progress.phases.begin(), progress.phases.end(), FuzzPhase::shrinking), progress.phases.end());
  ASSERT_EQ(progress.events.size(), 3u);
  EXPECT_EQ(progress.events[0].rfind("mismatch in batch ", 0), 0u) << progress.events[0];
  EXPECT_NE(progress.events[0].find("expected forbidden:not_agent, observed user:*"), std::string::npos)
      << progress.events[0];
  EXPECT_EQ(progress.events[1].rfind("shrunk to 2 steps in ", 0), 0u) << progress.events[1];
  EXPECT_EQ(progress.events[2], "replayed on fresh accounts: failed 3 of 3");
}

}  // namespace
}  // namespace authconform::runner
