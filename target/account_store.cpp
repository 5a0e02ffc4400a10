#include "target/account_store.h"

#include <algorithm>
#include <chrono>
#include <ctime>

namespace authconform::target {
namespace {

constexpr std::size_t k_token_secret_bytes = 20;
constexpr std::size_t k_oauth_secret_bytes = 32;

std::string utc_now_iso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

// The name among `records` whose digest equals that of `secret`. Every record
// is compared so that the time taken does not depend on where a match is.
template <class Record>
std::string name_for_secret(const std::vector<Record>& records, std::string_view secret) {
  const Digest digest = sha256(secret);
  const Record* found = nullptr;
  for (const Record& r : records) {
    const bool same = same_digest(r.digest, digest);
    found = same ? &r : found;
  }
  return found ? found->name : std::string();
}

template <class Record>
const Record* record_by_id(const std::vector<Record>& records, int id) {
  if (id < 1 || static_cast<std::size_t>(id) > records.size()) return nullptr;
  return &records[static_cast<std::size_t>(id) - 1];
}

template <class Record>
const Record* record_by_name(const std::vector<Record>& records, std::string_view name) {
  auto it = std::find_if(records.begin(), records.end(), [&](const Record& r) { return r.name == name; });
  return it == records.end() ? nullptr : &*it;
}

}  // namespace

Account::Account(std::string id, model::AccountState initial, std::string admin_email,
                 SecretStyle style)
    : m_id(std::move(id)), m_state(std::move(initial)), m_style(style) {
  m_state.users.front().email = std::move(admin_email);
}

int Account::user_id(std::string_view name) const {
  for (std::size_t i = 0; i < m_state.users.size(); ++i)
    if (m_state.users[i].name == name) return static_cast<int>(i) + 1;
  return 0;
}

const model::User* Account::user_by_id(int id) const { return record_by_id(m_state.users, id); }

const model::User* Account::find_user_by_email(std::string_view email, EmailMatch match) const {
  if (match == EmailMatch::ignore_ascii_case) return m_state.find_user_by_email(email);
  auto it = std::find_if(m_state.users.begin(), m_state.users.end(),
                         [&](const model::User& u) { return u.email == email; });
  return it == m_state.users.end() ? nullptr : &*it;
}

std::string Account::next_user_name() const { return "u" + std::to_string(m_state.users.size() + 1); }

std::string Account::token_name_for_secret(std::string_view secret) const {
  return name_for_secret(m_tokens, secret);
}

std::string Account::oauth_name_for_secret(std::string_view secret) const {
  return name_for_secret(m_oauth, secret);
}

const TokenRecord* Account::token_by_id(int id) const { return record_by_id(m_tokens, id); }
const TokenRecord* Account::token_by_name(std::string_view name) const {
  return record_by_name(m_tokens, name);
}
const OAuthRecord* Account::oauth_by_id(int id) const { return record_by_id(m_oauth, id); }
const OAuthRecord* Account::oauth_by_name(std::string_view name) const {
  return record_by_name(m_oauth, name);
}

std::string Account::next_token_name() const { return "t" + std::to_string(m_tokens.size() + 1); }
std::string Account::next_oauth_name() const { return "o" + std::to_string(m_oauth.size() + 1); }

IssuedSecret Account::record_token(std::string name, std::string description) {
  IssuedSecret issued{static_cast<int>(m_tokens.size()) + 1,
                      random_secret(m_style.api_token, k_token_secret_bytes)};
  m_tokens.push_back(TokenRecord{issued.id, std::move(name), std::move(description),
                                 utc_now_iso8601(), sha256(issued.secret)});
  return issued;
}

IssuedSecret Account::record_oauth(std::string name) {
  IssuedSecret issued{static_cast<int>(m_oauth.size()) + 1,
                      random_secret(m_style.oauth_token, k_oauth_secret_bytes)};
  m_oauth.push_back(OAuthRecord{issued.id, std::move(name), sha256(issued.secret)});
  return issued;
}

std::string AccountStore::next_id() {
  std::lock_guard lock(m_mutex);
  return "acct-" + std::to_string(m_next_id++);
}

void AccountStore::insert(std::shared_ptr<Account> account) {
  std::lock_guard lock(m_mutex);
  const std::string id = account->id();
  m_accounts.emplace(id, std::move(account));
}

std::shared_ptr<Account> AccountStore::find(std::string_view id) const {
  std::lock_guard lock(m_mutex);
  auto it = m_accounts.find(id);
  return it == m_accounts.end() ? nullptr : it->second;
}

bool AccountStore::erase(std::string_view id) {
  std::lock_guard lock(m_mutex);
  auto it = m_accounts.find(id);
  if (it == m_accounts.end()) return false;
  m_accounts.erase(it);
  return true;
}

std::vector<const TokenRecord*> Account::live_token_records() const {
  std::vector<const TokenRecord*> live;
  for (const TokenRecord& record : m_tokens) {
    const model::ApiToken* token = m_state.find_token(record.name);
    if (token && !token->deleted) live.push_back(&record);
  }
  return live;
}

}  // namespace authconform::target
