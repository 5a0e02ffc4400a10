// How the reference server turns one API request into a decision: it reads the
// Authorization header into the model's credential, then lets the model decide
// against the account's state. A mutant replaces either step (see mutants.cpp);
// `Call` gives it the pieces to deviate in one small, explicit place.
#pragma once

#include "model/policy_model.h"
#include "target/account_store.h"

#include <string>
#include <string_view>

namespace authconform::target {

// An identity detached from any state (model::Identity points into one).
struct Caller {
  model::Identity::Kind kind = model::Identity::Kind::anonymous;
  std::string user;  // for Kind::user
  bool via_oauth = false;
  bool read = true;  // the OAuth token's scopes; both true otherwise
  bool write = true;

  static Caller anonymous() { return {}; }
  static Caller unauthorized() { return {model::Identity::Kind::unauthorized, {}, false, true, true}; }
  bool is_user() const { return kind == model::Identity::Kind::user; }
};

// One API request being decided against an account the caller holds locked.
class Call {
 public:
  Call(const model::PolicyModel& model, Account& account, model::Request request)
      : m_model(model), m_account(account), m_request(std::move(request)) {}

  const model::Request& request() const { return m_request; }
  const model::Operation& op() const { return m_request.op; }
  Account& account() { return m_account; }
  model::AccountState& state() { return m_account.state(); }

  // The identity the model gives the credential in `seen` (the account's state by default).
  Caller identify() const { return identify(m_account.state()); }
  Caller identify(const model::AccountState& seen) const;
  // The model's decision, applied to the account's state.
  model::Decision decide() { return decide(m_request.op); }
  // Another operation with the same credential, applied to the account's state.
  model::Decision decide(const model::Operation& op);
  // The operation decided as if `caller` had sent it, applied to the account's state.
  model::Decision decide_as(const Caller& caller);

  // What the credential presents (nullptr when it presents no such thing).
  bool is_password() const;
  bool is_token() const;
  bool is_bearer() const;
  const model::User* presented_user() const;  // the email of a password or token credential
  const model::ApiToken* presented_token() const;
  const model::OAuthToken* presented_oauth() const;
  bool password_right() const;  // a password credential with the user's password

 private:
  const model::PolicyModel& m_model;
  Account& m_account;
  model::Request m_request;
};

// The correct reading of an Authorization header (policy.md §1): a malformed
// header becomes a RawCredential the model refuses (ANO-2); otherwise the real
// email and secret are mapped to the model's symbolic names. Passwords reach the
// model as SHA-256 hex digests, as the account stores them.
model::Credential read_credential(const Account& account, std::string_view header,
                                  EmailMatch match = EmailMatch::ignore_ascii_case);
// A credential the model reads as malformed (ANO-2), whatever `header` holds.
model::Credential malformed_credential(std::string_view header);
// The digest a password is stored and presented as ("" for an empty password, which never matches).
std::string password_digest(std::string_view password);

// Mutable access to an object of a state copy that a mutant tweaks.
model::ApiToken* token_in(model::AccountState& state, std::string_view name);
model::OAuthToken* oauth_in(model::AccountState& state, std::string_view name);

using CredentialReader = model::Credential (*)(const Account&, std::string_view header);
using Decider = model::Decision (*)(Call&);

// The two replaceable steps of deciding a request.
struct Behaviour {
  CredentialReader read_credential;
  Decider decide;
};

// The correct steps, and the behaviour made of them.
model::Credential read_credential_correctly(const Account& account, std::string_view header);
model::Decision decide_correctly(Call& call);
Behaviour correct_behaviour();

}  // namespace authconform::target
