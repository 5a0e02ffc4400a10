#include "tests/model/model_test_support.h"

#include "model/overloaded.h"
#include "reports/redact.h"

#include <sstream>

namespace authconform::model::tests {

std::string describe_rules(const std::vector<RuleId>& rules) {
  std::string text = "[";
  for (std::size_t i = 0; i < rules.size(); ++i) {
    text += (i == 0 ? "" : " ") + std::string(rule_code(rules[i]));
  }
  return text + "]";
}

::testing::AssertionResult decided(const Decision& decision, const Outcome& expected,
                                   std::initializer_list<RuleId> rules) {
  const bool outcome_ok = decision.outcome == expected;
  bool rules_ok = true;
  for (const RuleId rule : rules) rules_ok = rules_ok && has_rule(decision, rule);
  if (outcome_ok && rules_ok) return ::testing::AssertionSuccess();
  std::string wanted;
  for (const RuleId rule : rules) wanted += std::string(wanted.empty() ? "" : " ") + std::string(rule_code(rule));
  return ::testing::AssertionFailure()
         << "expected " << to_string(expected) << " with rules {" << wanted << "}, got "
         << to_string(decision.outcome) << " with rules " << describe_rules(decision.rules);
}

::testing::AssertionResult decided(const Decision& decision, const Outcome& expected, RuleId rule) {
  return decided(decision, expected, {rule});
}

std::string base64(std::string_view bytes) {
  static constexpr std::string_view k_alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    const std::size_t n = std::min<std::size_t>(3, bytes.size() - i);
    unsigned group = 0;
    for (std::size_t k = 0; k < 3; ++k) {
      group = (group << 8) | (k < n ? static_cast<unsigned char>(bytes[i + k]) : 0U);
    }
    for (std::size_t k = 0; k < 4; ++k) {
      out += k <= n ? k_alphabet[(group >> (18 - 6 * k)) & 63U] : '=';
    }
  }
  return out;
}

Account::Account(PolicyConfig config) : m_model(config), m_state(m_model.initial_state()) {}

Decision Account::send(Operation op, Credential credential) {
  return m_model.apply(m_state, Request{std::move(op), std::move(credential)});
}

void Account::expect_ok(const Decision& decision, std::string_view what) {
  if (decision.outcome.kind != OutcomeKind::ok) {
    ADD_FAILURE() << "set-up step '" << what << "' got " << to_string(decision.outcome)
                  << " with rules " << describe_rules(decision.rules);
  }
}

void Account::add_user(std::string_view name, Role role, bool two_factor) {
  expect_ok(send(AddUserOp{std::string(name), email_of(name), role, password_of(name), two_factor}),
            "add user");
}

void Account::add_cast() {
  add_user(k_eve, Role::end_user);
  add_user(k_ann, Role::end_user, true);
  add_user(k_alice, Role::agent);
  add_user(k_bob, Role::admin);
}

void Account::set_agent_password_access(bool on) {
  expect_ok(send(SetAgentPasswordAccessOp{on}), "agent password access");
}

void Account::set_two_factor_required(bool required) {
  expect_ok(send(SetTwoFactorRequiredOp{required}), "two factor required");
}

void Account::accept_agreement() {
  expect_ok(send(agreement_op(true), admin_oauth()), "accept agreement");
}

void Account::set_token_access(bool on) {
  expect_ok(send(token_access_op(on), admin_oauth()), "token access");
}

void Account::set_end_user_password_access(bool on) {
  expect_ok(send(end_user_access_op(on), admin_oauth()),
            "end-user password access");
}

void Account::generate(std::string_view token_name) {
  expect_ok(send(GenerateTokenOp{std::string(token_name)}, admin_oauth()), "generate token");
}

void Account::activate_tokens() {
  accept_agreement();
  set_token_access(true);
}

void Account::activate_end_user_passwords() {
  accept_agreement();
  set_end_user_password_access(true);
}

std::string describe(const Credential& credential) {
  return std::visit(
      Overloaded{
          [](const NoCredential&) { return std::string("no credential"); },
          [](const PasswordCredential& c) {
            return "password " + c.email + ":" + reports::redact(c.password, "pw_");
          },
          [](const TokenCredential& c) { return "token " + c.email + "/token:" + c.token; },
          [](const OAuthCredential& c) { return "bearer " + c.oauth; },
          // A raw header may carry an encoded password: show only its size.
          [](const RawCredential& c) {
            return "raw header of " + std::to_string(c.header.size()) + " bytes";
          },
      },
      credential);
}

namespace {

std::string describe_operation(const Operation& op) {
  const std::string kind(operation_name(op));
  return std::visit(
      Overloaded{
          [&](const ProbeOp& o) { return kind + (o.probe == Probe::me ? " me" : " tickets"); },
          [&](const UpdateSettingsOp& o) {
            auto flag = [](const std::optional<bool>& v) {
              return v ? (*v ? std::string("1") : std::string("0")) : std::string("-");
            };
            return kind + " agreement=" + flag(o.accepted_api_agreement) +
                   " tokens=" + flag(o.token_access) + " end_users=" +
                   flag(o.end_user_password_access) + (o.malformed ? " malformed" : "");
          },
          [&](const GenerateTokenOp& o) { return kind + " " + o.name; },
          [&](const SetTokenActiveOp& o) { return kind + " " + o.token + (o.active ? " on" : " off"); },
          [&](const DeleteTokenOp& o) { return kind + " " + o.token; },
          [&](const IssueOAuthOp& o) {
            return kind + " " + o.name + " for " + o.user + (o.read ? " read" : "") +
                   (o.write ? " write" : "");
          },
          [&](const RevokeOAuthOp& o) { return kind + " " + o.oauth; },
          [&](const AddUserOp& o) {
            return kind + " " + o.name + " " + o.email + " " + std::string(role_name(o.role)) +
                   (o.two_factor_enrolled ? " 2fa" : "");
          },
          [&](const SetPasswordOp& o) { return kind + " " + o.user; },
          [&](const SetTwoFactorEnrolledOp& o) { return kind + " " + o.user + (o.enrolled ? " on" : " off"); },
          [&](const SetTwoFactorRequiredOp& o) { return kind + (o.required ? " on" : " off"); },
          [&](const SetAgentPasswordAccessOp& o) { return kind + (o.on ? " on" : " off"); },
          [&](const auto&) { return kind; },
      },
      op);
}

}  // namespace

std::string describe(const Request& request) {
  return describe_operation(request.op) + " with " + describe(request.credential);
}

void PrintTo(const Request& request, std::ostream* os) { *os << describe(request); }

}  // namespace authconform::model::tests

namespace authconform::model {
void PrintTo(const Outcome& outcome, std::ostream* os) { *os << to_string(outcome); }
void PrintTo(const AccountState& s, std::ostream* os) {
  *os << "{agreement=" << s.agreement_accepted << " tokens=" << s.token_access
      << " end_users=" << s.end_user_password_access << " agents=" << s.agent_password_access
      << " 2fa_required=" << s.two_factor_required << " users:";
  for (const User& u : s.users) *os << " " << u.name << (u.two_factor_enrolled ? "(2fa)" : "");
  *os << " tokens:";
  for (const ApiToken& t : s.tokens) {
    *os << " " << t.name << (t.deleted ? "(deleted)" : t.active ? "" : "(inactive)");
  }
  *os << " oauth:";
  for (const OAuthToken& o : s.oauth) *os << " " << o.name << (o.revoked ? "(revoked)" : "");
  *os << "}";
}

void showValue(const Request& request, std::ostream& os) { os << tests::describe(request); }
void showValue(const Outcome& outcome, std::ostream& os) { os << to_string(outcome); }
}  // namespace authconform::model
