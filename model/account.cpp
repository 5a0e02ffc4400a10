#include "model/account.h"

#include "model/policy_model.h"

#include <algorithm>
#include <functional>

namespace authconform::model {

const User* AccountState::find_user_by_name(std::string_view name) const {
  auto it = std::find_if(users.begin(), users.end(), [&](const User& u) { return u.name == name; });
  return it == users.end() ? nullptr : &*it;
}

const User* AccountState::find_user_by_email(std::string_view email) const {
  auto it = std::find_if(users.begin(), users.end(),
                         [&](const User& u) { return iequals_ascii(u.email, email); });
  return it == users.end() ? nullptr : &*it;
}

// The newest token of that name: a name may be reused after a deletion.
const ApiToken* AccountState::find_token(std::string_view name) const {
  auto it = std::find_if(tokens.rbegin(), tokens.rend(),
                         [&](const ApiToken& t) { return t.name == name; });
  return it == tokens.rend() ? nullptr : &*it;
}

const OAuthToken* AccountState::find_oauth(std::string_view name) const {
  auto it = std::find_if(oauth.rbegin(), oauth.rend(),
                         [&](const OAuthToken& t) { return t.name == name; });
  return it == oauth.rend() ? nullptr : &*it;
}

std::size_t AccountState::live_token_count() const {
  return static_cast<std::size_t>(
      std::count_if(tokens.begin(), tokens.end(), [](const ApiToken& t) { return !t.deleted; }));
}

AccountState new_account(bool tokens_retired) {
  AccountState state;
  state.tokens_retired = tokens_retired;
  state.users.push_back(User{std::string(k_admin_name), std::string(k_admin_email), Role::admin,
                             std::string(k_unknowable_password), false});
  state.oauth.push_back(
      OAuthToken{std::string(k_admin_oauth_name), std::string(k_admin_name), true, true, false});
  return state;
}

namespace {
void mix(std::size_t& seed, std::size_t value) {
  seed ^= value + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2);
}
void mix_str(std::size_t& seed, const std::string& s) { mix(seed, std::hash<std::string>{}(s)); }
}  // namespace

std::size_t hash_value(const AccountState& s) {
  std::size_t seed = 0;
  const unsigned flags = (s.agreement_accepted << 0) | (s.token_access << 1) |
                         (s.end_user_password_access << 2) | (s.agent_password_access << 3) |
                         (s.two_factor_required << 4) | (s.tokens_retired << 5) |
                         (s.token_access_ever_on << 6) | (s.end_user_password_access_ever_on << 7);
  mix(seed, flags);
  for (const User& u : s.users) {
    mix_str(seed, u.name);
    mix_str(seed, u.email);
    mix_str(seed, u.password);
    mix(seed, static_cast<std::size_t>(u.role) * 2 + u.two_factor_enrolled);
  }
  for (const ApiToken& t : s.tokens) {
    mix_str(seed, t.name);
    mix(seed, t.active * 4u + t.deleted * 2u + t.survived_off_cycle);
  }
  for (const OAuthToken& o : s.oauth) {
    mix_str(seed, o.name);
    mix_str(seed, o.owner);
    mix(seed, o.read * 4u + o.write * 2u + o.revoked);
  }
  return seed;
}

}  // namespace authconform::model
