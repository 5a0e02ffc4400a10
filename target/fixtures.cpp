#include "target/fixtures.h"

#include "model/header.h"
#include "target/decider.h"

#include <algorithm>

namespace authconform::target {
namespace {

constexpr std::size_t k_max_email_bytes = 254;
constexpr std::size_t k_max_password_bytes = 1024;

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

// Emails travel inside Basic credentials and the model's header templates, so
// besides looking like an email they must survive both unchanged.
std::string email_shape_error(std::string_view email) {
  const auto at = email.find('@');
  if (email.empty() || email.size() > k_max_email_bytes || at == 0 || at == std::string_view::npos ||
      at + 1 == email.size())
    return "'email' must look like name@domain (at most 254 bytes)";
  const bool bad_char = std::any_of(email.begin(), email.end(), [](char c) {
    return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f || c == ':';
  });
  if (bad_char) return "'email' must not contain spaces, control characters or ':'";
  if (email.find("${") != std::string_view::npos) return "'email' must not contain '${'";
  if (ends_with(email, model::k_token_suffix)) return "'email' must not end in '/token'";
  return {};
}

std::string password_error(const Json& value) {
  if (!value.is_string() || value.get_ref<const std::string&>().empty())
    return "'password' must be a non-empty string";
  if (value.get_ref<const std::string&>().size() > k_max_password_bytes)
    return "'password' must be at most 1024 bytes";
  return {};
}

std::string quoted(const Json& value) { return dump_json(value); }

}  // namespace

Checked<UserSpec> read_user_spec(const Json& element, std::string_view two_factor_key) {
  if (!element.is_object()) return refused<UserSpec>("a user must be a JSON object");
  if (auto e = unknown_key_error(element, {"email", "role", "password", two_factor_key}); !e.empty())
    return refused<UserSpec>(e);
  for (std::string_view key : {"email", "role", "password"})
    if (!element.contains(key)) return refused<UserSpec>("a user needs '" + std::string(key) + "'");
  UserSpec spec;
  if (!element["email"].is_string()) return refused<UserSpec>("'email' must be a string");
  spec.email = element["email"].get<std::string>();
  if (auto e = email_shape_error(spec.email); !e.empty()) return refused<UserSpec>(e + ", got " + quoted(element["email"]));
  const auto role = element["role"].is_string() ? model::parse_role(element["role"].get<std::string>()) : std::nullopt;
  if (!role) return refused<UserSpec>("'role' must be \"end-user\", \"agent\" or \"admin\", got " + quoted(element["role"]));
  spec.role = *role;
  if (auto e = password_error(element["password"]); !e.empty()) return refused<UserSpec>(e);
  spec.password = element["password"].get<std::string>();
  if (element.contains(two_factor_key)) {
    const auto on = read_bool(element[std::string(two_factor_key)]);
    if (!on) return refused<UserSpec>("'" + std::string(two_factor_key) + "' must be true or false");
    spec.two_factor = *on;
  }
  return {spec, {}};
}

Checked<std::vector<UserSpec>> read_user_list(const std::string& body_text, std::string_view list_key,
                                              std::string_view two_factor_key) {
  using Specs = std::vector<UserSpec>;
  const std::string key(list_key);
  if (body_text.empty()) return {};
  const auto body = parse_object(body_text);
  if (!body) return refused<Specs>("the body must be a JSON object {\"" + key + "\": [...]}");
  if (auto e = unknown_key_error(*body, {list_key}); !e.empty()) return refused<Specs>(e);
  if (!body->contains(key)) return {};
  if (!body->at(key).is_array()) return refused<Specs>("'" + key + "' must be an array");
  Checked<Specs> result;
  for (const Json& element : body->at(key)) {
    Checked<UserSpec> spec = read_user_spec(element, two_factor_key);
    if (!spec.ok())
      return refused<Specs>(key + "[" + std::to_string(result.value.size()) + "]: " + spec.error);
    result.value.push_back(std::move(spec.value));
  }
  return result;
}

Checked<int> add_user_from(const Engine& engine, Account& account, const std::string& body_text,
                           std::string_view two_factor_key) {
  const auto body = parse_object(body_text);
  if (!body) return refused<int>("the body must be a JSON object (a user)");
  const auto spec = read_user_spec(*body, two_factor_key);
  if (!spec.ok()) return refused<int>(spec.error);
  return add_user(engine, account, spec.value);
}

Checked<int> add_user(const Engine& engine, Account& account, const UserSpec& spec) {
  if (account.find_user_by_email(spec.email, EmailMatch::ignore_ascii_case))
    return refused<int>("a user with the email '" + spec.email + "' already exists in this account");
  const std::string name = account.next_user_name();
  engine.apply_fixture(account, model::AddUserOp{name, spec.email, spec.role,
                                                 password_digest(spec.password), spec.two_factor});
  return {account.user_id(name), {}};
}

Checked<NewAccount> create_account(const Engine& engine, AccountStore& store,
                                   const std::vector<UserSpec>& users, SecretStyle style) {
  const std::string id = store.next_id();
  NewAccount created;
  created.account = std::make_shared<Account>(id, engine.model().initial_state(),
                                              "admin@" + id + ".conformance.test", style);
  created.admin_oauth_secret =
      created.account->record_oauth(std::string(model::k_admin_oauth_name)).secret;
  for (const UserSpec& spec : users) {
    const Checked<int> added = add_user(engine, *created.account, spec);
    if (!added.ok()) return refused<NewAccount>(added.error);
    created.user_ids.push_back(added.value);
  }
  store.insert(created.account);
  return {std::move(created), {}};
}

Checked<UserChange> read_user_change(const Json& body, std::string_view two_factor_key) {
  if (auto e = unknown_key_error(body, {"password", two_factor_key}); !e.empty())
    return refused<UserChange>(e);
  if (body.empty()) return refused<UserChange>("give 'password' or '" + std::string(two_factor_key) + "'");
  UserChange change;
  if (body.contains("password")) {
    if (auto e = password_error(body["password"]); !e.empty()) return refused<UserChange>(e);
    change.password = body["password"].get<std::string>();
  }
  if (body.contains(two_factor_key)) {
    change.two_factor = read_bool(body[std::string(two_factor_key)]);
    if (!change.two_factor)
      return refused<UserChange>("'" + std::string(two_factor_key) + "' must be true or false");
  }
  return {change, {}};
}

void apply_user_change(const Engine& engine, Account& account, const std::string& user,
                       const UserChange& change) {
  if (change.password)
    engine.apply_fixture(account, model::SetPasswordOp{user, password_digest(*change.password)});
  if (change.two_factor)
    engine.apply_fixture(account, model::SetTwoFactorEnrolledOp{user, *change.two_factor});
}

std::string change_user_from(const Engine& engine, Account& account, const std::string& user,
                             const std::string& body_text, std::string_view two_factor_key) {
  const auto body = parse_object(body_text);
  if (!body) return "the body must be a JSON object";
  const auto change = read_user_change(*body, two_factor_key);
  if (!change.ok()) return change.error;
  apply_user_change(engine, account, user, change.value);
  return {};
}

Checked<AccountChange> read_account_change(const Json& body, std::string_view required_key,
                                           std::string_view agent_key) {
  if (auto e = unknown_key_error(body, {required_key, agent_key}); !e.empty())
    return refused<AccountChange>(e);
  if (body.empty())
    return refused<AccountChange>("give '" + std::string(required_key) + "' or '" + std::string(agent_key) + "'");
  AccountChange change;
  for (const auto& [key, value] : body.items()) {
    const auto on = read_bool(value);
    if (!on) return refused<AccountChange>("'" + key + "' must be true or false");
    (key == required_key ? change.two_factor_required : change.agent_password_access) = on;
  }
  return {change, {}};
}

std::string change_account_from(const Engine& engine, Account& account, const std::string& body_text,
                                std::string_view required_key, std::string_view agent_key) {
  const auto body = parse_object(body_text);
  if (!body) return "the body must be a JSON object";
  const auto change = read_account_change(*body, required_key, agent_key);
  if (!change.ok()) return change.error;
  apply_account_change(engine, account, change.value);
  return {};
}

void apply_account_change(const Engine& engine, Account& account, const AccountChange& change) {
  if (change.two_factor_required)
    engine.apply_fixture(account, model::SetTwoFactorRequiredOp{*change.two_factor_required});
  // zendesk-2026 keeps the legacy setting off; the model ignores the request
  // and the fixture answers with the state as it is (policy.md §4).
  if (change.agent_password_access)
    engine.apply_fixture(account, model::SetAgentPasswordAccessOp{*change.agent_password_access});
}

}  // namespace authconform::target
