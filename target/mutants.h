// The bugs the reference server can be started with ("mutants"), to show that
// the harness catches them: each is one realistic deviation from one rule.
#pragma once

#include <span>
#include <string_view>

namespace authconform::target {

struct MutantInfo {
  std::string_view name;         // "tok5-tokens-work-when-off"
  std::string_view rule;         // the rule it breaks: "TOK-5"
  std::string_view description;  // one line
};

// Every mutant, in the order of docs/mutants.md.
std::span<const MutantInfo> all_mutants();

}  // namespace authconform::target
