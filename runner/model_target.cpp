#include "runner/model_target.h"

namespace authconform::runner {
namespace {

model::AccountState opened_state(const model::PolicyModel& model, const std::vector<ScenarioUser>& users) {
  model::AccountState state = model.initial_state();
  for (const ScenarioUser& u : users)
    model.apply(state, {model::AddUserOp{u.name, u.email, u.role, u.password, u.two_factor}, {}});
  return state;
}

// Fuzzing opens an account with the same users for every sequence: the state
// they give is built once per thread (the last one asked for) and copied.
const model::AccountState& cached_opened_state(const model::PolicyModel& model,
                                               const std::vector<ScenarioUser>& users) {
  struct Cache {
    bool filled = false;
    model::PolicyConfig config;
    std::vector<ScenarioUser> users;
    model::AccountState state;
  };
  thread_local Cache cache;
  const model::PolicyConfig& config = model.config();
  if (!cache.filled || cache.config != config || cache.users != users) {
    cache.state = opened_state(model, users);
    cache.config = config;
    cache.users = users;
    cache.filled = true;
  }
  return cache.state;
}

class ModelSession final : public AccountSession {
 public:
  ModelSession(const model::PolicyModel& model, const std::vector<ScenarioUser>& users)
      : m_model(model), m_state(cached_opened_state(model, users)) {}

  Observation execute(const model::Request& request) override {
    return Observation{m_model.apply(m_state, request).outcome, {}};
  }

 private:
  const model::PolicyModel& m_model;
  model::AccountState m_state;
};

}  // namespace

std::unique_ptr<AccountSession> ModelTarget::open_account(const std::vector<ScenarioUser>& users) {
  return std::make_unique<ModelSession>(m_model, users);
}

}  // namespace authconform::runner
