// Helpers shared by the model's tests: an account with a fixed cast of users,
// request builders, and printers that keep secrets out of test output.
//
// The expectations in these tests come from spec/policy.md, not from the
// model's sources: where a test fails, the model disagrees with the spec.
#pragma once

#include "model/policy_model.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <initializer_list>
#include <ostream>
#include <string>
#include <vector>

namespace authconform::model::tests {

// The cast: one user per role besides the built-in admin, plus an end user
// enrolled in 2FA. Emails are NAME@example.test, passwords NAME-pw.
inline constexpr std::string_view k_eve = "eve";      // end user
inline constexpr std::string_view k_ann = "ann";      // end user, 2FA enrolled
inline constexpr std::string_view k_alice = "alice";  // agent
inline constexpr std::string_view k_bob = "bob";      // admin (not the built-in one)

inline std::string email_of(std::string_view name) { return std::string(name) + "@example.test"; }
inline std::string password_of(std::string_view name) { return std::string(name) + "-pw"; }

inline Credential admin_oauth() { return OAuthCredential{std::string(k_admin_oauth_name)}; }
inline Credential password(std::string_view name) {
  return PasswordCredential{email_of(name), password_of(name)};
}
inline Credential token(std::string email, std::string token_name) {
  return TokenCredential{std::move(email), std::move(token_name)};
}
inline Credential raw(std::string header) { return RawCredential{std::move(header)}; }

// Settings changes with one key each (designated initializers would trip
// -Wmissing-field-initializers).
inline UpdateSettingsOp agreement_op(bool accepted) {
  UpdateSettingsOp op;
  op.accepted_api_agreement = accepted;
  return op;
}
inline UpdateSettingsOp token_access_op(bool on) {
  UpdateSettingsOp op;
  op.token_access = on;
  return op;
}
inline UpdateSettingsOp end_user_access_op(bool on) {
  UpdateSettingsOp op;
  op.end_user_password_access = on;
  return op;
}

// RFC 4648 base64, written here independently of the model's encoder.
std::string base64(std::string_view bytes);
// "Basic " + base64(text).
inline Credential basic(std::string_view text) { return raw("Basic " + base64(text)); }

inline bool has_rule(const Decision& decision, RuleId id) {
  return std::find(decision.rules.begin(), decision.rules.end(), id) != decision.rules.end();
}

std::string describe_rules(const std::vector<RuleId>& rules);

// The outcome is `expected` and `rule` fired; the failure message shows both.
::testing::AssertionResult decided(const Decision& decision, const Outcome& expected, RuleId rule);
// The same for each rule of `rules`.
::testing::AssertionResult decided(const Decision& decision, const Outcome& expected,
                                   std::initializer_list<RuleId> rules);

// One account under one policy, decided by the model. `send` returns the
// decision; fixtures assert their own success so that a broken set-up shows
// where it broke.
class Account {
 public:
  explicit Account(PolicyConfig config = {});

  Decision send(Operation op, Credential credential = NoCredential{});
  Decision probe(Credential credential, Probe probe = Probe::me) {
    return send(ProbeOp{probe}, std::move(credential));
  }

  // Fixture interface.
  void add_user(std::string_view name, Role role, bool two_factor = false);
  void add_cast();  // eve, ann (2FA), alice (agent), bob (admin)
  void set_agent_password_access(bool on);
  void set_two_factor_required(bool required);

  // Settings and tokens, as the built-in admin over OAuth; each asserts ok.
  void accept_agreement();
  void set_token_access(bool on);
  void set_end_user_password_access(bool on);
  void generate(std::string_view token_name);
  void activate_tokens();  // agreement + token access on
  void activate_end_user_passwords();  // agreement + end-user password access on

  const AccountState& state() const { return m_state; }
  AccountState& mutable_state() { return m_state; }
  const PolicyModel& model() const { return m_model; }

 private:
  void expect_ok(const Decision& decision, std::string_view what);

  PolicyModel m_model;
  AccountState m_state;
};

// Most rule tests start from an account holding the cast, under `article`.
class Rule : public ::testing::Test {
 protected:
  Rule() { account.add_cast(); }
  Account account;
};

// Printable forms for failure messages and RapidCheck counterexamples.
// Passwords and secrets are redacted.
std::string describe(const Credential& credential);
std::string describe(const Request& request);
void PrintTo(const Request& request, std::ostream* os);

}  // namespace authconform::model::tests

namespace authconform::model {
// Found by GoogleTest through ADL when it prints a value in a failure.
void PrintTo(const Outcome& outcome, std::ostream* os);
// A summary (settings, users, tokens) without passwords.
void PrintTo(const AccountState& state, std::ostream* os);
// Found by RapidCheck through ADL when it shows a counterexample.
void showValue(const Request& request, std::ostream& os);
void showValue(const Outcome& outcome, std::ostream& os);
}  // namespace authconform::model
