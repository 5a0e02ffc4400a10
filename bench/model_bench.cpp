// Micro-benchmarks of the hot paths: a model decision, copying and hashing a
// state, and loading a scenario. Numbers go to docs/performance.md.
#include "model/policy_model.h"
#include "runner/scenario_loader.h"

#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>

namespace {

using namespace authconform;

model::AccountState busy_account(const model::PolicyModel& m) {
  model::AccountState s = m.initial_state();
  m.apply(s, {model::AddUserOp{"eve", "eve@example.test", model::Role::end_user, "pw-eve-1", false}, {}});
  m.apply(s, {model::AddUserOp{"al", "al@example.test", model::Role::agent, "pw-al-1", true}, {}});
  const model::Credential admin = model::OAuthCredential{"admin-oauth"};
  m.apply(s, {model::UpdateSettingsOp{true, true, true, false}, admin});
  for (int i = 0; i < 8; ++i) m.apply(s, {model::GenerateTokenOp{"t" + std::to_string(i)}, admin});
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

}  // namespace

BENCHMARK_MAIN();
