// `authconform rules`: the rule catalogue of a policy.
#include "runner/cli_options.h"

#include <nlohmann/json.hpp>
#include <ostream>

namespace authconform::runner {
namespace {

constexpr CommandHelp k_help{
    "authconform rules [--policy P] [--format text|json]",
    "Prints every rule of the policy with its ID, stage, statement and source. The IDs are the\n"
    "ones scenarios, decisions and reports use.",
    "  authconform rules\n"
    "  authconform rules --policy zendesk-2026 --format json | jq '.rules[].id'"};


void print_text(std::ostream& out, model::PolicyId policy) {
  out << "Rules of the '" << model::policy_name(policy) << "' policy:\n";
  model::Stage stage = model::Stage::identity;
  bool first = true;
  for (const model::RuleInfo& r : model::all_rules()) {
    if (!model::rule_in_policy(r.id, policy)) continue;
    if (first || r.stage != stage) out << "\n" << model::stage_name(r.stage) << ":\n";
    first = false;
    stage = r.stage;
    std::string code(r.code);
    code.resize(7, ' ');
    out << "  " << code << r.statement << "\n         source: " << r.source << "\n";
  }
}

void print_json(std::ostream& out, model::PolicyId policy) {
  nlohmann::json rules = nlohmann::json::array();
  for (const model::RuleInfo& r : model::all_rules()) {
    if (!model::rule_in_policy(r.id, policy)) continue;
    rules.push_back({{"id", r.code}, {"stage", model::stage_name(r.stage)}, {"statement", r.statement},
                     {"source", r.source}});
  }
  out << nlohmann::json{{"policy", model::policy_name(policy)}, {"rules", rules}}.dump(2) << "\n";
}

}  // namespace

int cmd_rules(CommandContext& context) {
  po::options_description options("Options");
  add_policy_options(options);
  options.add_options()("format", po::value<std::string>()->default_value("text"), "text | json");
  int exit_code = 0;
  const auto vm = parse_command_line(context, options, k_help, exit_code);
  if (!vm) return exit_code;
  const model::PolicyConfig policy = policy_from(*vm);
  const std::string format = (*vm)["format"].as<std::string>();
  if (format == "text") print_text(context.out, policy.policy);
  else if (format == "json") print_json(context.out, policy.policy);
  else throw UsageError("unknown format '" + format + "' (use text or json)");
  return k_exit_ok;
}

}  // namespace authconform::runner
