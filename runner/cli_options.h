// Option parsing shared by the commands: Boost program_options with help that
// shows usage and examples, and errors that say what to do.
#pragma once

#include "model/policy_model.h"
#include "runner/cli.h"
#include "runner/scenario.h"

#include <boost/program_options.hpp>
#include <optional>
#include <stdexcept>

namespace authconform::runner {

namespace po = boost::program_options;

// A usage error: run_cli prints it and exits 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CommandHelp {
  std::string_view usage;     // "authconform run [OPTIONS] PATH..."
  std::string_view about;     // a paragraph
  std::string_view examples;  // lines
};

// Parses the command's arguments. Returns nullopt when the command should stop
// with `exit_code` (0 after --help, 2 after a usage error already printed).
std::optional<po::variables_map> parse_command_line(CommandContext& context,
                                                    const po::options_description& options,
                                                    const CommandHelp& help, int& exit_code,
                                                    const char* positional = nullptr);

// --policy NAME (article | zendesk-2026), with --tokens-retired; throws UsageError.
void add_policy_options(po::options_description& options);
model::PolicyConfig policy_from(const po::variables_map& vm);

// Loads every scenario under `paths`, printing every load error to `err`.
// nullopt when any file had errors (the caller exits 2).
std::optional<std::vector<Scenario>> load_scenarios(const std::vector<std::string>& paths,
                                                    std::ostream& err);

// The suite used when none is given: $AUTHCONFORM_SCENARIO_DIR, else
// ./scenarios when the current folder has one (a checkout, or a vendor's own
// suite), else the suite in the source tree authconform was built from.
std::string default_suite_path();
// Is this stream a terminal (for colour and progress lines)?
bool is_terminal(std::ostream& stream);
// The command line as typed, for replay lines in reports.
std::string replay_command(const CommandContext& context, std::string_view command);

}  // namespace authconform::runner
