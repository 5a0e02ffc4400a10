#include "target/engine.h"

#include "model/header.h"
#include "target/mutant_table.h"

namespace authconform::target {

Engine::Engine(model::PolicyConfig policy, std::string_view mutant)
    : m_model(policy), m_behaviour(behaviour_for(mutant)) {}

Verdict Engine::decide(Account& account, const model::Operation& op,
                       const std::string* authorization) const {
  model::Credential credential = model::NoCredential{};
  if (authorization) credential = m_behaviour.read_credential(account, *authorization);
  Call call(m_model, account, model::Request{op, std::move(credential)});
  Verdict verdict{m_behaviour.decide(call).outcome, false};
  verdict.bearer = authorization && has_bearer_scheme(*authorization);
  return verdict;
}

model::Decision Engine::apply_fixture(Account& account, const model::Operation& op) const {
  return m_model.apply(account.state(), model::Request{op, model::NoCredential{}});
}

bool has_bearer_scheme(std::string_view authorization) {
  while (!authorization.empty() && (authorization.front() == ' ' || authorization.front() == '\t'))
    authorization.remove_prefix(1);
  const auto end = authorization.find_first_of(" \t");
  return model::iequals_ascii(authorization.substr(0, end), "bearer");
}

}  // namespace authconform::target
