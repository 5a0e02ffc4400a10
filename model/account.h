// The state of one account (spec/policy.md §1) as a plain value: copyable,
// comparable and hashable, so that shrinking and exhaustive exploration can
// keep and compare states freely.
#pragma once

#include "model/request.h"

#include <cstddef>
#include <string>
#include <vector>

namespace authconform::model {

struct User {
  std::string name;   // symbolic, chosen by the scenario; the built-in admin is "admin"
  std::string email;  // as given; matched without ASCII case
  Role role = Role::end_user;
  std::string password;  // never empty; the admin's is unknown to checkers
  bool two_factor_enrolled = false;
  friend bool operator==(const User&, const User&) = default;
};

struct ApiToken {
  std::string name;
  bool active = true;
  bool deleted = false;  // kept so that a deleted token is told apart from a made-up one
  // Token access was turned off and back on while this token was kept (TOK-6).
  bool survived_off_cycle = false;
  friend bool operator==(const ApiToken&, const ApiToken&) = default;
};

struct OAuthToken {
  std::string name;
  std::string owner;  // user name
  bool read = true;
  bool write = true;
  bool revoked = false;
  friend bool operator==(const OAuthToken&, const OAuthToken&) = default;
};

inline constexpr std::size_t k_token_limit = 256;
inline constexpr std::string_view k_admin_oauth_name = "admin-oauth";
inline constexpr std::string_view k_admin_email = "admin@account.test";
// The built-in admin's password in the model: no credential can present it,
// because checkers do not know the target's.
inline constexpr std::string_view k_unknowable_password = "\x01unknowable\x01";

struct AccountState {
  bool agreement_accepted = false;
  bool token_access = false;
  bool end_user_password_access = false;
  bool agent_password_access = false;
  bool two_factor_required = false;
  // zendesk-2026: the account was created after the token retirement date.
  bool tokens_retired = false;
  // History that explanations need (ACT-1, TOK-1, PWD-1, PWD-5): has the
  // setting ever been turned on?
  bool token_access_ever_on = false;
  bool end_user_password_access_ever_on = false;

  std::vector<User> users;         // users[0] is the built-in admin
  std::vector<ApiToken> tokens;    // in creation order, deleted ones included
  std::vector<OAuthToken> oauth;   // oauth[0] is the admin's built-in token

  friend bool operator==(const AccountState&, const AccountState&) = default;

  const User* find_user_by_name(std::string_view name) const;
  const User* find_user_by_email(std::string_view email) const;  // ASCII case-insensitive
  const ApiToken* find_token(std::string_view name) const;
  const OAuthToken* find_oauth(std::string_view name) const;
  std::size_t live_token_count() const;  // not deleted
};

// A new account: §1 of the spec, with the built-in admin and its OAuth token.
AccountState new_account(bool tokens_retired = false);

std::size_t hash_value(const AccountState& state);

}  // namespace authconform::model

template <>
struct std::hash<authconform::model::AccountState> {
  std::size_t operator()(const authconform::model::AccountState& s) const noexcept {
    return authconform::model::hash_value(s);
  }
};
