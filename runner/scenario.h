// A scenario as loaded from YAML (docs/scenarios.md): users to create, and a
// sequence of steps, each a model request with an optional expectation.
#pragma once

#include "model/outcome.h"
#include "model/request.h"
#include "model/rules.h"

#include <optional>
#include <string>
#include <vector>

namespace authconform::runner {

// Where something stands in a source file (1-based; 0 when unknown).
struct SourcePos {
  int line = 0;
  int column = 0;
};

struct ScenarioUser {
  std::string name;
  std::string email;  // defaults to NAME@example.test
  model::Role role = model::Role::end_user;
  std::string password;
  bool two_factor = false;
  friend bool operator==(const ScenarioUser&, const ScenarioUser&) = default;
};

struct Step {
  SourcePos pos;             // of the step's first key
  std::string kind;          // the step's key as written: "request", "set", "generate_token", ...
  model::Request request;    // what is sent (fixtures carry NoCredential)
  // The scenario's own expectation; nullopt: the model's outcome is the expectation.
  std::optional<model::Outcome> expect;
};

struct Scenario {
  std::string path;         // the file it came from ("" when built in memory)
  std::string title;        // `scenario:`
  std::string description;
  std::vector<model::RuleId> rules;  // the rules it is about (claimed)
  model::PolicyId policy = model::PolicyId::article;
  bool policy_given = false;  // `policy:` was written (else the run's policy applies)
  std::vector<std::string> tags;
  std::vector<ScenarioUser> users;  // besides the built-in admin
  std::vector<Step> steps;
};

// One human-readable line for a step, with secrets redacted (for reports).
std::string describe_step(const Step& step);

// The users of a scenario as model fixture operations, in order.
std::vector<model::AddUserOp> user_fixtures(const Scenario& scenario);

}  // namespace authconform::runner
