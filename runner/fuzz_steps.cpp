#include "runner/fuzz_steps.h"

#include "model/header.h"
#include "model/overloaded.h"

#include <algorithm>
#include <ostream>
#include <unordered_set>

namespace authconform::runner {
namespace {

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Walks `text` as model::expand_header_template does, but builds nothing
// (preconditions run for every generated command): false where expanding
// fails; `missing` gets the first ${email:USER} whose user is not in `state`.
bool scan_template(const model::AccountState& state, std::string_view text, std::string_view& missing) {
  return model::walk_header_template(
      text, [](std::string_view) { return true; },
      [&](std::string_view kind, std::string_view arg) {
        if (model::is_nested_placeholder(kind)) return scan_template(state, arg, missing);
        if (kind == "email" && missing.empty() && !state.find_user_by_name(arg)) missing = arg;
        return true;
      });
}

// The users that ${email:USER} placeholders in `text` name but `state` lacks.
std::string undefined_email_user(const model::AccountState& state, const std::string& text) {
  if (text.find("${") == std::string::npos) return "";
  std::string_view missing;
  if (!scan_template(state, text, missing)) return "a bad header template";
  return missing.empty() ? "" : "no user '" + std::string(missing) + "'";
}

std::string credential_failure(const model::AccountState& state, const model::Credential& c) {
  return std::visit(
      Overloaded{
          [&](const model::PasswordCredential& p) { return undefined_email_user(state, p.email); },
          [&](const model::TokenCredential& t) { return undefined_email_user(state, t.email); },
          [&](const model::RawCredential& r) { return undefined_email_user(state, r.header); },
          [](const auto&) { return std::string(); },
      },
      c);
}

std::string user_failure(const model::AccountState& state, const std::string& user) {
  return state.find_user_by_name(user) ? "" : "no user '" + user + "'";
}

std::string operation_failure(const FuzzState& s, const model::Operation& op) {
  return std::visit(
      Overloaded{
          [&](const model::GenerateTokenOp& o) {
            return s.token_name_used(o.name) ? "token name '" + o.name + "' used before" : "";
          },
          [&](const model::IssueOAuthOp& o) {
            if (s.oauth_name_used(o.name)) return "OAuth name '" + o.name + "' used before";
            return user_failure(s.account, o.user);
          },
          [&](const model::AddUserOp& o) {
            if (s.account.find_user_by_name(o.name)) return "user '" + o.name + "' exists";
            if (s.account.find_user_by_email(o.email)) return "email '" + o.email + "' is taken";
            return std::string();
          },
          [&](const model::SetPasswordOp& o) { return user_failure(s.account, o.user); },
          [&](const model::SetTwoFactorEnrolledOp& o) { return user_failure(s.account, o.user); },
          [](const auto&) { return std::string(); },
      },
      op);
}

// The preconditions of a run of generate_token steps (the token-limit fill)
// without applying it to a copy of the state: generating a token adds no
// user, so each step needs only a name no earlier step and no step before
// the run used, and a credential naming users the state has.
bool generate_run_valid(const FuzzState& state, const std::vector<model::Request>& run) {
  std::unordered_set<std::string_view> used(state.token_names_used.begin(), state.token_names_used.end());
  for (const model::Request& r : run) {
    if (!used.insert(std::get<model::GenerateTokenOp>(r.op).name).second) return false;
    if (!credential_failure(state.account, r.credential).empty()) return false;
  }
  return true;
}

ScenarioUser cast_user(std::string name, model::Role role, std::string password, bool two_factor) {
  std::string email = name + "@example.test";
  return {std::move(name), std::move(email), role, std::move(password), two_factor};
}

}  // namespace

bool FuzzState::token_name_used(std::string_view name) const { return contains(token_names_used, name); }
bool FuzzState::oauth_name_used(std::string_view name) const {
  return name == model::k_admin_oauth_name || contains(oauth_names_used, name);
}

const std::vector<ScenarioUser>& fuzz_cast() {
  static const std::vector<ScenarioUser> k_cast{
      cast_user("eve", model::Role::end_user, "eve-pw-1", false),
      cast_user("ed", model::Role::end_user, "ed-pw-1", true),
      cast_user("al", model::Role::agent, "al:pw-\xc3\xbc" "1", true),
      cast_user("ada", model::Role::admin, "ada-pw-1", false),
  };
  return k_cast;
}

FuzzState initial_fuzz_state(model::PolicyConfig policy) {
  const model::PolicyModel model(policy);
  FuzzState state{policy, model.initial_state(), {}, {}};
  for (const ScenarioUser& u : fuzz_cast())
    model.apply(state.account, {model::AddUserOp{u.name, u.email, u.role, u.password, u.two_factor}, {}});
  return state;
}

std::string request_precondition_failure(const FuzzState& state, const model::Request& request) {
  if (std::string failure = operation_failure(state, request.op); !failure.empty()) return failure;
  if (model::is_fixture(request.op)) return "";
  return credential_failure(state.account, request.credential);
}

model::Decision apply_request(FuzzState& state, const model::Request& request) {
  if (const auto* g = std::get_if<model::GenerateTokenOp>(&request.op))
    state.token_names_used.push_back(g->name);
  if (const auto* i = std::get_if<model::IssueOAuthOp>(&request.op))
    state.oauth_names_used.push_back(i->name);
  return model::PolicyModel(state.policy).apply(state.account, request);
}

// Not m_requests{std::move(request)}: a braced list would copy the request.
FuzzCommand::FuzzCommand(model::Request request) { m_requests.push_back(std::move(request)); }
FuzzCommand::FuzzCommand(std::vector<model::Request> requests) : m_requests(std::move(requests)) {}

void FuzzCommand::checkPreconditions(const FuzzState& state) const { RC_PRE(preconditions_hold(state)); }

bool FuzzCommand::preconditions_hold(const FuzzState& state) const {
  if (m_requests.size() == 1) return request_precondition_failure(state, m_requests.front()).empty();
  if (std::all_of(m_requests.begin(), m_requests.end(), [](const model::Request& r) {
        return std::holds_alternative<model::GenerateTokenOp>(r.op);
      }))
    return generate_run_valid(state, m_requests);
  // A run's later steps meet the state its earlier ones leave.
  FuzzState s = state;
  for (const model::Request& r : m_requests) {
    if (!request_precondition_failure(s, r).empty()) return false;
    apply_request(s, r);
  }
  return true;
}

void FuzzCommand::apply(FuzzState& state) const {
  for (const model::Request& r : m_requests) apply_request(state, r);
}

void FuzzCommand::show(std::ostream& os) const {
  const std::vector<Step> steps = sequence_steps({std::make_shared<const FuzzCommand>(*this)});
  if (steps.size() > 2) {
    os << describe_step(steps.front()) << " ... (" << steps.size() << " steps)";
    return;
  }
  for (std::size_t i = 0; i < steps.size(); ++i) os << (i ? "; " : "") << describe_step(steps[i]);
}

const FuzzCommand& as_fuzz_command(const FuzzCommandBase& command) {
  return static_cast<const FuzzCommand&>(command);
}

std::string step_kind_of(const model::Operation& op) {
  if (std::holds_alternative<model::ProbeOp>(op)) return "request";
  if (const auto* u = std::get_if<model::UpdateSettingsOp>(&op)) {
    if (u->malformed) return "malformed_settings";
    const bool accept_only = u->accepted_api_agreement == true && !u->token_access &&
                             !u->end_user_password_access;
    return accept_only ? "accept_agreement" : "set";
  }
  return std::string(model::operation_name(op));
}

std::vector<Step> sequence_steps(const FuzzSequence& sequence) {
  std::vector<Step> steps;
  for (const auto& command : sequence)
    for (const model::Request& r : as_fuzz_command(*command).requests())
      steps.push_back(Step{{}, step_kind_of(r.op), r, std::nullopt});
  return steps;
}

std::size_t sequence_request_count(const FuzzSequence& sequence) {
  std::size_t n = 0;
  for (const auto& command : sequence) n += as_fuzz_command(*command).requests().size();
  return n;
}

}  // namespace authconform::runner
