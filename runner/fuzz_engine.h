// Stateful differential fuzzing: random sequences of scenario steps, each run
// on the model and on the target (each sequence in a sandbox account of its
// own), outcomes compared step by step. A mismatch is shrunk to a minimal
// sequence (every attempt in a fresh account, within a time box), confirmed by
// replays, and written as a scenario file that `authconform run` replays.
//
// Determinism: sequences come in batches of k_fuzz_batch_size. Batch g (0, 1,
// 2, ...) belongs to job g % jobs, draws its sequences from a seed derived
// from (seed, g), and leans toward the coverage cells its job had not visited
// before it. So `--seed S --runs N --jobs J` generates the same sequences
// every time, and the failure reported is the one of the lowest batch.
//
// The search runs each sequence while it generates it (SequenceDraws in
// fuzz_generator.h: the same commands as RapidCheck's generator, without its
// Shrinkable machinery), so nothing past a mismatch is generated; a failing
// sequence is then generated again by RapidCheck, from the same Random, to be
// shrunk.
#pragma once

#include "model/policy_model.h"
#include "runner/fuzz_coverage.h"
#include "runner/fuzz_steps.h"
#include "runner/scenario.h"
#include "runner/target.h"

#include <atomic>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace authconform::runner {

inline constexpr int k_fuzz_batch_size = 10;

struct FuzzOptions {
  std::uint64_t seed = 1;
  double time_s = 10;         // search budget in seconds; 0: no limit (runs must be > 0)
  long runs = 0;              // sequences to run; 0: until the time is up
  int max_steps = 30;         // commands per sequence (1..max_steps)
  int jobs = 1;               // sequences run in parallel, each in its own account
  // Whether each job overlaps its requests with its own work (docs/fuzzing.md,
  // "Spare cores"); unset: when there are two cores per job. For tests and benchmarks.
  std::optional<bool> overlap;
  double shrink_time_s = 60;  // shrinking stops then, keeping the smallest failure so far
  int confirmations = 3;      // replays of the shrunk sequence on fresh accounts
  model::PolicyConfig policy;
  std::string out_dir;        // where the counterexample goes; "" writes nothing
  // For replay lines: the program, and the target and policy options as typed
  // (" --target http://x --policy zendesk-2026"); fuzz adds seed, runs, jobs and max-steps.
  std::string program = "authconform";
  std::string target_args = " --target model";
  const std::atomic<bool>* stop = nullptr;  // Ctrl-C: stop searching (and shrinking)
};

enum class FuzzVerdict {
  passed,        // no mismatch within the budget
  failed,        // a mismatch that repeated on every confirmation replay
  flaky,         // a mismatch that did not repeat every time
  inconclusive,  // the target broke (TargetError): no verdict on conformance
};
std::string_view fuzz_verdict_name(FuzzVerdict verdict);  // "passed", "failed", "FLAKY", ...
int fuzz_exit_code(FuzzVerdict verdict);                  // 0, 1, 1, 3

// A step whose target outcome the model does not accept.
struct FuzzMismatch {
  int step = 0;  // 1-based, in the sequence's steps
  std::string description;  // describe_step: no secrets
  model::Outcome expected;
  model::Outcome observed;
  std::vector<model::RuleId> rules;  // the model's decision of that step
};

enum class FuzzPhase { searching, shrinking, confirming, done };

// A snapshot for progress lines.
struct FuzzStatus {
  FuzzPhase phase = FuzzPhase::searching;
  double seconds = 0;
  long sequences = 0;
  long steps = 0;
  long requests = 0;
  int rules_fired = 0;  // distinct rules of the policy fired so far
  int rules_total = 0;  // rules of the policy
  std::size_t shrink_best = 0;  // steps of the smallest failing sequence so far
  long shrink_attempts = 0;
};

// Receives progress from run_fuzz. Calls never overlap; they come from the
// fuzzing threads, about five times a second and at every phase change.
class FuzzProgress {
 public:
  virtual ~FuzzProgress() = default;
  virtual void on_status(const FuzzStatus& status) = 0;
  // A line worth keeping (a mismatch found, shrinking done, ...): no secrets.
  virtual void on_event(const std::string& line) = 0;
};

struct FuzzResult {
  FuzzVerdict verdict = FuzzVerdict::passed;
  std::uint64_t seed = 0;
  int jobs = 1;
  long sequences = 0;  // run in the search
  long steps = 0;      // run in the search
  long requests = 0;   // every step sent to the target, shrinking and confirmation included
  double seconds = 0;
  bool interrupted = false;
  std::map<model::RuleId, long> rules_fired;  // every rule of the policy, with the steps it decided
  CoverageMap coverage;
  // Replays the run: the same seed and runs (or, after a failure, the runs up
  // to and including the failing batch).
  std::string replay_command;
  std::string target_error;  // inconclusive: what broke
  // After a mismatch:
  std::optional<FuzzMismatch> mismatch;  // in the shrunk sequence
  std::optional<Scenario> counterexample;
  std::string counterexample_path;
  std::string run_command;  // `authconform run PATH` with the run's target options
  std::string write_error;  // the counterexample could not be written (the verdict stands)
  long failing_batch = -1;
  std::size_t original_steps = 0;
  long shrink_attempts = 0;
  bool shrink_timed_out = false;
  int confirmations_run = 0;
  int confirmations_failed = 0;
};

// Fuzzes `target`. Never throws for a target error (the verdict is then
// inconclusive) nor when the counterexample cannot be written (write_error);
// throws std::invalid_argument for options that allow no search.
FuzzResult run_fuzz(Target& target, const FuzzOptions& options, FuzzProgress* progress = nullptr);

// --- the parts, for certification and tests -----------------------------------

// Runs `sequence` from a new account on `target` beside the model, stopping at
// the first mismatch. Throws TargetError. `coverage` and `rules` (indexed by
// RuleId, k_rule_count long) are updated when not null.
struct SequenceRun {
  std::optional<FuzzMismatch> mismatch;
  long steps = 0;  // compared with the model (overlapped, one more may have been sent)
};
SequenceRun run_sequence(Target& target, const model::PolicyConfig& policy, const FuzzSequence& sequence,
                         CoverageMap* coverage = nullptr, std::vector<long>* rules = nullptr);

// The command that replays a run of `options` with `runs` sequences (and,
// when `with_time`, its time budget): program, target options, seed, runs, jobs, max-steps.
std::string fuzz_replay_command(const FuzzOptions& options, long runs, bool with_time);

// The seed of batch `batch` of a run with `seed`.
std::uint64_t fuzz_batch_seed(std::uint64_t seed, long batch);

}  // namespace authconform::runner
