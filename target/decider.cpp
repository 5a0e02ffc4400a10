#include "target/decider.h"

#include "model/header.h"

#include <algorithm>

namespace authconform::target {
namespace {

// Presented for an email that names no user: no user's email can equal it,
// since fixtures accept no control characters in emails.
constexpr std::string_view k_no_such_email = "\x01no-such-user";
// The hidden OAuth token that lets the model decide as a chosen caller.
constexpr std::string_view k_stand_in_oauth = "\x01stand-in";

Caller caller_of(const model::Identity& identity) {
  Caller caller{identity.kind, identity.user, false, true, true};
  if (identity.via_oauth) {
    caller.via_oauth = true;
    caller.read = identity.via_oauth->read;
    caller.write = identity.via_oauth->write;
  }
  return caller;
}

std::string presented_email(const Account& account, std::string_view login, EmailMatch match) {
  const model::User* user = account.find_user_by_email(login, match);
  return user ? user->email : std::string(k_no_such_email);
}

template <class T>
const T* credential_as(const model::Request& request) {
  return std::get_if<T>(&request.credential);
}

}  // namespace

std::string password_digest(std::string_view password) {
  return password.empty() ? std::string() : to_hex(sha256(password));
}

model::Credential malformed_credential(std::string_view header) {
  // The model expands ${...} placeholders in raw headers; a real header must
  // stay literal, and without '$' it is as malformed as it was.
  std::string literal(header);
  std::replace(literal.begin(), literal.end(), '$', '?');
  return model::RawCredential{std::move(literal)};
}

model::Credential read_credential(const Account& account, std::string_view header, EmailMatch match) {
  const auto parsed = model::parse_authorization(header);
  if (!parsed) return malformed_credential(header);
  switch (parsed->kind) {
    case model::ParsedHeader::Kind::bearer:
      return model::OAuthCredential{account.oauth_name_for_secret(parsed->secret)};
    case model::ParsedHeader::Kind::token:
      return model::TokenCredential{presented_email(account, parsed->login, match),
                                    account.token_name_for_secret(parsed->secret)};
    case model::ParsedHeader::Kind::password:
      return model::PasswordCredential{presented_email(account, parsed->login, match),
                                       password_digest(parsed->secret)};
  }
  return malformed_credential(header);
}

model::ApiToken* token_in(model::AccountState& state, std::string_view name) {
  return const_cast<model::ApiToken*>(state.find_token(name));
}

model::OAuthToken* oauth_in(model::AccountState& state, std::string_view name) {
  return const_cast<model::OAuthToken*>(state.find_oauth(name));
}

Caller Call::identify(const model::AccountState& seen) const {
  std::vector<model::RuleId> rules;
  return caller_of(m_model.identify(seen, m_request.credential, rules));
}

model::Decision Call::decide(const model::Operation& op) {
  return m_model.apply(state(), model::Request{op, m_request.credential});
}

model::Decision Call::decide_as(const Caller& caller) {
  model::AccountState& s = state();
  switch (caller.kind) {
    case model::Identity::Kind::unauthorized: {
      model::Decision d;
      d.outcome = model::Outcome::unauthorized();
      return d;
    }
    case model::Identity::Kind::anonymous:
      return m_model.apply(s, model::Request{m_request.op, model::NoCredential{}});
    case model::Identity::Kind::user: break;
  }
  // A live OAuth token of `caller` with its scopes makes the model see exactly
  // that caller; it is removed again before anyone else can see the state.
  s.oauth.push_back(model::OAuthToken{std::string(k_stand_in_oauth), caller.user, caller.read,
                                      caller.write, false});
  model::Decision d = m_model.apply(
      s, model::Request{m_request.op, model::OAuthCredential{std::string(k_stand_in_oauth)}});
  std::erase_if(s.oauth, [](const model::OAuthToken& t) { return t.name == k_stand_in_oauth; });
  return d;
}

bool Call::is_password() const { return credential_as<model::PasswordCredential>(m_request) != nullptr; }
bool Call::is_token() const { return credential_as<model::TokenCredential>(m_request) != nullptr; }
bool Call::is_bearer() const { return credential_as<model::OAuthCredential>(m_request) != nullptr; }

const model::User* Call::presented_user() const {
  if (const auto* p = credential_as<model::PasswordCredential>(m_request))
    return m_account.state().find_user_by_email(p->email);
  if (const auto* t = credential_as<model::TokenCredential>(m_request))
    return m_account.state().find_user_by_email(t->email);
  return nullptr;
}

const model::ApiToken* Call::presented_token() const {
  const auto* t = credential_as<model::TokenCredential>(m_request);
  return t && !t->token.empty() ? m_account.state().find_token(t->token) : nullptr;
}

const model::OAuthToken* Call::presented_oauth() const {
  const auto* o = credential_as<model::OAuthCredential>(m_request);
  return o && !o->oauth.empty() ? m_account.state().find_oauth(o->oauth) : nullptr;
}

bool Call::password_right() const {
  const auto* p = credential_as<model::PasswordCredential>(m_request);
  const model::User* user = presented_user();
  return p && user && !p->password.empty() && user->password == p->password;
}

model::Credential read_credential_correctly(const Account& account, std::string_view header) {
  return read_credential(account, header);
}

model::Decision decide_correctly(Call& call) { return call.decide(); }

Behaviour correct_behaviour() { return Behaviour{read_credential_correctly, decide_correctly}; }

}  // namespace authconform::target
