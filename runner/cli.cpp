#include "runner/cli.h"

#include "runner/load_error.h"

#include <array>
#include <exception>
#include <iostream>

namespace authconform::runner {
namespace {

constexpr std::array k_commands{
    Command{"rules", "print the rule catalogue of a policy", cmd_rules},
    Command{"simulate", "run scenarios on the model and explain every decision", cmd_simulate},
    Command{"run", "run scenarios against a target and compare with the model", cmd_run},
    Command{"fuzz", "stateful differential fuzzing with shrinking", cmd_fuzz},
    Command{"certify", "certify a target: suite, fuzzing, a verdict per rule, reports", cmd_certify},
    Command{"report", "verify a certification's manifest, or merge shard reports", cmd_report},
    Command{"serve", "serve the reference target (with optional mutants)", cmd_serve},
};

void print_usage(std::ostream& out) {
  out << "authconform " AUTHCONFORM_VERSION
         " - conformance harness for API access policies\n\n"
         "Usage: authconform COMMAND [OPTIONS]\n\nCommands:\n";
  for (const Command& c : k_commands) {
    std::string name(c.name);
    name.resize(12, ' ');
    out << "  " << name << c.summary << "\n";
  }
  out << "\nRun 'authconform COMMAND --help' for a command's options and examples.\n"
         "Exit codes: 0 conformant, 1 not conformant, 2 usage or input error, "
         "3 target unreachable or broken.\n";
}

std::vector<std::string> command_names() {
  std::vector<std::string> names;
  for (const Command& c : k_commands) names.emplace_back(c.name);
  return names;
}

}  // namespace

std::span<const Command> all_commands() { return k_commands; }

int run_cli(int argc, char** argv, std::ostream& out, std::ostream& err) {
  if (argc < 2) {
    print_usage(err);
    return k_exit_usage;
  }
  const std::string name = argv[1];
  if (name == "--help" || name == "-h" || name == "help") {
    print_usage(out);
    return k_exit_ok;
  }
  if (name == "--version") {
    out << "authconform " AUTHCONFORM_VERSION "\n";
    return k_exit_ok;
  }
  for (const Command& c : k_commands) {
    if (c.name != name) continue;
    CommandContext context{{argv + 2, argv + argc}, out, err};
    try {
      return c.handler(context);
    } catch (const std::exception& e) {
      // Fatal errors are exceptions caught once, here.
      err << "authconform " << name << ": error: " << e.what() << "\n";
      return k_exit_usage;
    }
  }
  err << "authconform: unknown command '" << name << "'";
  if (const std::string guess = closest_match(name, command_names()); !guess.empty())
    err << " (did you mean '" << guess << "'?)";
  err << "\nRun 'authconform --help' for the list of commands.\n";
  return k_exit_usage;
}

}  // namespace authconform::runner
