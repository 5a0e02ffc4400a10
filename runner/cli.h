// The command line: a table of subcommands (name, summary, handler) with
// generated help and spelling suggestions. main() only calls run_cli.
#pragma once

#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace authconform::runner {

struct CommandContext {
  std::vector<std::string> args;  // after the subcommand name
  std::ostream& out;
  std::ostream& err;
  std::string program = "authconform";
};

struct Command {
  std::string_view name;
  std::string_view summary;
  int (*handler)(CommandContext& context);
};

// Exit codes shared by every command.
inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_not_conformant = 1;
inline constexpr int k_exit_usage = 2;
inline constexpr int k_exit_target = 3;

std::span<const Command> all_commands();
int run_cli(int argc, char** argv, std::ostream& out, std::ostream& err);

// Handlers (one file each: runner/cmd_*.cpp).
int cmd_rules(CommandContext& context);
int cmd_simulate(CommandContext& context);
int cmd_run(CommandContext& context);
int cmd_serve(CommandContext& context);
int cmd_certify(CommandContext& context);
int cmd_report(CommandContext& context);
int cmd_fuzz(CommandContext& context);  // runner/cmd_fuzz.cpp

}  // namespace authconform::runner
