// The policy engine of the reference server: the model plus the behaviour the
// server was started with (correct, or one mutant).
#pragma once

#include "model/policy_model.h"
#include "target/account_store.h"
#include "target/decider.h"

#include <string>
#include <string_view>

namespace authconform::target {

// What an API request resolved to, and how to word a 401.
struct Verdict {
  model::Outcome outcome;
  bool bearer = false;  // the header's scheme is Bearer: a 401 says invalid_token
};

class Engine {
 public:
  // Throws std::invalid_argument for an unknown mutant.
  Engine(model::PolicyConfig policy, std::string_view mutant);

  const model::PolicyModel& model() const { return m_model; }

  // Decides an API request to `account` (which the caller holds locked) and
  // applies its effect. `authorization` is null when the header is absent.
  Verdict decide(Account& account, const model::Operation& op, const std::string* authorization) const;

  // Applies a fixture operation; fixtures bypass identity and every mutant.
  model::Decision apply_fixture(Account& account, const model::Operation& op) const;

 private:
  model::PolicyModel m_model;
  Behaviour m_behaviour;
};

// Is the header's scheme `Bearer` (in any letter case)?
bool has_bearer_scheme(std::string_view authorization);

}  // namespace authconform::target
