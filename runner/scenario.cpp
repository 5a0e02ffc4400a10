#include "runner/scenario.h"

#include "model/overloaded.h"
#include "reports/redact.h"

#include <array>

namespace authconform::runner {
namespace {

// "eve" for "${email:eve}", else the email as written (emails are not secret).
std::string login_of(const std::string& email) {
  constexpr std::string_view k_prefix = "${email:";
  if (email.size() > k_prefix.size() && email.compare(0, k_prefix.size(), k_prefix) == 0 &&
      email.back() == '}' && email.find('}') == email.size() - 1)
    return email.substr(k_prefix.size(), email.size() - k_prefix.size() - 1);
  return email;
}

std::string password_note(const std::string& password) {
  return "password " + reports::redact(password);
}

// A hand-written header may hold anything, secrets included: only its scheme
// word is shown, and only when it looks like one.
std::string header_note(const std::string& header) {
  const std::size_t start = header.find_first_not_of(" \t");
  if (start == std::string::npos) return "header (empty)";
  std::size_t end = start;
  while (end < header.size() && end - start <= 10 &&
         ((header[end] >= 'a' && header[end] <= 'z') || (header[end] >= 'A' && header[end] <= 'Z')))
    ++end;
  const bool scheme = end > start && end - start <= 10 &&
                      (end == header.size() || header[end] == ' ' || header[end] == '\t');
  return scheme ? "header '" + header.substr(start, end - start) + " \u2026'" : "header '\u2026'";
}

std::string describe_credential(const model::Credential& credential) {
  return std::visit(
      Overloaded{
          [](const model::NoCredential&) { return std::string("anonymous"); },
          [](const model::PasswordCredential& c) {
            return login_of(c.email) + " (" + password_note(c.password) + ")";
          },
          [](const model::TokenCredential& c) {
            return login_of(c.email) + " (token " + c.token + ")";
          },
          [](const model::OAuthCredential& c) { return "OAuth token " + c.oauth; },
          [](const model::RawCredential& c) { return header_note(c.header); },
      },
      credential);
}

std::string settings_note(const model::UpdateSettingsOp& op) {
  std::string out;
  using Words = std::array<std::string_view, 2>;  // false, true
  const auto add = [&](std::string_view key, const std::optional<bool>& value, Words words) {
    if (!value) return;
    out += (out.empty() ? " " : ", ") + std::string(key) + "=" + std::string(words[*value ? 1 : 0]);
  };
  add("accepted_api_agreement", op.accepted_api_agreement, {"false", "true"});
  add("token_access", op.token_access, {"off", "on"});
  add("end_user_password_access", op.end_user_password_access, {"off", "on"});
  return out;
}

std::string describe_user(const model::AddUserOp& o) {
  return " " + o.name + " (" + std::string(model::role_name(o.role)) + ", " + o.email + ", " +
         password_note(o.password) + (o.two_factor_enrolled ? ", 2FA enrolled)" : ")");
}

// What follows the step's kind: its arguments, without secrets.
std::string describe_arguments(const model::Operation& op) {
  return std::visit(
      Overloaded{
          [](const model::ProbeOp& o) {
            return std::string(o.probe == model::Probe::me ? " me" : " tickets");
          },
          [](const model::ReadSettingsOp&) { return std::string(); },
          [](const model::ListTokensOp&) { return std::string(); },
          [](const model::UpdateSettingsOp& o) {
            return o.malformed ? std::string(" (malformed body)") : settings_note(o);
          },
          [](const model::GenerateTokenOp& o) { return " " + o.name; },
          [](const model::SetTokenActiveOp& o) { return " " + o.token; },
          [](const model::DeleteTokenOp& o) { return " " + o.token; },
          [](const model::IssueOAuthOp& o) {
            const std::string scopes = o.read && o.write ? "read, write"
                                       : o.read          ? "read"
                                       : o.write         ? "write"
                                                         : "no scopes";
            return " " + o.name + " for " + o.user + " (" + scopes + ")";
          },
          [](const model::RevokeOAuthOp& o) { return " " + o.oauth; },
          [](const model::AddUserOp& o) { return describe_user(o); },
          [](const model::SetPasswordOp& o) {
            return " " + o.user + " (" + password_note(o.password) + ")";
          },
          [](const model::SetTwoFactorEnrolledOp& o) {
            return " " + o.user + (o.enrolled ? "" : " (unenroll)");
          },
          [](const model::SetTwoFactorRequiredOp& o) {
            return std::string(o.required ? " on" : " off");
          },
          [](const model::SetAgentPasswordAccessOp& o) {
            return std::string(o.on ? " on" : " off");
          },
      },
      op);
}

}  // namespace

std::string describe_step(const Step& step) {
  const model::Operation& op = step.request.op;
  // Steps built in memory (fuzzing) may leave `kind` empty.
  std::string line = step.kind.empty() ? std::string(model::operation_name(op)) : step.kind;
  if (step.kind.empty() && std::holds_alternative<model::ProbeOp>(op)) line = "request";
  // accept_agreement and malformed_settings say all in their name.
  const auto* settings = std::get_if<model::UpdateSettingsOp>(&op);
  const bool self_explained =
      settings != nullptr &&
      ((step.kind == "accept_agreement" && settings->accepted_api_agreement == true &&
        !settings->token_access && !settings->end_user_password_access && !settings->malformed) ||
       (step.kind == "malformed_settings" && settings->malformed));
  if (!self_explained) line += describe_arguments(op);
  if (model::is_fixture(op)) return line;
  const char* preposition = std::holds_alternative<model::ProbeOp>(op) ? " as " : " by ";
  return line + preposition + describe_credential(step.request.credential);
}

std::vector<model::AddUserOp> user_fixtures(const Scenario& scenario) {
  std::vector<model::AddUserOp> ops;
  ops.reserve(scenario.users.size());
  for (const ScenarioUser& user : scenario.users)
    ops.push_back({user.name, user.email, user.role, user.password, user.two_factor});
  return ops;
}

}  // namespace authconform::runner
