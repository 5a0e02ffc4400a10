// The model as a target: every account is a fresh model state. Used to check
// scenarios themselves (`run --target model`) and as the fake in tests.
#pragma once

#include "model/policy_model.h"
#include "runner/target.h"

namespace authconform::runner {

class ModelTarget final : public Target {
 public:
  explicit ModelTarget(model::PolicyConfig config) : m_model(config) {}
  std::unique_ptr<AccountSession> open_account(const std::vector<ScenarioUser>& users) override;
  std::string describe() const override { return "model"; }

 private:
  model::PolicyModel m_model;
};

}  // namespace authconform::runner
