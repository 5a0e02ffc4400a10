// `authconform certify`: the vendor's one command. The suite, then fuzzing,
// then a verdict per rule written to report.{html,json,md} and junit.xml.
#include "reports/writers.h"
#include "runner/certify.h"
#include "runner/cli_options.h"
#include "runner/interrupt.h"
#include "runner/scenario_runner.h"
#include "runner/target_factory.h"

#include <ctime>
#include <iostream>
#include <random>

namespace authconform::runner {
namespace {

constexpr CommandHelp k_help{
    "authconform certify [--target URL] [--policy P] [--profile F] [--fuzz-time S] [--seed N]\n"
    "                           [--report-dir DIR] [--shard K/N] [--waivers FILE]",
    "Certifies a target against a policy: runs the whole shipped suite, then stateful fuzzing for\n"
    "--fuzz-time seconds, and writes report.html, report.json, junit.xml and report.md into the\n"
    "report folder: a verdict per rule (pass, fail, waived, not exercised) with its evidence, the\n"
    "overall verdict, the spec's gaps, and a manifest (SHA-256 of the policy, profile, scenarios and\n"
    "waivers, and every seed) that 'authconform report verify' re-checks. Without --target it\n"
    "certifies the embedded reference server. Ctrl-C or a dying target still leaves a report,\n"
    "marked incomplete. Exit codes as for run: 0 conformant, 1 not, 2 input error, 3 inconclusive.",
    "  authconform certify                                         # the embedded reference target\n"
    "  authconform certify --target https://sandbox.example.com --report-dir cert/\n"
    "  authconform certify --target http://127.0.0.1:8080 --shard 2/4 --seed 42 --report-dir shard2/\n"
    "  authconform certify --waivers waivers.yaml --fuzz-time 120"};

class Collector final : public reports::RunListener {
 public:
  void on_scenario_end(const reports::ScenarioResult& r) override { results.push_back(r); }
  std::vector<reports::ScenarioResult> results;
};

std::uint64_t seed_from(const po::variables_map& vm) {
  if (vm.count("seed")) return vm["seed"].as<std::uint64_t>();
  std::random_device rd;
  return (std::uint64_t{rd()} << 32) ^ rd();
}

std::vector<reports::Waiver> load_waivers(const std::string& path, std::ostream& err) {
  if (path.empty()) return {};
  WaiversLoad load = load_waivers_file(path);
  for (const LoadError& e : load.errors) err << e.format() << "\n";
  if (!load.errors.empty()) throw UsageError("the waivers file does not load (errors above)");
  return load.waivers;
}

void print_rule_summary(std::ostream& out, const reports::Certification& c, const std::string& dir) {
  int counts[4] = {0, 0, 0, 0};
  for (const auto& v : c.rules) ++counts[static_cast<int>(v.status)];
  for (const auto& v : c.rules)
    if (v.status != reports::RuleStatus::pass)
      out << "  " << model::rule_code(v.rule) << "  " << reports::rule_status_name(v.status) << "\n";
  const int waived = counts[static_cast<int>(reports::RuleStatus::waived)];
  const bool conformant_with_waivers = c.verdict == reports::RunVerdict::conformant && waived > 0;
  out << "Rules: " << counts[0] << " pass, " << counts[1] << " fail, " << counts[2] << " waived, "
      << counts[3] << " not exercised.\nCertification: " << reports::verdict_name(c.verdict)
      << (conformant_with_waivers ? " (with " + std::to_string(waived) + (waived == 1 ? " rule" : " rules") + " waived)" : "")
      << (c.incomplete ? " (INCOMPLETE: " + c.incomplete_reason + ")" : "") << "\nReport: " << dir
      << "/report.html (also report.json, junit.xml, report.md)\n";
}

}  // namespace

int cmd_certify(CommandContext& context) {
  po::options_description options("Options");
  add_target_options(options);
  add_policy_options(options);
  options.add_options()
    ("fuzz-time", po::value<double>()->default_value(20), "seconds of fuzzing after the suite (0: none)")
    ("jobs", po::value<int>()->default_value(1), "parallel fuzzing sequences")
    ("seed", po::value<std::uint64_t>(), "fuzzing seed (default: random, printed)")
    ("report-dir", po::value<std::string>()->default_value("certification"), "where the reports go")
    ("shard", po::value<std::string>()->default_value("1/1"), "run shard K of N (scenarios and fuzzing seeds)")
    ("waivers", po::value<std::string>()->default_value(""), "YAML list of known deviations")
    ("suite", po::value<std::string>()->default_value(""), "scenario folder (default: $AUTHCONFORM_SCENARIO_DIR, else ./scenarios when this folder has one, else the shipped suite)")
    ("quiet,q", po::bool_switch(), "print only failures and the summary");
  int exit_code = 0;
  const auto vm = parse_command_line(context, options, k_help, exit_code);
  if (!vm) return exit_code;
  const TargetOptions target_options = target_options_from(*vm);
  const auto shard = parse_shard((*vm)["shard"].as<std::string>());
  if (!shard) throw UsageError("--shard '" + (*vm)["shard"].as<std::string>() + "' is not K/N with 1 <= K <= N");
  const std::uint64_t seed = seed_from(*vm);
  const std::string dir = (*vm)["report-dir"].as<std::string>();
  const std::string waivers_path = (*vm)["waivers"].as<std::string>();
  const auto waivers = load_waivers(waivers_path, context.err);
  std::string suite = (*vm)["suite"].as<std::string>();
  if (suite.empty()) suite = default_suite_path();
  auto loaded = load_scenarios({suite}, context.err);
  if (!loaded) return k_exit_usage;
  std::vector<Scenario> scenarios;
  for (Scenario& s : *loaded)
    if (applies_to_policy(s, target_options.policy)) scenarios.push_back(std::move(s));
  scenarios = shard_scenarios(std::move(scenarios), *shard);

  std::string replay = replay_command(context, "certify");
  if (!vm->count("seed")) replay += " --seed " + std::to_string(seed);
  context.out << "authconform certify: seed " << seed << "\nreplay: " << replay << std::endl;

  const auto started = std::chrono::steady_clock::now();
  TargetHandle handle = open_target(target_options, context.err);
  const auto& stop = install_interrupt_handler();
  reports::Certification c;
  c.info = {replay, handle.description, handle.profile_name, target_options.policy.policy,
            AUTHCONFORM_VERSION, "", seed};
  {
    const std::time_t t = std::time(nullptr);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
    c.info.started_at = text;
  }
  c.shard = shard->text();
  c.replay_args = target_replay_args(target_options.target, target_options.profile, target_options.mutant,
                                     target_options.policy);
  c.gaps = spec_gaps();
  for (const auto& w : waivers) c.waivers.push_back({w, reports::WaiverStatus::unused});
  c.manifest = input_manifest(target_options.policy.policy, handle.profile_name, scenarios, waivers_path);

  reports::FanOut listeners;
  const bool terminal = is_terminal(context.out);
  listeners.add(reports::make_console_writer(
      context.out, {terminal, terminal, (*vm)["quiet"].as<bool>() || !terminal, false,
                    static_cast<int>(scenarios.size())}));
  auto collector = std::make_unique<Collector>();
  Collector* results = collector.get();
  listeners.add(std::move(collector));
  ScenarioRunner runner(handle.target(), {target_options.policy, 2, &stop});
  c.suite = runner.run_all(scenarios, c.info, listeners);
  c.scenarios = results->results;
  c.incomplete = c.suite.interrupted;
  c.incomplete_reason = c.suite.target_error.empty() && c.suite.interrupted ? "interrupted" : c.suite.target_error;

  const double fuzz_time = (*vm)["fuzz-time"].as<double>();
  if (!c.incomplete && fuzz_time > 0) {
    context.out << "Fuzzing for " << fuzz_time << " s (seed " << seed << ")..." << std::endl;
    FuzzPhaseOptions fo{fuzz_time, seed, *shard, (*vm)["jobs"].as<int>(), dir + "/counterexamples",
                        target_options.policy, target_options.target, target_options.profile,
                        target_options.mutant, &stop, terminal ? &context.out : nullptr};
    c.fuzz = run_fuzz_phase(handle.target(), fo);
    if (c.fuzz.result == "inconclusive") {
      c.incomplete = true;
      c.incomplete_reason = c.fuzz.message;
    }
  }
  if (stop.load() && !c.incomplete) {
    c.incomplete = true;
    c.incomplete_reason = "interrupted";
  }
  c.duration_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  reports::decide_verdicts(c, today_utc());
  reports::write_certification(dir, c);
  print_rule_summary(context.out, c, dir);
  return reports::exit_code(c.verdict);
}

}  // namespace authconform::runner
