// `authconform serve`: the reference target (wire.md backed by the model),
// optionally with one injected bug or one transport fault.
#include "runner/cli_options.h"
#include "runner/interrupt.h"
#include "target/fault.h"
#include "target/reference_server.h"

#include <chrono>
#include <ostream>
#include <thread>

namespace authconform::runner {
namespace {

constexpr CommandHelp k_help{
    "authconform serve [--host 127.0.0.1] [--port N] [--policy P] [--mutant M] [--variant V]\n"
    "                        [--fault F [--fault-after N]] [--list-mutants] [--list-faults]",
    "Serves the HTTP contract of spec/wire.md for many sandbox accounts, backed by the reference\n"
    "model. Binds loopback unless --host says otherwise. --mutant injects one realistic bug, to\n"
    "see a suite catch it. --variant acme serves another API shape (profiles/acme.yaml), to show\n"
    "that a profile, not code, adapts the harness to a vendor. --fault makes the account API\n"
    "misbehave (stall, reset, garbage, ...; docs/faults.md) after --fault-after correct API\n"
    "answers, to see the harness stop with exit 3 and say what the target did; the fixture\n"
    "interface keeps working. Stops on Ctrl-C.",
    "  authconform serve --port 8080\n"
    "  authconform serve --mutant tok5-tokens-work-when-off --port 8081\n"
    "  authconform serve --fault stall --port 8082    # then: authconform run scenarios --target\n"
    "                                                 #   http://127.0.0.1:8082 --request-timeout 2\n"
    "  authconform serve --list-mutants\n"
    "  authconform serve --list-faults"};

void list_mutants(std::ostream& out) {
  for (const target::MutantInfo& m : target::all_mutants()) {
    std::string name(m.name);
    name.resize(34, ' ');
    std::string rule(m.rule);
    rule.resize(7, ' ');
    out << name << rule << m.description << "\n";
  }
}

void list_faults(std::ostream& out) {
  for (const target::FaultInfo& f : target::all_faults()) {
    std::string name(f.name);
    name.resize(15, ' ');
    out << name << f.description << "\n";
  }
}

}  // namespace

int cmd_serve(CommandContext& context) {
  po::options_description options("Options");
  add_policy_options(options);
  options.add_options()
    ("host", po::value<std::string>()->default_value("127.0.0.1"), "address to bind")
    ("port", po::value<int>()->default_value(0), "port (0: any free port)")
    ("mutant", po::value<std::string>()->default_value(""), "inject this bug (see --list-mutants)")
    ("variant", po::value<std::string>()->default_value("zendesk"), "zendesk (wire.md) | acme")
    ("fault", po::value<std::string>()->default_value(""), "make the account API misbehave (see --list-faults)")
    ("fault-after", po::value<long>()->default_value(0), "API requests answered correctly before the fault")
    ("list-mutants", po::bool_switch(), "list the mutants: name, rule, description")
    ("list-faults", po::bool_switch(), "list the faults: name, what the server does");
  int exit_code = 0;
  const auto vm = parse_command_line(context, options, k_help, exit_code);
  if (!vm) return exit_code;
  if ((*vm)["list-mutants"].as<bool>()) {
    list_mutants(context.out);
    return k_exit_ok;
  }
  if ((*vm)["list-faults"].as<bool>()) {
    list_faults(context.out);
    return k_exit_ok;
  }
  target::ServerOptions server_options;
  server_options.host = (*vm)["host"].as<std::string>();
  server_options.port = (*vm)["port"].as<int>();
  server_options.policy = policy_from(*vm);
  server_options.mutant = (*vm)["mutant"].as<std::string>();
  server_options.variant = (*vm)["variant"].as<std::string>();
  server_options.fault = (*vm)["fault"].as<std::string>();
  server_options.fault_after = (*vm)["fault-after"].as<long>();
  if (server_options.port < 0 || server_options.port > 65535)
    throw UsageError("--port must be between 0 and 65535");
  if (server_options.fault_after < 0) throw UsageError("--fault-after must be 0 or more");
  if (server_options.fault_after > 0 && server_options.fault.empty())
    throw UsageError("--fault-after needs --fault (see --list-faults)");
  target::ReferenceServer server(server_options);
  server.start();
  context.out << "authconform reference target (" << server_options.variant << ", policy "
              << model::policy_name(server_options.policy.policy)
              << (server_options.mutant.empty() ? "" : ", mutant " + server_options.mutant)
              << (server_options.fault.empty() ? "" : ", fault " + server_options.fault)
              << ") listening on " << server.url() << std::endl;
  const auto& stop = install_interrupt_handler();
  while (!stop.load()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  server.stop();
  return k_exit_ok;
}

}  // namespace authconform::runner
