// The fuzzing phase of certification, over the fuzzer's library API.
#include "runner/certify.h"
#include "runner/fuzz_engine.h"
#include "runner/fuzz_report.h"

#include <optional>

namespace authconform::runner {
namespace {

// Shard K of N fuzzes from a seed of its own, derived from the campaign's:
// the shards' seeds together are the campaign's fuzzing seeds.
std::uint64_t shard_seed(std::uint64_t seed, Shard shard) {
  if (shard.count == 1) return seed;
  return fuzz_batch_seed(seed, 1'000'000L + shard.index);
}



}  // namespace

std::string target_replay_args(const std::string& target, const std::string& profile,
                               const std::string& mutant, model::PolicyConfig policy) {
  std::string args;
  if (!target.empty()) args += " --target " + target;
  if (!profile.empty()) args += " --profile " + profile;
  if (!mutant.empty()) args += " --mutant " + mutant;
  if (policy.policy != model::PolicyId::article)
    args += " --policy " + std::string(model::policy_name(policy.policy));
  if (policy.tokens_retired) args += " --tokens-retired";
  return args;
}

reports::FuzzSummary run_fuzz_phase(Target& target, const FuzzPhaseOptions& o) {
  FuzzOptions options;
  options.seed = shard_seed(o.seed, o.shard);
  options.time_s = o.seconds;
  options.jobs = o.jobs;
  options.policy = o.policy;
  options.out_dir = o.out_dir;
  options.target_args = target_replay_args(o.target_option, o.profile_option, o.mutant_option, o.policy);
  options.stop = o.stop;
  options.shrink_time_s = std::min(60.0, std::max(10.0, o.seconds));
  std::optional<ConsoleFuzzProgress> progress;
  if (o.progress) progress.emplace(*o.progress, true);
  const FuzzResult r = run_fuzz(target, options, progress ? &*progress : nullptr);
  if (progress) progress->clear();
  reports::FuzzSummary s;
  s.ran = true;
  s.seeds = {options.seed};
  s.sequences = r.sequences;
  s.steps = r.steps;
  s.requests = r.requests;
  s.seconds = r.seconds;
  s.rules_fired = r.rules_fired;
  s.result = std::string(fuzz_verdict_name(r.verdict));
  s.counterexample_path = r.counterexample_path;
  s.replay_command = r.counterexample_path.empty() ? r.replay_command : r.run_command;
  if (r.mismatch) {
    reports::StepResult step;
    step.model_outcome = r.mismatch->expected;
    step.observed = r.mismatch->observed;
    step.rules = r.mismatch->rules;
    s.counterexample_rules = reports::blamed_rules(step);
    s.message = "step " + std::to_string(r.mismatch->step) + " (" + r.mismatch->description + "): expected " +
                model::to_string(r.mismatch->expected) + ", observed " + model::to_string(r.mismatch->observed);
  }
  if (r.verdict == FuzzVerdict::inconclusive) s.message = r.target_error;
  s.details = fuzz_result_to_json(r, o.policy.policy);
  return s;
}

}  // namespace authconform::runner
