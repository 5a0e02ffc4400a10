#include "runner/cli_options.h"

#include "runner/scenario_loader.h"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <unistd.h>

namespace authconform::runner {

std::optional<po::variables_map> parse_command_line(CommandContext& context,
                                                    const po::options_description& options,
                                                    const CommandHelp& help, int& exit_code,
                                                    const char* positional) {
  po::options_description all(options);
  all.add_options()("help,h", "show this help");
  po::positional_options_description pos;
  if (positional) pos.add(positional, -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(context.args).options(all).positional(pos).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    context.err << "authconform: " << e.what() << "\nUsage: " << help.usage
                << "\nRun with --help for the options and examples.\n";
    exit_code = k_exit_usage;
    return std::nullopt;
  }
  if (vm.count("help")) {
    context.out << "Usage: " << help.usage << "\n\n" << help.about << "\n\n" << all << "\nExamples:\n"
                << help.examples << "\n";
    exit_code = k_exit_ok;
    return std::nullopt;
  }
  return vm;
}

void add_policy_options(po::options_description& options) {
  options.add_options()("policy", po::value<std::string>()->default_value("article"),
                        "policy to check against: article | zendesk-2026")(
      "tokens-retired", po::bool_switch(),
      "zendesk-2026: new accounts are past the token retirement date (TOK-3 refuses tokens)");
}

model::PolicyConfig policy_from(const po::variables_map& vm) {
  const std::string name = vm["policy"].as<std::string>();
  const auto policy = model::parse_policy(name);
  if (!policy)
    throw UsageError("unknown policy '" + name + "' (use article or zendesk-2026)");
  model::PolicyConfig config{*policy, vm["tokens-retired"].as<bool>()};
  if (config.tokens_retired && config.policy != model::PolicyId::zendesk_2026)
    throw UsageError("--tokens-retired applies only to --policy zendesk-2026");
  return config;
}

std::optional<std::vector<Scenario>> load_scenarios(const std::vector<std::string>& paths,
                                                    std::ostream& err) {
  std::vector<LoadError> errors;
  const std::vector<std::string> files = collect_scenario_files(paths, errors);
  std::vector<Scenario> scenarios;
  for (const std::string& file : files) {
    ScenarioLoad load = load_scenario_file(file);
    errors.insert(errors.end(), load.errors.begin(), load.errors.end());
    if (load.scenario) scenarios.push_back(std::move(*load.scenario));
  }
  for (const LoadError& e : errors) err << e.format() << "\n";
  if (!errors.empty()) {
    err << errors.size() << (errors.size() == 1 ? " error" : " errors") << " in the scenarios; nothing was run.\n";
    return std::nullopt;
  }
  if (scenarios.empty()) {
    err << "authconform: no scenario files (*.yaml) found under the given paths\n";
    return std::nullopt;
  }
  return scenarios;
}

std::string default_suite_path() {
  if (const char* dir = std::getenv("AUTHCONFORM_SCENARIO_DIR")) return dir;
  if (std::filesystem::is_directory("scenarios")) return "scenarios";
  return AUTHCONFORM_SOURCE_DIR "/scenarios";
}

bool is_terminal(std::ostream& stream) {
  if (&stream == &std::cout) return isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
  if (&stream == &std::cerr) return isatty(STDERR_FILENO) && !std::getenv("NO_COLOR");
  return false;
}

std::string replay_command(const CommandContext& context, std::string_view command) {
  std::string line = context.program + " " + std::string(command);
  for (const std::string& arg : context.args) {
    const bool plain = arg.find_first_of(" \t'\"$*?") == std::string::npos && !arg.empty();
    line += " " + (plain ? arg : "'" + arg + "'");
  }
  return line;
}

}  // namespace authconform::runner
