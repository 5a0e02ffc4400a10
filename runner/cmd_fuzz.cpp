// `authconform fuzz`: options in, run_fuzz, progress and summary out.
#include "reports/atomic_file.h"
#include "runner/cli_options.h"
#include "runner/fuzz_command.h"
#include "runner/fuzz_engine.h"
#include "runner/fuzz_report.h"
#include "runner/interrupt.h"
#include "runner/target_factory.h"

#include <iomanip>
#include <ostream>
#include <random>
#include <sstream>

namespace authconform::runner {
namespace {

constexpr CommandHelp k_help{
    "authconform fuzz [--target model|URL] [--policy P] [--profile F] [--seed N] [--time S] [--runs N]\n"
    "                        [--max-steps N] [--jobs N] [--out DIR] [--json FILE] [--shrink-time S]",
    "Generates random sequences of scenario steps (admin steps, fixture steps and requests with\n"
    "every kind of credential), runs each sequence in a sandbox account of its own on the target\n"
    "and on the model, and compares every outcome. On a mismatch it shrinks the sequence to a\n"
    "minimal one (each attempt in a fresh account, at most --shrink-time seconds), replays it 3\n"
    "times, and writes it to --out as a scenario file that 'authconform run' replays. A mismatch\n"
    "that does not repeat on every replay is reported FLAKY. The seed and the replay command are\n"
    "printed first; --seed S --runs N replays exactly (with the same --jobs).\n"
    "Exit codes: 0 no mismatch, 1 a mismatch (failed or flaky), 2 bad options,\n"
    "3 the target is unreachable or answered something the profile cannot classify.",
    "  authconform fuzz --target model --time 5                # the model against itself\n"
    "  authconform fuzz --mutant stale-token-cache --seed 7     # embedded server with a bug\n"
    "  authconform fuzz --target https://sandbox.example.com --profile profiles/zendesk.yaml \\\n"
    "      --time 300 --jobs 4 --out fuzz-out --json fuzz-out/summary.json\n"
    "  authconform fuzz --target model --seed 42 --runs 2000 --json bench.json   # a benchmark"};

// The options that say what is fuzzed, as typed, for replay lines.
std::string target_args(const po::variables_map& vm) {
  std::string args;
  for (const char* name : {"target", "profile", "mutant", "policy", "connect-timeout", "request-timeout",
                           "max-body", "ca-file", "tokens-retired", "insecure", "http-client", "one-connection"}) {
    if (!vm.count(name) || vm[name].defaulted()) continue;
    const boost::any& value = vm[name].value();
    std::ostringstream text;
    if (const auto* s = boost::any_cast<std::string>(&value)) text << *s;
    else if (const auto* d = boost::any_cast<double>(&value)) text << *d;
    else if (const auto* n = boost::any_cast<std::size_t>(&value)) text << *n;
    else if (const auto* b = boost::any_cast<bool>(&value); b && !*b) continue;
    args += " --" + std::string(name);
    if (!text.str().empty()) {
      const std::string word = text.str();
      const bool plain = word.find_first_of(" \t'\"$*?;&|<>()") == std::string::npos;
      args += " " + (plain ? word : "'" + word + "'");
    }
  }
  return args;
}

std::uint64_t new_seed() {
  std::random_device device;
  // 53 bits, so that the seed survives JSON readers that use doubles.
  return ((std::uint64_t{device()} << 32) | device()) & ((std::uint64_t{1} << 53) - 1);
}

FuzzOptions fuzz_options_from(const po::variables_map& vm, const TargetOptions& target) {
  FuzzOptions o;
  o.seed = vm.count("seed") ? vm["seed"].as<std::uint64_t>() : new_seed();
  o.runs = vm["runs"].as<long>();
  o.time_s = vm.count("time") ? vm["time"].as<double>() : (o.runs > 0 ? 0.0 : 10.0);
  o.max_steps = vm["max-steps"].as<int>();
  o.jobs = vm["jobs"].as<int>();
  o.shrink_time_s = vm["shrink-time"].as<double>();
  o.out_dir = vm["out"].as<std::string>();
  o.policy = target.policy;
  o.target_args = target_args(vm);
  if (o.runs < 0) throw UsageError("--runs must be 0 (until --time is up) or more");
  if (vm.count("time") && o.time_s <= 0) throw UsageError("--time must be a positive number of seconds");
  if (o.max_steps < 1 || o.max_steps > 1000) throw UsageError("--max-steps must be between 1 and 1000");
  if (o.jobs < 1 || o.jobs > 64) throw UsageError("--jobs must be between 1 and 64");
  if (o.shrink_time_s < 0) throw UsageError("--shrink-time must be 0 (no shrinking) or more seconds");
  if (o.out_dir.empty()) throw UsageError("--out needs a folder (the counterexample is written there)");
  return o;
}


void add_fuzz_options(po::options_description& options) {
  options.add_options()
    ("seed", po::value<std::uint64_t>(), "seed of the sequences (default: a new one, printed)")
    ("time", po::value<double>(), "seconds to search (default 10; with --runs, no limit unless given)")
    ("runs", po::value<long>()->default_value(0), "sequences to run (0: until --time is up)")
    ("max-steps", po::value<int>()->default_value(30), "commands in a sequence, at most")
    ("jobs", po::value<int>()->default_value(1),
     "sequences run in parallel, each in its own account; with two cores per job to spare, each "
     "job's requests overlap its own work (it then keeps both cores busy)")
    ("out", po::value<std::string>()->default_value("fuzz-out"), "folder for the counterexample scenario")
    ("json", po::value<std::string>()->default_value(""), "write the JSON summary here")
    ("shrink-time", po::value<double>()->default_value(60), "seconds of shrinking at most")
    ("quiet,q", po::bool_switch(), "no progress line");
}

}  // namespace

int cmd_fuzz(CommandContext& context) {
  po::options_description options("Options");
  add_target_options(options);
  add_policy_options(options);
  add_fuzz_options(options);
  int exit_code = 0;
  const auto vm = parse_command_line(context, options, k_help, exit_code);
  if (!vm) return exit_code;
  const TargetOptions target_options = target_options_from(*vm);
  FuzzOptions fuzz = fuzz_options_from(*vm, target_options);
  fuzz.program = context.program;
  TargetHandle handle = open_target(target_options, context.err);
  context.out << "authconform fuzz: seed " << fuzz.seed << ", target " << handle.description << ", policy "
              << model::policy_name(fuzz.policy.policy) << "\n"
              << "Replay: " << fuzz_replay_command(fuzz, fuzz.runs, true) << std::endl;
  fuzz.stop = &install_interrupt_handler();
  ConsoleFuzzProgress progress(context.out, is_terminal(context.out) && !(*vm)["quiet"].as<bool>());
  const FuzzResult result = run_fuzz(handle.target(), fuzz, &progress);
  progress.clear();
  for (const std::string& line : fuzz_summary_lines(result)) context.out << line << "\n";
  if (const std::string json = (*vm)["json"].as<std::string>(); !json.empty())
    reports::write_file_atomically(json, fuzz_result_to_json(result, fuzz.policy.policy).dump(2) + "\n");
  // Cut short before any mismatch: no verdict on conformance, as for `run`.
  if (result.interrupted && result.verdict == FuzzVerdict::passed) return k_exit_target;
  return fuzz_exit_code(result.verdict);
}

}  // namespace authconform::runner
