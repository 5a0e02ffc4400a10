#include "target/fault.h"

#include <array>
#include <stdexcept>
#include <vector>

#include "model/spelling.h"

namespace authconform::target {
namespace {

constexpr std::array k_faults{
    FaultInfo{FaultMode::stall, "stall",
              "reads the request and never answers, until the client hangs up"},
    FaultInfo{FaultMode::reset, "reset",
              "reads the request, then resets the connection (TCP RST), no answer"},
    FaultInfo{FaultMode::non_json, "non-json", "answers 200 with an HTML page instead of JSON"},
    FaultInfo{FaultMode::oversize, "oversize",
              "answers 200 with a 2 MiB body (the harness reads at most 1 MiB)"},
    FaultInfo{FaultMode::short_body, "short-body",
              "sends the real answer with a Content-Length 64 bytes too large, then closes"},
    FaultInfo{FaultMode::status_500, "status-500", "answers 500 Internal Server Error"},
    FaultInfo{FaultMode::slow_bytes, "slow-bytes",
              "sends the real answer one byte every 100 ms, padded to take over a minute"},
    FaultInfo{FaultMode::other_account, "other-account",
              "users/me shows a user of another account (a leak across accounts)"},
};

std::string unknown_fault_message(std::string_view name) {
  std::vector<std::string> names;
  for (const FaultInfo& f : k_faults) names.emplace_back(f.name);
  std::string message = "unknown fault '" + std::string(name) + "'";
  if (const std::string closest = model::closest_match(name, names); !closest.empty())
    message += " (did you mean '" + closest + "'?)";
  message += "; valid faults:";
  for (const std::string& n : names) message += " " + n;
  return message;
}

}  // namespace

std::span<const FaultInfo> all_faults() {
  return k_faults;
}

FaultMode fault_from_name(std::string_view name) {
  if (name.empty()) return FaultMode::none;
  for (const FaultInfo& f : k_faults)
    if (f.name == name) return f.mode;
  throw std::invalid_argument(unknown_fault_message(name));
}

std::string_view fault_name(FaultMode mode) {
  for (const FaultInfo& f : k_faults)
    if (f.mode == mode) return f.name;
  return "";
}

bool is_fixture_path(std::string_view path) {
  path = path.substr(0, path.find('?'));
  return path.find("/conformance/") != std::string_view::npos ||
         path.find("/fixtures/") != std::string_view::npos;
}

}  // namespace authconform::target
