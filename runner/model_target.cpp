#include "runner/model_target.h"

namespace authconform::runner {
namespace {

class ModelSession final : public AccountSession {
 public:
  ModelSession(const model::PolicyModel& model, const std::vector<ScenarioUser>& users)
      : m_model(model), m_state(model.initial_state()) {
    for (const ScenarioUser& u : users)
      m_model.apply(m_state, {model::AddUserOp{u.name, u.email, u.role, u.password, u.two_factor}, {}});
  }

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
