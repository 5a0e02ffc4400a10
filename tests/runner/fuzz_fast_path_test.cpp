// The search's fast path (SequenceDraws, make_fuzz_command, the engine's
// interleaved generate-and-run) against what it replaces: RapidCheck's
// generator building whole sequences, then run_sequence running them. Same
// commands from the same Random, same counts and coverage, same failure.
#include "model/policy_model.h"
#include "runner/fuzz_engine.h"
#include "runner/fuzz_generator.h"
#include "runner/fuzz_report.h"
#include "runner/model_target.h"
#include "runner/scenario_loader.h"
#include "tests/utils/test_utils.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <filesystem>

namespace authconform::runner {
namespace {

using model::Outcome;
using model::Request;

model::PolicyConfig any_policy() {
  return *rc::gen::element(model::PolicyConfig{model::PolicyId::article, false},
                           model::PolicyConfig{model::PolicyId::zendesk_2026, false},
                           model::PolicyConfig{model::PolicyId::zendesk_2026, true});
}

// None, or a coverage map with some cells visited (reachable or not).
GenerationBias any_bias() {
  if (*rc::gen::element(false, true)) return nullptr;
  CoverageMap coverage;
  const auto cells = *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, static_cast<int>(k_cell_count)));
  for (int i : cells) {
    const auto n = static_cast<std::size_t>(i);
    const std::size_t role = n % k_cell_role_count, kind = n / k_cell_role_count % k_credential_kind_count;
    coverage.record(policy_cell_at(n / (k_cell_role_count * k_credential_kind_count)),
                    {static_cast<CredentialKind>(kind), static_cast<CellRole>(role)});
  }
  return std::make_shared<const CoverageBias>(coverage);
}

std::vector<std::vector<Request>> requests_of(const FuzzSequence& sequence) {
  std::vector<std::vector<Request>> out;
  for (const auto& command : sequence) out.push_back(as_fuzz_command(*command).requests());
  return out;
}

// The fast path's commands, each applied before the next is drawn.
std::vector<std::vector<Request>> drawn_requests(const model::PolicyConfig& policy, const rc::Random& random,
                                                 int size, const CoverageBias* bias) {
  std::vector<std::vector<Request>> out;
  FuzzState state = initial_fuzz_state(policy);
  SequenceDraws draws(random, size);
  for (std::size_t i = 0; i < draws.count(); ++i) {
    const FuzzCommandPtr command = draws.next(state, bias);
    RC_ASSERT(command != nullptr);
    command->apply(state);
    out.push_back(as_fuzz_command(*command).requests());
  }
  return out;
}

RC_GTEST_PROP(FuzzFastPath, SequenceDraws_GiveTheCommandsOfTheRapidCheckGenerator, (std::uint64_t seed)) {
  const model::PolicyConfig policy = any_policy();
  const int max_steps = *rc::gen::inRange(1, 61).as("max_steps");
  const GenerationBias bias = any_bias();
  const rc::Random random(seed);
  const int size = fuzz_sequence_size(max_steps);
  const FuzzSequence expected = fuzz_sequence_gen(policy, bias)(random, size).value();
  RC_ASSERT(drawn_requests(policy, random, size, bias.get()) == requests_of(expected));
}

RC_GTEST_PROP(FuzzFastPath, MakeFuzzCommand_IsTheValueOfTheCommandGenerator, (std::uint64_t seed)) {
  // A state some way into a sequence, so that the command meets tokens and users.
  const model::PolicyConfig policy = any_policy();
  const GenerationBias bias = any_bias();
  FuzzState state = initial_fuzz_state(policy);
  for (const auto& command : *fuzz_sequence_gen(policy, bias)) command->apply(state);
  const rc::Random random(seed);
  const FuzzCommandPtr fast = make_fuzz_command(random, state, bias.get());
  const FuzzCommandPtr slow = fuzz_command_gen(state, bias)(random, 0).value();
  RC_ASSERT(as_fuzz_command(*fast).requests() == as_fuzz_command(*slow).requests());
}

// --- the engine against the search it replaces ---------------------------------

// PRB-2 broken: end users may read the tickets.
class TicketsLeakTarget final : public Target {
 public:
  explicit TicketsLeakTarget(model::PolicyConfig policy) : m_model(policy) {}
  std::unique_ptr<AccountSession> open_account(const std::vector<ScenarioUser>& users) override {
    return std::make_unique<Session>(m_model, users);
  }
  std::string describe() const override { return "tickets leak"; }

 private:
  class Session final : public AccountSession {
   public:
    Session(const model::PolicyModel& model, const std::vector<ScenarioUser>& users)
        : m_model(model), m_state(model.initial_state()) {
      for (const ScenarioUser& u : users)
        m_model.apply(m_state, {model::AddUserOp{u.name, u.email, u.role, u.password, u.two_factor}, {}});
    }
    Observation execute(const Request& r) override {
      const Outcome correct = m_model.apply(m_state, r).outcome;
      const auto* probe = std::get_if<model::ProbeOp>(&r.op);
      if (probe && probe->probe == model::Probe::tickets && correct == Outcome::forbidden(model::Reason::not_agent))
        return {Outcome::as_user(std::string(model::k_any_user)), {}};
      return {correct, {}};
    }

   private:
    const model::PolicyModel& m_model;
    model::AccountState m_state;
  };
  model::PolicyModel m_model;
};

// The search as it was: whole sequences from RapidCheck's generator, then run.
struct ReferenceSearch {
  long sequences = 0;
  long steps = 0;
  CoverageMap coverage;
  std::vector<long> rules = std::vector<long>(model::k_rule_count, 0);
  long failing_batch = -1;
  std::optional<rc::Shrinkable<FuzzSequence>> failing;
};

ReferenceSearch reference_search(Target& target, const FuzzOptions& o) {
  ReferenceSearch ref;
  const int size = fuzz_sequence_size(o.max_steps);
  for (long batch = 0; batch * k_fuzz_batch_size < o.runs; ++batch) {
    const auto gen = fuzz_sequence_gen(o.policy, std::make_shared<const CoverageBias>(ref.coverage));
    rc::Random random(fuzz_batch_seed(o.seed, batch));
    for (long i = 0; i < std::min<long>(k_fuzz_batch_size, o.runs - batch * k_fuzz_batch_size); ++i) {
      rc::Shrinkable<FuzzSequence> shrinkable = gen(random.split(), size);
      const SequenceRun run = run_sequence(target, o.policy, shrinkable.value(), &ref.coverage, &ref.rules);
      ++ref.sequences;
      ref.steps += run.steps;
      if (run.mismatch) {
        ref.failing_batch = batch;
        ref.failing = std::move(shrinkable);
        return ref;
      }
    }
  }
  return ref;
}

// RapidCheck's walk: the first shrink that still fails, again and again.
FuzzSequence reference_shrink(Target& target, const model::PolicyConfig& policy, rc::Shrinkable<FuzzSequence> best) {
  auto shrinks = best.shrinks();
  while (auto next = shrinks.next()) {
    if (!run_sequence(target, policy, next->value()).mismatch) continue;
    best = *next;
    shrinks = best.shrinks();
  }
  return best.value();
}

std::vector<Request> requests_of(const std::vector<Step>& steps) {
  std::vector<Request> out;
  for (const Step& s : steps) out.push_back(s.request);
  return out;
}

std::vector<std::string> step_descriptions(const FuzzSequence& sequence) {
  std::vector<std::string> out;
  for (const Step& s : sequence_steps(sequence)) out.push_back(describe_step(s));
  return out;
}

TEST(FuzzFastPath, PassingRun_CountsTheStepsCoverageAndRulesOfTheGeneratedSequences) {
  for (const model::PolicyConfig policy : {model::PolicyConfig{}, model::PolicyConfig{model::PolicyId::zendesk_2026, true}}) {
    FuzzOptions o = testing::fuzz_options(11, 250);
    o.policy = policy;
    o.max_steps = 40;
    ModelTarget target(policy);
    const FuzzResult r = run_fuzz(target, o);
    ModelTarget again(policy);
    const ReferenceSearch ref = reference_search(again, o);
    ASSERT_EQ(r.verdict, FuzzVerdict::passed);
    EXPECT_EQ(ref.failing_batch, -1);
    EXPECT_EQ(r.sequences, ref.sequences);
    EXPECT_EQ(r.steps, ref.steps);
    EXPECT_EQ(r.coverage, ref.coverage);
    for (const auto& [rule, count] : r.rules_fired) EXPECT_EQ(count, ref.rules[static_cast<std::size_t>(rule)]);
  }
}

TEST(FuzzFastPath, PlantedMismatch_GivesTheFailingBatchAndCounterexampleOfTheGeneratedSequence) {
  for (std::uint64_t seed : {3u, 5u, 8u}) {
    TicketsLeakTarget target({});
    FuzzOptions o = testing::fuzz_options(seed, 500);
    o.out_dir = testing::make_temp_dir("fuzz-fast-path");
    const FuzzResult r = run_fuzz(target, o);
    const ReferenceSearch ref = reference_search(target, o);
    ASSERT_TRUE(ref.failing) << "seed " << seed;
    ASSERT_EQ(r.verdict, FuzzVerdict::failed) << "seed " << seed;
    EXPECT_EQ(r.failing_batch, ref.failing_batch);
    EXPECT_EQ(r.sequences, ref.sequences);
    EXPECT_EQ(r.steps, ref.steps);
    EXPECT_EQ(r.original_steps, sequence_request_count(ref.failing->value()));
    // The same shrinking from the same Shrinkable: the same counterexample, written.
    const std::vector<std::string> shrunk = step_descriptions(reference_shrink(target, o.policy, *ref.failing));
    ASSERT_TRUE(r.counterexample);
    EXPECT_EQ(testing::step_lines(*r.counterexample), shrunk);
    const ScenarioLoad load = load_scenario_file(r.counterexample_path);
    ASSERT_TRUE(load.scenario) << r.counterexample_path;
    EXPECT_EQ(requests_of(load.scenario->steps), requests_of(r.counterexample->steps));
    std::filesystem::remove_all(o.out_dir);
  }
}

// --- the model target's opened-account cache --------------------------------------

TEST(FuzzFastPath, ModelTarget_OpensEveryAccountFreshWithItsOwnUsers) {
  ModelTarget target({});
  const Request accept{model::UpdateSettingsOp{true, {}, {}, false},
                       model::OAuthCredential{std::string(model::k_admin_oauth_name)}};
  const Request generate{model::GenerateTokenOp{"t1"}, accept.credential};
  const Request eve_me{model::ProbeOp{model::Probe::me}, model::PasswordCredential{"eve@example.test", "eve-pw-1"}};
  const Request passwords_on{model::UpdateSettingsOp{{}, {}, true, false}, accept.credential};
  const Request oauth_for_eve{model::IssueOAuthOp{"o1", "eve", true, true}, accept.credential};
  const auto first = target.open_account(fuzz_cast());
  EXPECT_EQ(first->execute(accept).outcome, Outcome::ok());
  EXPECT_EQ(first->execute({model::UpdateSettingsOp{{}, true, {}, false}, accept.credential}).outcome, Outcome::ok());
  EXPECT_EQ(first->execute(generate).outcome, Outcome::ok());
  // A second account does not see the first one's agreement.
  const auto second = target.open_account(fuzz_cast());
  EXPECT_EQ(second->execute(generate).outcome, Outcome::forbidden(model::Reason::agreement_not_accepted));
  // Other users, then the cast again: each account holds exactly its users.
  const auto without_eve = target.open_account({fuzz_cast()[1]});
  EXPECT_EQ(without_eve->execute(oauth_for_eve).outcome, Outcome::not_found());
  const auto with_eve = target.open_account(fuzz_cast());
  EXPECT_EQ(with_eve->execute(oauth_for_eve).outcome, Outcome::ok());
  EXPECT_EQ(with_eve->execute({model::SetPasswordOp{"eve", "other-pw"}, {}}).outcome, Outcome::ok());
  // A password changed in one account is the cast's own in the next.
  const auto fresh = target.open_account(fuzz_cast());
  fresh->execute(accept);
  fresh->execute(passwords_on);
  EXPECT_EQ(fresh->execute(eve_me).outcome, Outcome::as_user("eve"));
  ModelTarget zendesk({model::PolicyId::zendesk_2026, true});
  const auto retired = zendesk.open_account(fuzz_cast());
  retired->execute(accept);
  retired->execute({model::UpdateSettingsOp{{}, true, {}, false}, accept.credential});
  EXPECT_EQ(retired->execute(generate).outcome, Outcome::forbidden(model::Reason::token_access_disabled));
}

}  // namespace
}  // namespace authconform::runner
