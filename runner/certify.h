// Certification: the whole suite, then fuzzing, against one target; a verdict
// per rule; reports written into one folder even when the run is cut short.
#pragma once

#include "reports/certification.h"
#include "model/policy_model.h"
#include "runner/load_error.h"
#include "runner/scenario.h"
#include "runner/target.h"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace authconform::runner {

struct Shard {
  int index = 1;  // K, 1-based
  int count = 1;  // N
  std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
};
// "K/N" with 1 <= K <= N; nullopt otherwise.
std::optional<Shard> parse_shard(std::string_view text);
// Scenario i (in path order) belongs to shard (i mod N) + 1.
std::vector<Scenario> shard_scenarios(std::vector<Scenario> scenarios, Shard shard);

struct WaiversLoad {
  std::vector<reports::Waiver> waivers;
  std::vector<LoadError> errors;
};
// waivers: [{rule: TOK-5, reason: "...", expires: 2027-01-31}]
WaiversLoad load_waivers_file(const std::string& path);

struct FuzzPhaseOptions {
  double seconds = 30;
  std::uint64_t seed = 0;
  Shard shard;
  int jobs = 1;
  std::string out_dir;  // counterexamples
  model::PolicyConfig policy;
  std::string target_option;   // for the replay command
  std::string profile_option;
  std::string mutant_option;
  const std::atomic<bool>* stop = nullptr;
  std::ostream* progress = nullptr;  // a terminal, for a progress line; null: none
};
// The options that point a replay at the same target: " --target URL
// --profile F --mutant M --policy P" (those given).
std::string target_replay_args(const std::string& target, const std::string& profile,
                               const std::string& mutant, model::PolicyConfig policy);

// The fuzzing phase (runner/certify_fuzz.cpp, over the fuzzer's library API).
reports::FuzzSummary run_fuzz_phase(Target& target, const FuzzPhaseOptions& options);

// The manifest entries of the inputs: the policy's catalogue, the profile,
// every scenario file, the waivers.
std::vector<reports::ManifestEntry> input_manifest(model::PolicyId policy, const std::string& profile,
                                                   const std::vector<Scenario>& scenarios,
                                                   const std::string& waivers);
// The canonical text of a policy's catalogue, whose hash the manifest holds.
std::string policy_catalogue_text(model::PolicyId policy);

// The gaps every certification report lists: spec §5, then docs/spec-choices.md.
std::vector<std::string> spec_gaps();

std::string today_utc();  // YYYY-MM-DD

}  // namespace authconform::runner
