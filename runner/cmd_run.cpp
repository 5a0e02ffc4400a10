// `authconform run`: the suite against a target, compared step by step with
// the model, reported to the console and to report files.
#include "reports/writers.h"
#include "runner/cli_options.h"
#include "runner/interrupt.h"
#include "runner/scenario_runner.h"
#include "runner/target_factory.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <fnmatch.h>
#include <iostream>

namespace authconform::runner {
namespace {

constexpr CommandHelp k_help{
    "authconform run [OPTIONS] [PATH...]",
    "Runs scenario files and folders against a target (default: $AUTHCONFORM_SCENARIO_DIR, else\n"
    "./scenarios when this folder has one, else the suite shipped with authconform). Each scenario\n"
    "runs in a fresh account; every step's outcome is compared with the model's, and with the\n"
    "step's `expect` (a scenario that disagrees with the model is reported BROKEN, not as a target\n"
    "failure). A failing scenario is replayed twice: a failure that does not repeat is FLAKY.\n"
    "Coverage counts the rules that decided steps, not the rules scenarios claim.\n"
    "Exit codes: 0 all passed, 1 a target failure (or flaky), 2 bad input or broken scenario,\n"
    "3 the target is unreachable or answered something the profile cannot classify.",
    "  authconform run                                   # shipped suite, embedded reference server\n"
    "  authconform run scenarios/tokens --target model   # check scenarios against the model alone\n"
    "  authconform run --target https://sandbox.example.com --profile profiles/zendesk.yaml \\\n"
    "      --junit out/junit.xml --html out/report.html\n"
    "  authconform run --tag smoke --rule TOK-5 --list   # which scenarios would run\n"
    "  authconform run --mutant tok5-tokens-work-when-off   # watch the suite catch a bug"};

struct Filters {
  std::vector<std::string> tags, rules, names;
};

bool keep(const Scenario& s, const Filters& f) {
  const auto has_tag = [&](const std::string& t) {
    return std::find(s.tags.begin(), s.tags.end(), t) != s.tags.end();
  };
  const auto has_rule = [&](const std::string& code) {
    return std::any_of(s.rules.begin(), s.rules.end(),
                       [&](model::RuleId r) { return model::rule_code(r) == code; });
  };
  const auto name_matches = [&](const std::string& glob) {
    return fnmatch(glob.c_str(), s.title.c_str(), 0) == 0 ||
           fnmatch(glob.c_str(), s.path.c_str(), 0) == 0;
  };
  if (!f.tags.empty() && std::none_of(f.tags.begin(), f.tags.end(), has_tag)) return false;
  if (!f.rules.empty() && std::none_of(f.rules.begin(), f.rules.end(), has_rule)) return false;
  if (!f.names.empty() && std::none_of(f.names.begin(), f.names.end(), name_matches)) return false;
  return true;
}

template <class T>
std::vector<T> values(const po::variables_map& vm, const char* name) {
  return vm.count(name) ? vm[name].as<std::vector<T>>() : std::vector<T>{};
}

Filters filters_from(const po::variables_map& vm) {
  Filters f{values<std::string>(vm, "tag"), values<std::string>(vm, "rule"),
            values<std::string>(vm, "name")};
  for (const std::string& code : f.rules)
    if (!model::parse_rule_code(code))
      throw UsageError("unknown rule '" + code + "' (see 'authconform rules')");
  return f;
}

std::string now_iso8601() {
  const std::time_t t = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return text;
}

void add_report_options(po::options_description& options) {
  options.add_options()
    ("junit", po::value<std::string>()->default_value(""), "write JUnit XML here")
    ("json", po::value<std::string>()->default_value(""), "write the JSON report here (docs/report-format.md)")
    ("html", po::value<std::string>()->default_value(""), "write a self-contained HTML report here")
    ("markdown", po::value<std::string>()->default_value(""), "write a Markdown summary here")
    ("quiet,q", po::bool_switch(), "print only failures and the summary")
    ("verbose,v", po::bool_switch(), "print every step");
}

reports::FanOut make_listeners(const po::variables_map& vm, std::ostream& out, int scenario_count) {
  reports::FanOut fan_out;
  const bool terminal = is_terminal(out);
  fan_out.add(reports::make_console_writer(
      out, {terminal, terminal, vm["quiet"].as<bool>(), vm["verbose"].as<bool>(), scenario_count}));
  if (auto p = vm["junit"].as<std::string>(); !p.empty()) fan_out.add(reports::make_junit_writer(p));
  if (auto p = vm["json"].as<std::string>(); !p.empty()) fan_out.add(reports::make_json_writer(p));
  if (auto p = vm["html"].as<std::string>(); !p.empty()) fan_out.add(reports::make_html_writer(p));
  if (auto p = vm["markdown"].as<std::string>(); !p.empty())
    fan_out.add(reports::make_markdown_writer(p));
  return fan_out;
}

// Keeps the scenarios the filters select that apply to the run's policy.
std::vector<Scenario> select(std::vector<Scenario> all, const Filters& f,
                             model::PolicyConfig policy, std::ostream& err) {
  std::vector<Scenario> kept;
  int not_applicable = 0;
  for (Scenario& s : all) {
    if (!keep(s, f)) continue;
    if (!applies_to_policy(s, policy)) { ++not_applicable; continue; }
    kept.push_back(std::move(s));
  }
  if (not_applicable > 0)
    err << not_applicable << " scenario(s) written for another policy than '"
        << model::policy_name(policy.policy) << "' were left out.\n";
  return kept;
}

}  // namespace

int cmd_run(CommandContext& context) {
  po::options_description options("Options");
  add_target_options(options);
  add_policy_options(options);
  add_report_options(options);
  options.add_options()
    ("tag", po::value<std::vector<std::string>>(), "only scenarios with this tag (repeatable)")
    ("rule", po::value<std::vector<std::string>>(), "only scenarios about this rule ID (repeatable)")
    ("name", po::value<std::vector<std::string>>(), "only scenarios whose title or path matches this glob")
    ("list", po::bool_switch(), "list the selected scenarios and exit")
    ("path", po::value<std::vector<std::string>>(), "scenario files or folders");
  int exit_code = 0;
  const auto vm = parse_command_line(context, options, k_help, exit_code, "path");
  if (!vm) return exit_code;
  const TargetOptions target_options = target_options_from(*vm);
  const Filters filters = filters_from(*vm);
  auto paths = values<std::string>(*vm, "path");
  if (paths.empty()) paths.push_back(default_suite_path());
  auto loaded = load_scenarios(paths, context.err);
  if (!loaded) return k_exit_usage;
  const auto scenarios = select(std::move(*loaded), filters, target_options.policy, context.err);
  if ((*vm)["list"].as<bool>()) {
    for (const Scenario& s : scenarios) context.out << s.path << "  " << s.title << "\n";
    return k_exit_ok;
  }
  if (scenarios.empty()) throw UsageError("no scenario matches the filters");
  TargetHandle handle = open_target(target_options, context.err);
  reports::FanOut listeners = make_listeners(*vm, context.out, static_cast<int>(scenarios.size()));
  const reports::RunInfo info{replay_command(context, "run"), handle.description, handle.profile_name,
                              target_options.policy.policy, AUTHCONFORM_VERSION, now_iso8601(), {}};
  ScenarioRunner runner(handle.target(), {target_options.policy, 2, &install_interrupt_handler()});
  return reports::exit_code(runner.run_all(scenarios, info, listeners).verdict);
}

}  // namespace authconform::runner
