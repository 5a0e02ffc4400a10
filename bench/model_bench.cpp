// Micro-benchmarks of the hot paths: a model decision (and how it grows with
// the account's tokens), copying and hashing a state, loading a scenario,
// classifying an answer, and the fuzzing search against the model. Numbers go
// to docs/performance.md.
#include "model/policy_model.h"
#include "runner/fuzz_engine.h"
#include "runner/model_target.h"
#include "runner/profile.h"
#include "runner/response_classifier.h"
#include "runner/scenario_loader.h"

#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

namespace {

using namespace authconform;

model::AccountState busy_account(const model::PolicyModel& m, int tokens = 8) {
  model::AccountState s = m.initial_state();
  m.apply(s, {model::AddUserOp{"eve", "eve@example.test", model::Role::end_user, "pw-eve-1", false}, {}});
  m.apply(s, {model::AddUserOp{"al", "al@example.test", model::Role::agent, "pw-al-1", true}, {}});
  const model::Credential admin = model::OAuthCredential{"admin-oauth"};
  m.apply(s, {model::UpdateSettingsOp{true, true, true, false}, admin});
  for (int i = 0; i < tokens; ++i) m.apply(s, {model::GenerateTokenOp{"t" + std::to_string(i)}, admin});
  return s;
}

void BM_DecideTokenRequest(benchmark::State& state) {
  const model::PolicyModel m;
  model::AccountState s = busy_account(m);
  const model::Request r{model::ProbeOp{model::Probe::tickets}, model::TokenCredential{"al@example.test", "t5"}};
  for (auto _ : state) benchmark::DoNotOptimize(m.apply(s, r));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecideTokenRequest);

// The token lookup is linear: the last of N tokens, N up to the limit (TOK-8).
void BM_DecideTokenRequestWithTokens(benchmark::State& state) {
  const model::PolicyModel m;
  const int tokens = static_cast<int>(state.range(0));
  model::AccountState s = busy_account(m, tokens);
  const model::Request r{model::ProbeOp{model::Probe::tickets},
                         model::TokenCredential{"al@example.test", "t" + std::to_string(tokens - 1)}};
  for (auto _ : state) benchmark::DoNotOptimize(m.apply(s, r));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecideTokenRequestWithTokens)->Arg(1)->Arg(8)->Arg(64)->Arg(256);

void BM_DecidePasswordRequest(benchmark::State& state) {
  const model::PolicyModel m;
  model::AccountState s = busy_account(m);
  const model::Request r{model::ProbeOp{model::Probe::me}, model::PasswordCredential{"EVE@example.test", "pw-eve-1"}};
  for (auto _ : state) benchmark::DoNotOptimize(m.apply(s, r));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecidePasswordRequest);

void BM_DecideSettingsToggle(benchmark::State& state) {
  const model::PolicyModel m;
  model::AccountState s = busy_account(m);
  bool on = false;
  for (auto _ : state) {
    benchmark::DoNotOptimize(m.apply(s, {model::UpdateSettingsOp{{}, on, {}, false}, model::OAuthCredential{"admin-oauth"}}));
    on = !on;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecideSettingsToggle);

void BM_StateCopy(benchmark::State& state) {
  const model::PolicyModel m;
  const model::AccountState s = busy_account(m);
  for (auto _ : state) {
    model::AccountState copy = s;
    benchmark::DoNotOptimize(copy);
  }
}
BENCHMARK(BM_StateCopy);

void BM_StateHash(benchmark::State& state) {
  const model::PolicyModel m;
  const model::AccountState s = busy_account(m);
  for (auto _ : state) benchmark::DoNotOptimize(model::hash_value(s));
}
BENCHMARK(BM_StateHash);

void BM_LoadScenario(benchmark::State& state) {
  std::ifstream in(AUTHCONFORM_SOURCE_DIR "/scenarios/examples/end-user-password.yaml");
  std::stringstream text;
  text << in.rdbuf();
  const std::string yaml = text.str();
  for (auto _ : state) benchmark::DoNotOptimize(runner::load_scenario_text(yaml, "bench.yaml"));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LoadScenario);

// What the HTTP target does with every answer: the status through the
// profile's rules, the JSON body parsed, a field read at its pointer.
void BM_ClassifyAnswer(benchmark::State& state) {
  const runner::ProfileLoad load = runner::load_profile_file(runner::default_profile_path());
  if (!load.profile) {
    state.SkipWithError("profiles/zendesk.yaml did not load");
    return;
  }
  const runner::ProfileOperation& op = load.profile->operation("me");
  const std::string body = R"({"user":{"id":1002,"email":"al@example.test","role":"agent"}})";
  for (auto _ : state) {
    benchmark::DoNotOptimize(runner::classify_status(op.responses, 200));
    const auto json = nlohmann::ordered_json::parse(body);
    benchmark::DoNotOptimize(runner::find_at(json, "/user/email"));
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ClassifyAnswer);

// The fuzzing search against the model (issue 7): generating each step,
// deciding it and comparing it. Items are fuzzed steps; a new seed each time.
void BM_FuzzSearchModel(benchmark::State& state) {
  runner::ModelTarget target({});
  runner::FuzzOptions options;
  options.runs = 100;
  options.time_s = 0;
  long steps = 0;
  for (auto _ : state) {
    ++options.seed;
    steps += runner::run_fuzz(target, options).steps;
  }
  state.SetItemsProcessed(steps);
}
BENCHMARK(BM_FuzzSearchModel);

}  // namespace

BENCHMARK_MAIN();
