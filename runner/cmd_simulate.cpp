// `authconform simulate`: run scenarios on the model alone and explain each
// decision by the rules that fired.
#include "runner/cli_options.h"

#include <nlohmann/json.hpp>
#include <ostream>

namespace authconform::runner {
namespace {

constexpr CommandHelp k_help{
    "authconform simulate FILE... [--policy P] [--format text|json]",
    "Runs each scenario's steps on the reference model (no target) and prints, for every step,\n"
    "the outcome, the rules that decided it, and whether it met the step's `expect`. Exit code 1\n"
    "when an expectation is not met, 2 for a scenario that does not load. A scenario that names\n"
    "its policy uses it; --policy applies to the others.",
    "  authconform simulate scenarios/examples/end-user-password.yaml\n"
    "  authconform simulate scenarios/tokens --format json"};

struct SimulatedStep {
  int index;
  const Step* step;
  model::Decision decision;
  bool met;
};

std::vector<SimulatedStep> simulate(const Scenario& s, model::PolicyConfig config) {
  if (s.policy_given) config.policy = s.policy;
  const model::PolicyModel model(config);
  model::AccountState state = model.initial_state();
  for (const auto& fixture : user_fixtures(s)) model.apply(state, {fixture, {}});
  std::vector<SimulatedStep> steps;
  int index = 0;
  for (const Step& step : s.steps) {
    model::Decision d = model.apply(state, step.request);
    const bool met = !step.expect || d.accepts(*step.expect) ||
                     model::outcome_matches(*step.expect, d.outcome);
    steps.push_back({++index, &step, std::move(d), met});
  }
  return steps;
}

std::string rule_list(const std::vector<model::RuleId>& rules, std::string_view separator) {
  std::string text;
  for (model::RuleId r : rules) {
    if (!text.empty()) text += separator;
    text += model::rule_code(r);
  }
  return text;
}

void print_text(std::ostream& out, const Scenario& s, const std::vector<SimulatedStep>& steps,
                model::PolicyId policy) {
  out << s.path << ": " << s.title << " (policy " << model::policy_name(policy) << ")\n";
  for (const SimulatedStep& st : steps) {
    out << "  " << st.index << ". " << describe_step(*st.step) << "\n     -> "
        << model::to_string(st.decision.outcome) << "  [" << rule_list(st.decision.rules, " ") << "]";
    if (st.step->expect)
      out << (st.met ? "  expect met" : "  EXPECTED " + model::to_string(*st.step->expect));
    out << "\n";
  }
}

nlohmann::json to_json(const Scenario& s, const std::vector<SimulatedStep>& steps,
                       model::PolicyId policy) {
  nlohmann::json list = nlohmann::json::array();
  for (const SimulatedStep& st : steps) {
    nlohmann::json rules = nlohmann::json::array();
    for (model::RuleId r : st.decision.rules) rules.push_back(model::rule_code(r));
    const std::string expected =
        model::to_string(st.step->expect ? *st.step->expect : st.decision.outcome);
    list.push_back({{"step", st.index}, {"line", st.step->pos.line},
                    {"description", describe_step(*st.step)},
                    {"outcome", model::to_string(st.decision.outcome)}, {"rules", rules},
                    {"expected", expected}, {"met", st.met}});
  }
  return {{"file", s.path}, {"scenario", s.title}, {"policy", model::policy_name(policy)},
          {"steps", list}};
}

}  // namespace

int cmd_simulate(CommandContext& context) {
  po::options_description options("Options");
  add_policy_options(options);
  options.add_options()("format", po::value<std::string>()->default_value("text"), "text | json")(
      "file", po::value<std::vector<std::string>>(), "scenario files or folders");
  int exit_code = 0;
  const auto vm = parse_command_line(context, options, k_help, exit_code, "file");
  if (!vm) return exit_code;
  const model::PolicyConfig config = policy_from(*vm);
  const std::string format = (*vm)["format"].as<std::string>();
  if (format != "text" && format != "json")
    throw UsageError("unknown format '" + format + "' (use text or json)");
  if (!vm->count("file")) throw UsageError("no scenario file given (example: authconform simulate scenarios/examples)");
  const auto scenarios = load_scenarios((*vm)["file"].as<std::vector<std::string>>(), context.err);
  if (!scenarios) return k_exit_usage;
  bool all_met = true;
  for (const Scenario& s : *scenarios) {
    const model::PolicyId policy = s.policy_given ? s.policy : config.policy;
    const auto steps = simulate(s, config);
    for (const auto& st : steps) all_met = all_met && st.met;
    if (format == "json") context.out << to_json(s, steps, policy).dump() << "\n";
    else print_text(context.out, s, steps, policy);
  }
  return all_met ? k_exit_ok : k_exit_not_conformant;
}

}  // namespace authconform::runner
