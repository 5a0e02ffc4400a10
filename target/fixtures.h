// The fixture interface's logic, shared by both variants (which differ only in
// paths and key names): accounts, users with known passwords, 2FA switches.
#pragma once

#include "model/request.h"
#include "target/account_store.h"
#include "target/engine.h"
#include "target/json_input.h"

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace authconform::target {

// A value, or the reason the input was refused (a 400 or 422 description).
template <class T>
struct Checked {
  T value{};
  std::string error;
  bool ok() const { return error.empty(); }
};

template <class T>
Checked<T> refused(std::string error) {
  return Checked<T>{T{}, std::move(error)};
}

struct UserSpec {
  std::string email;
  model::Role role = model::Role::end_user;
  std::string password;
  bool two_factor = false;
};

// `{"email", "role", "password", TWO_FACTOR_KEY}`; the last is optional (false).
Checked<UserSpec> read_user_spec(const Json& element, std::string_view two_factor_key);
// The users listed under LIST_KEY in a request body (`{"users": [...]}`);
// none when the body is empty or has no such key.
Checked<std::vector<UserSpec>> read_user_list(const std::string& body_text, std::string_view list_key,
                                              std::string_view two_factor_key);

struct NewAccount {
  std::shared_ptr<Account> account;
  std::string admin_oauth_secret;  // returned once, at creation
  std::vector<int> user_ids;       // of `users`, in order
};

// Creates an account with `users` besides the built-in admin and stores it;
// nothing is stored when a user is refused.
Checked<NewAccount> create_account(const Engine& engine, AccountStore& store,
                                   const std::vector<UserSpec>& users, SecretStyle style);

// Adds a user to `account`, which the caller holds locked; returns its ID.
Checked<int> add_user(const Engine& engine, Account& account, const UserSpec& spec);
// The same, the user read from a request body (an object of read_user_spec).
Checked<int> add_user_from(const Engine& engine, Account& account, const std::string& body_text,
                           std::string_view two_factor_key);

struct UserChange {
  std::optional<std::string> password;
  std::optional<bool> two_factor;
};
// One or more of `password` and TWO_FACTOR_KEY.
Checked<UserChange> read_user_change(const Json& body, std::string_view two_factor_key);
void apply_user_change(const Engine& engine, Account& account, const std::string& user,
                       const UserChange& change);
// The change a request body asks of `user`, read and applied; why it was
// refused ("" when applied).
std::string change_user_from(const Engine& engine, Account& account, const std::string& user,
                             const std::string& body_text, std::string_view two_factor_key);

struct AccountChange {
  std::optional<bool> two_factor_required;
  std::optional<bool> agent_password_access;
};
// One or more of REQUIRED_KEY and AGENT_KEY, JSON booleans.
Checked<AccountChange> read_account_change(const Json& body, std::string_view required_key,
                                           std::string_view agent_key);
void apply_account_change(const Engine& engine, Account& account, const AccountChange& change);
// The change a request body asks of the account, read and applied; why it was
// refused ("" when applied).
std::string change_account_from(const Engine& engine, Account& account, const std::string& body_text,
                                std::string_view required_key, std::string_view agent_key);

}  // namespace authconform::target
