// Sandbox accounts of the reference server: each holds the model's state plus
// what only the server knows (numeric IDs, the digests of secrets), and the
// table of all accounts.
#pragma once

#include "model/account.h"
#include "target/secrets.h"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace authconform::target {

// The prefixes of the secrets a variant hands out.
struct SecretStyle {
  std::string_view api_token = "zdt_";
  std::string_view oauth_token = "zdo_";
};

struct TokenRecord {
  int id = 0;
  std::string name;  // the model's symbolic name
  std::string description;
  std::string created_at;  // ISO 8601, UTC
  Digest digest{};
};

struct OAuthRecord {
  int id = 0;
  std::string name;  // the model's symbolic name
  Digest digest{};
};

// A secret just issued: shown to the caller once, never stored in clear.
struct IssuedSecret {
  int id = 0;
  std::string secret;
};

enum class EmailMatch : unsigned char { ignore_ascii_case, exact };

// One account. Not synchronized itself: callers hold lock() around every use.
class Account {
 public:
  Account(std::string id, model::AccountState initial, std::string admin_email, SecretStyle style);

  std::unique_lock<std::mutex> lock() { return std::unique_lock(m_mutex); }
  const std::string& id() const { return m_id; }
  model::AccountState& state() { return m_state; }
  const model::AccountState& state() const { return m_state; }

  // Users are never removed, so a user's ID is its 1-based place in the model's list.
  int user_id(std::string_view name) const;    // 0 when unknown
  const model::User* user_by_id(int id) const;  // nullptr when unknown
  const model::User* find_user_by_email(std::string_view email, EmailMatch match) const;
  std::string next_user_name() const;

  // The symbolic name of the token whose secret is `secret`, or "" for none.
  // Every record is compared (deleted ones too), without an early exit.
  std::string token_name_for_secret(std::string_view secret) const;
  std::string oauth_name_for_secret(std::string_view secret) const;

  const TokenRecord* token_by_id(int id) const;
  const TokenRecord* token_by_name(std::string_view name) const;
  const OAuthRecord* oauth_by_id(int id) const;
  const OAuthRecord* oauth_by_name(std::string_view name) const;
  const std::vector<TokenRecord>& token_records() const { return m_tokens; }
  // The records of tokens the model has not deleted, in creation order (what a list shows).
  std::vector<const TokenRecord*> live_token_records() const;
  std::string next_token_name() const;
  std::string next_oauth_name() const;
  // Called once the model has accepted the token NAME: draws its secret.
  IssuedSecret record_token(std::string name, std::string description);
  IssuedSecret record_oauth(std::string name);

  // Token access as the previous request saw it (the `stale-token-cache` mutant only).
  bool cached_token_access() const { return m_cached_token_access; }
  void set_cached_token_access(bool on) { m_cached_token_access = on; }

 private:
  std::mutex m_mutex;
  std::string m_id;
  model::AccountState m_state;
  SecretStyle m_style;
  std::vector<TokenRecord> m_tokens;
  std::vector<OAuthRecord> m_oauth;
  bool m_cached_token_access = false;
};

// All accounts of one server. Thread-safe; an account stays alive while a
// request holds it, even after it is deleted from the table.
class AccountStore {
 public:
  std::string next_id();
  void insert(std::shared_ptr<Account> account);
  std::shared_ptr<Account> find(std::string_view id) const;
  bool erase(std::string_view id);

 private:
  mutable std::mutex m_mutex;
  std::map<std::string, std::shared_ptr<Account>, std::less<>> m_accounts;
  std::uint64_t m_next_id = 1;
};

}  // namespace authconform::target
