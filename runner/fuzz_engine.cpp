#include "runner/fuzz_engine.h"

#include "runner/account_supply.h"
#include "runner/fuzz_generator.h"
#include "runner/fuzz_report.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <exception>
#include <iomanip>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace authconform::runner {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto k_report_interval = std::chrono::milliseconds(200);

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// "0.04", "12.50": for messages.
std::string format_seconds(double seconds) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(2) << seconds;
  return text.str();
}

// "10", "0.25", "2.5": a number as typed, for command lines.
std::string format_number(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

Clock::time_point after(Clock::time_point start, double seconds) {
  return start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

FuzzMismatch mismatch_of(int index, const model::Request& request, const model::Decision& d,
                         const model::Outcome& observed) {
  const Step step{{}, step_kind_of(request.op), request, std::nullopt};
  return {index, describe_step(step), d.outcome, observed, d.rules};
}

// Each rule once per step, however often the decision names it.
void count_rules(const model::Decision& d, std::vector<long>& rules) {
  std::uint64_t seen = 0;
  for (model::RuleId r : d.rules) {
    const auto bit = std::uint64_t{1} << static_cast<unsigned>(r);
    if (seen & bit) continue;
    seen |= bit;
    ++rules[static_cast<std::size_t>(r)];
  }
}

std::uint64_t rule_mask(const std::vector<long>& rules) {
  std::uint64_t mask = 0;
  for (std::size_t i = 0; i < rules.size(); ++i)
    if (rules[i] > 0) mask |= std::uint64_t{1} << i;
  return mask;
}

// One step of a sequence run: counted in `coverage` as the state was before
// it, decided by the model on `state`, sent to the target and compared.
std::optional<FuzzMismatch> run_step(AccountSession& session, FuzzState& state, const model::Request& request,
                                     int index, CoverageMap* coverage, std::vector<long>* rules) {
  if (coverage) coverage->record(state.account, request);
  const model::Decision d = apply_request(state, request);
  if (rules) count_rules(d, *rules);
  const Observation observed = session.execute(request);
  if (d.accepts(observed.outcome)) return std::nullopt;
  return mismatch_of(index, request, d, observed.outcome);
}

// A step sent (or queued) and not compared yet: what counts once its answer is.
struct StepInFlight {
  FuzzCommandPtr command;  // keeps `request` alive
  const model::Request* request;
  model::Decision decision;
  int index;
  std::optional<CoverageCell> cell;
};

// Reads the answer to `step`, counts the step and compares it.
std::optional<FuzzMismatch> settle(AccountSession& session, const StepInFlight& step, CoverageMap& coverage,
                                   std::vector<long>& rules) {
  const Observation observed = session.finish();
  coverage.record(step.cell);
  count_rules(step.decision, rules);
  if (step.decision.accepts(observed.outcome)) return std::nullopt;
  return mismatch_of(step.index, *step.request, step.decision, observed.outcome);
}

// The search's run of the sequence fuzz_sequence_gen(policy, bias)(random,
// size) generates, without building it: each command is generated in the
// state the commands before it left, and applying it there gives the model's
// decisions (the state a generated sequence is run against is that same
// state). So it runs the same steps as run_sequence on the sequence's value,
// with the same coverage and rules.
//
// `overlap` (the target overlaps requests, Target::overlap_requests): each
// step is generated, decided and started while the one before it is on the
// wire, and that one is compared after, so the target works while the fuzzer
// does. After a mismatch, the step already started is dropped unseen: it is
// neither counted nor compared. Without, each step is executed whole, which
// costs the model target nothing extra.
SequenceRun search_sequence(AccountSession& session, const FuzzState& initial, const rc::Random& random, int size,
                            const CoverageBias& bias, CoverageMap& coverage, std::vector<long>& rules, bool overlap) {
  SequenceRun run;
  FuzzState state = initial;
  SequenceDraws draws(random, size);
  std::optional<StepInFlight> ahead;
  const auto settle_ahead = [&] {
    ++run.steps;
    run.mismatch = settle(session, *ahead, coverage, rules);
    return run.mismatch.has_value();
  };
  int index = 0;
  for (std::size_t i = 0; i < draws.count(); ++i) {
    const FuzzCommandPtr command = draws.next(state, &bias);
    if (!command) {
      if (ahead && settle_ahead()) return run;  // a mismatch before it comes first
      // RapidCheck's generator fails there too (CommandSequence::nextEntry).
      throw rc::GenerationFailure("Failed to generate command after 100 tries.");
    }
    for (const model::Request& request : as_fuzz_command(*command).requests()) {
      if (!overlap) {
        ++run.steps;
        if ((run.mismatch = run_step(session, state, request, ++index, &coverage, &rules))) return run;
        continue;
      }
      std::optional<CoverageCell> cell = coverage_cell(state.account, request);
      StepInFlight step{command, &request, apply_request(state, request), ++index, std::move(cell)};
      session.start(request);
      if (ahead && settle_ahead()) return run;
      ahead = std::move(step);
    }
  }
  if (ahead) settle_ahead();
  return run;
}

struct Failure {
  long batch = 0;
  long index = 0;  // in the batch
  rc::Shrinkable<FuzzSequence> shrinkable;
  FuzzMismatch mismatch;
};

struct JobTally {
  CoverageMap coverage;
  std::vector<long> rules = std::vector<long>(model::k_rule_count, 0);
};

class Fuzzer {
 public:
  // `overlap`: the target overlaps requests (run_fuzz asked it to).
  Fuzzer(Target& target, const FuzzOptions& options, FuzzProgress* progress, bool overlap);
  FuzzResult run();

 private:
  void search(std::vector<JobTally>& tallies);
  void run_job(int job, JobTally& tally);
  bool run_batch(long batch, JobTally& tally, AccountSupply& accounts);
  bool must_stop(long batch) const;
  long batch_length(long batch) const;
  void record_failure(Failure failure);
  void record_target_error(const TargetError& e, const std::string& where);

  void shrink(Failure& failure, FuzzResult& result);
  void confirm(const FuzzSequence& sequence, FuzzResult& result);
  void write(const FuzzSequence& sequence, FuzzResult& result);
  void settle(Failure failure, FuzzResult& result);
  void finish_counts(const std::vector<JobTally>& tallies, FuzzResult& result) const;

  FuzzStatus status() const;
  void report(bool force = false);
  void event(const std::string& line);
  void set_phase(FuzzPhase phase);
  bool user_stopped() const { return m_options.stop && m_options.stop->load(); }

  Target& m_target;
  const FuzzOptions m_options;
  FuzzProgress* m_progress;
  const bool m_overlap;  // the target overlaps requests (run_fuzz turned it on)
  const Clock::time_point m_start = Clock::now();
  const long m_total_batches;
  const FuzzState m_initial_state;  // what every sequence starts from

  std::atomic<long> m_sequences{0}, m_steps{0}, m_requests{0};
  std::atomic<std::uint64_t> m_rule_bits{0};
  std::atomic<long> m_stop_at{LONG_MAX};  // the lowest batch with a failure
  std::atomic<bool> m_broken{false};      // a target error or an internal error
  std::atomic<FuzzPhase> m_phase{FuzzPhase::searching};
  std::atomic<std::size_t> m_shrink_best{0};
  std::atomic<long> m_shrink_attempts{0};
  std::atomic<Clock::rep> m_last_report{0};

  std::mutex m_mutex;  // guards what follows
  std::vector<Failure> m_failures;
  std::string m_target_error;
  std::exception_ptr m_internal_error;
  std::mutex m_progress_mutex;  // calls to m_progress never overlap
};

Fuzzer::Fuzzer(Target& target, const FuzzOptions& options, FuzzProgress* progress, bool overlap)
    : m_target(target),
      m_options(options),
      m_progress(progress),
      m_overlap(overlap),
      m_total_batches(options.runs > 0 ? (options.runs + k_fuzz_batch_size - 1) / k_fuzz_batch_size
                                       : LONG_MAX),
      m_initial_state(initial_fuzz_state(options.policy)) {
  if (options.runs <= 0 && options.time_s <= 0)
    throw std::invalid_argument("fuzzing needs a number of runs or a time budget");
  if (options.jobs < 1 || options.max_steps < 1)
    throw std::invalid_argument("jobs and max_steps must be at least 1");
}

// --- search ------------------------------------------------------------------------

bool Fuzzer::must_stop(long batch) const {
  if (m_broken.load() || user_stopped() || batch > m_stop_at.load()) return true;
  return m_options.time_s > 0 && seconds_since(m_start) >= m_options.time_s;
}

long Fuzzer::batch_length(long batch) const {
  if (m_options.runs <= 0) return k_fuzz_batch_size;
  return std::min<long>(k_fuzz_batch_size, m_options.runs - batch * k_fuzz_batch_size);
}

bool Fuzzer::run_batch(long batch, JobTally& tally, AccountSupply& accounts) {
  // The bias is the job's coverage before the batch: fixed while the batch
  // (and the shrinking of its failures) generates.
  const GenerationBias bias = std::make_shared<const CoverageBias>(tally.coverage);
  const int size = fuzz_sequence_size(m_options.max_steps);
  rc::Random random(fuzz_batch_seed(m_options.seed, batch));
  for (long i = 0; i < batch_length(batch); ++i) {
    if (must_stop(batch)) return false;
    const rc::Random sequence_random = random.split();
    std::unique_ptr<AccountSession> session = accounts.take();
    const SequenceRun run =
        search_sequence(*session, m_initial_state, sequence_random, size, *bias, tally.coverage, tally.rules,
                        m_overlap);
    accounts.retire(std::move(session));
    m_sequences.fetch_add(1);
    m_steps.fetch_add(run.steps);
    m_requests.fetch_add(run.steps);
    m_rule_bits.fetch_or(rule_mask(tally.rules));
    report();
    if (run.mismatch) {
      // Shrinking needs RapidCheck's Shrinkable of the same sequence: the
      // generator makes it from the same Random.
      rc::Shrinkable<FuzzSequence> shrinkable = fuzz_sequence_gen(m_options.policy, bias)(sequence_random, size);
      record_failure({batch, i, std::move(shrinkable), *run.mismatch});
      return false;
    }
  }
  return true;
}

void Fuzzer::run_job(int job, JobTally& tally) {
  try {
    AccountSupply accounts(m_target, fuzz_cast(), prepare_accounts_ahead(m_target, m_options.jobs, m_overlap));
    for (long batch = job; batch < m_total_batches; batch += m_options.jobs)
      if (!run_batch(batch, tally, accounts)) break;
  } catch (const TargetError& e) {
    record_target_error(e, "while fuzzing");
  } catch (...) {
    std::lock_guard lock(m_mutex);
    if (!m_internal_error) m_internal_error = std::current_exception();
    m_broken.store(true);
  }
}

void Fuzzer::search(std::vector<JobTally>& tallies) {
  if (m_options.jobs == 1) {
    run_job(0, tallies[0]);
  } else {
    std::vector<std::thread> threads;
    for (int job = 0; job < m_options.jobs; ++job)
      threads.emplace_back([this, job, &tallies] { run_job(job, tallies[static_cast<std::size_t>(job)]); });
    for (std::thread& t : threads) t.join();
  }
  if (m_internal_error) std::rethrow_exception(m_internal_error);
}

void Fuzzer::record_failure(Failure failure) {
  std::lock_guard lock(m_mutex);
  long current = m_stop_at.load();
  while (failure.batch < current && !m_stop_at.compare_exchange_weak(current, failure.batch)) {
  }
  m_failures.push_back(std::move(failure));
}

void Fuzzer::record_target_error(const TargetError& e, const std::string& where) {
  {
    std::lock_guard lock(m_mutex);
    if (m_target_error.empty()) m_target_error = std::string(e.what()) + " (" + where + ")";
  }
  m_broken.store(true);
}

// --- shrinking and confirmation --------------------------------------------------------

// RapidCheck's own shrinking walk (shrinkTestCase): take the first shrink that
// still fails and start again from it. Every attempt runs in a new account;
// at the deadline the smallest failure found so far is kept.
void Fuzzer::shrink(Failure& failure, FuzzResult& result) {
  const Clock::time_point start = Clock::now();
  const Clock::time_point deadline = after(start, m_options.shrink_time_s);
  rc::Shrinkable<FuzzSequence> best = failure.shrinkable;
  m_shrink_best.store(sequence_request_count(best.value()));
  auto shrinks = best.shrinks();
  while (true) {
    if (Clock::now() >= deadline || user_stopped()) {
      result.shrink_timed_out = true;
      break;
    }
    auto next = shrinks.next();
    if (!next) break;
    const FuzzSequence candidate = next->value();
    const SequenceRun run = run_sequence(m_target, m_options.policy, candidate);
    m_requests.fetch_add(run.steps);
    m_shrink_attempts.fetch_add(1);
    if (run.mismatch) {
      best = *next;
      failure.mismatch = *run.mismatch;
      m_shrink_best.store(sequence_request_count(candidate));
      shrinks = best.shrinks();
    }
    report();
  }
  failure.shrinkable = best;
  result.shrink_attempts = m_shrink_attempts.load();
  event("shrunk to " + std::to_string(m_shrink_best.load()) + " steps in " +
        std::to_string(result.shrink_attempts) + " attempts (" +
        format_seconds(seconds_since(start)) + " s" +
        (result.shrink_timed_out ? ", stopped by the time box: the smallest failure so far is kept)" : ")"));
}

void Fuzzer::confirm(const FuzzSequence& sequence, FuzzResult& result) {
  for (int i = 0; i < m_options.confirmations; ++i) {
    const SequenceRun run = run_sequence(m_target, m_options.policy, sequence);
    m_requests.fetch_add(run.steps);
    ++result.confirmations_run;
    if (run.mismatch) ++result.confirmations_failed;
    report();
  }
  const bool every_time = result.confirmations_failed == result.confirmations_run;
  result.verdict = every_time ? FuzzVerdict::failed : FuzzVerdict::flaky;
  event("replayed on fresh accounts: failed " + std::to_string(result.confirmations_failed) + " of " +
        std::to_string(result.confirmations_run) + (every_time ? "" : " (FLAKY)"));
}

void Fuzzer::write(const FuzzSequence& sequence, FuzzResult& result) {
  result.counterexample = counterexample_scenario(sequence, *result.mismatch, m_options.policy);
  if (result.verdict == FuzzVerdict::flaky) result.counterexample->tags.push_back("flaky");
  if (m_options.out_dir.empty()) return;
  const std::string path = counterexample_path(m_options.out_dir, m_options.seed);
  result.run_command = counterexample_run_command(m_options, path);
  try {
    write_counterexample(*result.counterexample,
                         counterexample_header(result, m_options, path, utc_now_iso8601()), path);
  } catch (const std::exception& e) {
    result.write_error = e.what();
    result.run_command.clear();
    return;
  }
  result.counterexample_path = path;
  result.counterexample->path = path;
}

// --- results ------------------------------------------------------------------------------

void Fuzzer::finish_counts(const std::vector<JobTally>& tallies, FuzzResult& result) const {
  result.seed = m_options.seed;
  result.jobs = m_options.jobs;
  result.sequences = m_sequences.load();
  result.steps = m_steps.load();
  result.requests = m_requests.load();
  result.interrupted = user_stopped();
  for (const model::RuleInfo& info : model::all_rules())
    if (model::rule_in_policy(info.id, m_options.policy.policy)) result.rules_fired[info.id] = 0;
  for (const JobTally& tally : tallies) {
    result.coverage.merge(tally.coverage);
    for (std::size_t i = 0; i < tally.rules.size(); ++i)
      if (tally.rules[i] > 0) result.rules_fired[static_cast<model::RuleId>(i)] += tally.rules[i];
  }
  result.seconds = seconds_since(m_start);
}

FuzzStatus Fuzzer::status() const {
  FuzzStatus s;
  s.phase = m_phase.load();
  s.seconds = seconds_since(m_start);
  s.sequences = m_sequences.load();
  s.steps = m_steps.load();
  s.requests = m_requests.load();
  const std::uint64_t bits = m_rule_bits.load();
  for (const model::RuleInfo& info : model::all_rules()) {
    if (!model::rule_in_policy(info.id, m_options.policy.policy)) continue;
    ++s.rules_total;
    if (bits & (std::uint64_t{1} << static_cast<unsigned>(info.id))) ++s.rules_fired;
  }
  s.shrink_best = m_shrink_best.load();
  s.shrink_attempts = m_shrink_attempts.load();
  return s;
}

void Fuzzer::report(bool force) {
  if (m_progress == nullptr) return;
  const Clock::rep now = Clock::now().time_since_epoch().count();
  Clock::rep last = m_last_report.load();
  const Clock::rep interval = std::chrono::duration_cast<Clock::duration>(k_report_interval).count();
  if (!force && (now - last < interval || !m_last_report.compare_exchange_strong(last, now))) return;
  std::lock_guard lock(m_progress_mutex);
  m_progress->on_status(status());
}

void Fuzzer::event(const std::string& line) {
  if (m_progress == nullptr) return;
  std::lock_guard lock(m_progress_mutex);
  m_progress->on_event(line);
}

void Fuzzer::set_phase(FuzzPhase phase) {
  m_phase.store(phase);
  report(true);
}

// Shrinks, confirms and writes the failure of the lowest batch.
void Fuzzer::settle(Failure failure, FuzzResult& result) {
  result.failing_batch = failure.batch;
  result.replay_command = fuzz_replay_command(m_options, (failure.batch + 1) * k_fuzz_batch_size, false);
  result.original_steps = sequence_request_count(failure.shrinkable.value());
  event("mismatch in batch " + std::to_string(failure.batch) + " at step " + std::to_string(failure.mismatch.step) +
        ": " + failure.mismatch.description + ": expected " + model::to_string(failure.mismatch.expected) +
        ", observed " + model::to_string(failure.mismatch.observed));
  try {
    set_phase(FuzzPhase::shrinking);
    shrink(failure, result);
    set_phase(FuzzPhase::confirming);
    const FuzzSequence sequence = failure.shrinkable.value();
    confirm(sequence, result);
    result.mismatch = failure.mismatch;
    write(sequence, result);
  } catch (const TargetError& e) {
    result.verdict = FuzzVerdict::inconclusive;
    result.target_error = std::string(e.what()) + " (while shrinking or confirming a mismatch)";
    result.mismatch.reset();
    result.counterexample.reset();
  }
}

FuzzResult Fuzzer::run() {
  FuzzResult result;
  std::vector<JobTally> tallies(static_cast<std::size_t>(m_options.jobs));
  search(tallies);
  finish_counts(tallies, result);
  result.replay_command = fuzz_replay_command(m_options, m_options.runs, true);
  if (m_broken.load()) {
    result.verdict = FuzzVerdict::inconclusive;
    result.target_error = m_target_error;
  } else if (!m_failures.empty()) {
    settle(*std::min_element(m_failures.begin(), m_failures.end(), [](const Failure& a, const Failure& b) {
      return std::pair(a.batch, a.index) < std::pair(b.batch, b.index);
    }), result);
  }
  result.requests = m_requests.load();
  result.seconds = seconds_since(m_start);
  set_phase(FuzzPhase::done);
  return result;
}

}  // namespace

std::string_view fuzz_verdict_name(FuzzVerdict verdict) {
  switch (verdict) {
    case FuzzVerdict::passed: return "passed";
    case FuzzVerdict::failed: return "failed";
    case FuzzVerdict::flaky: return "flaky";
    case FuzzVerdict::inconclusive: return "inconclusive";
  }
  return "inconclusive";
}

int fuzz_exit_code(FuzzVerdict verdict) {
  switch (verdict) {
    case FuzzVerdict::passed: return 0;
    case FuzzVerdict::failed:
    case FuzzVerdict::flaky: return 1;
    case FuzzVerdict::inconclusive: return 3;
  }
  return 3;
}

SequenceRun run_sequence(Target& target, const model::PolicyConfig& policy, const FuzzSequence& sequence,
                         CoverageMap* coverage, std::vector<long>* rules) {
  SequenceRun run;
  FuzzState state = initial_fuzz_state(policy);
  const auto session = target.open_account(fuzz_cast());
  int index = 0;
  for (const auto& command : sequence) {
    for (const model::Request& request : as_fuzz_command(*command).requests()) {
      ++run.steps;
      run.mismatch = run_step(*session, state, request, ++index, coverage, rules);
      if (run.mismatch) return run;
    }
  }
  return run;
}

std::string fuzz_replay_command(const FuzzOptions& options, long runs, bool with_time) {
  std::string line = options.program + " fuzz" + options.target_args + " --seed " + std::to_string(options.seed);
  if (runs > 0) line += " --runs " + std::to_string(runs);
  if (with_time && options.time_s > 0) line += " --time " + format_number(options.time_s);
  if (options.jobs != 1) line += " --jobs " + std::to_string(options.jobs);
  if (options.max_steps != FuzzOptions{}.max_steps) line += " --max-steps " + std::to_string(options.max_steps);
  return line;
}

std::uint64_t fuzz_batch_seed(std::uint64_t seed, long batch) {
  // splitmix64 of the pair: nearby seeds and batches give unrelated streams.
  std::uint64_t z = seed + 0x9e3779b97f4a7c15ULL * (static_cast<std::uint64_t>(batch) + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

FuzzResult run_fuzz(Target& target, const FuzzOptions& options, FuzzProgress* progress) {
  // Fuzzing compares outcomes only, so no exchange is recorded (target.h),
  // and overlaps its requests with its own work when cores are spare;
  // whatever runs on the target afterwards is back to the defaults.
  struct FuzzingMode {
    Target& target;
    bool overlap;
    FuzzingMode(Target& t, const FuzzOptions& options) : target(t) {
      target.record_exchanges(false);
      overlap = target.overlap_requests(options.overlap.value_or(overlap_fuzz_requests(options.jobs)));
    }
    ~FuzzingMode() {
      target.record_exchanges(true);
      target.overlap_requests(false);
    }
  } fuzzing_mode(target, options);
  return Fuzzer(target, options, progress, fuzzing_mode.overlap).run();
}

}  // namespace authconform::runner
