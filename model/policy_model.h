// The reference model: decides one request against one account state, in the
// three stages of spec/policy.md §2 (identity, permission, effect), and
// explains the decision by the rules that fired.
#pragma once

#include "model/account.h"
#include "model/header.h"
#include "model/outcome.h"
#include "model/request.h"
#include "model/rules.h"

#include <string>
#include <variant>

namespace authconform::model {

struct PolicyConfig {
  PolicyId policy = PolicyId::article;
  // zendesk-2026: new accounts are created after the token retirement date, so
  // generating tokens is refused (TOK-3). Off unless configured.
  bool tokens_retired = false;
  friend bool operator==(const PolicyConfig&, const PolicyConfig&) = default;
};

// Who is calling (stage 1).
struct Identity {
  enum class Kind : unsigned char { user, anonymous, unauthorized } kind = Kind::anonymous;
  std::string user;               // for Kind::user
  const OAuthToken* via_oauth{};  // set when the caller used a live OAuth token
};

class PolicyModel {
 public:
  explicit PolicyModel(PolicyConfig config = {}) : m_config(config) {}

  const PolicyConfig& config() const { return m_config; }
  AccountState initial_state() const { return new_account(m_config.tokens_retired); }

  // Decides `request` and applies its effect to `state`. Pure: the result
  // depends only on the arguments; no I/O.
  Decision apply(AccountState& state, const Request& request) const;

  // Stage 1 alone, appending the identity rules that fired to `rules`.
  Identity identify(const AccountState& state, const Credential& credential,
                    std::vector<RuleId>& rules) const;

 private:
  PolicyConfig m_config;
};

}  // namespace authconform::model
