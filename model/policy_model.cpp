#include "model/policy_model.h"

#include "model/overloaded.h"

#include <algorithm>

namespace authconform::model {
namespace {

using R = RuleId;


Identity unauthorized() { return {Identity::Kind::unauthorized, {}, nullptr}; }
Identity anonymous() { return {Identity::Kind::anonymous, {}, nullptr}; }
Identity as_user(const std::string& name) { return {Identity::Kind::user, name, nullptr}; }

}  // namespace

// --- stage 1: identity -------------------------------------------------------

namespace {

// `name`: the OAuth token name a bearer secret stands for ("" for none of ours).
Identity identify_bearer_name(const AccountState& s, std::string_view name, std::vector<R>& rules) {
  const OAuthToken* token = name.empty() ? nullptr : s.find_oauth(name);
  if (!token || token->revoked) {
    rules.push_back(R::OAU_2);
    return unauthorized();
  }
  rules.push_back(R::OAU_1);
  Identity id = as_user(token->owner);
  id.via_oauth = token;
  return id;
}

Identity identify_bearer(const AccountState& s, std::string_view secret, std::vector<R>& rules) {
  return identify_bearer_name(s, symbolic_secret_name(secret, "oauth"), rules);
}

// `name`: the API token name the secret stands for ("" for none of ours).
Identity identify_token(const AccountState& s, std::string_view login, std::string_view name,
                        std::vector<R>& rules) {
  if (!s.token_access) {
    if (!s.token_access_ever_on) rules.push_back(R::TOK_1);
    rules.push_back(R::TOK_5);
    return unauthorized();
  }
  const ApiToken* token = name.empty() ? nullptr : s.find_token(name);
  const User* user = s.find_user_by_email(login);
  if (!token || token->deleted || !token->active || !user) {
    rules.push_back(R::TOK_7);
    return unauthorized();
  }
  rules.push_back(R::TOK_4);
  if (token->survived_off_cycle) rules.push_back(R::TOK_6);
  return as_user(user->name);
}

// The password path once the password is known to be right.
Identity identify_known_password(const AccountState& s, PolicyId policy, const User& user,
                                 std::vector<R>& rules) {
  const bool two_factor = user.two_factor_enrolled || s.two_factor_required;
  if (policy == PolicyId::zendesk_2026 &&
      (s.two_factor_required || (user.two_factor_enrolled && user.role != Role::end_user))) {
    rules.push_back(R::TFA_1);
    return anonymous();
  }
  Identity id = anonymous();
  if (user.role == Role::end_user) {
    if (s.end_user_password_access) {
      rules.push_back(R::PWD_4);
      id = as_user(user.name);
    } else {
      rules.push_back(R::PWD_3);
      rules.push_back(s.end_user_password_access_ever_on ? R::PWD_5 : R::PWD_1);
    }
  } else {
    rules.push_back(R::PWD_6);
    if (s.agent_password_access) id = as_user(user.name);
  }
  if (two_factor && policy == PolicyId::article) rules.push_back(R::PWD_8);
  return id;
}

Identity identify_password(const AccountState& s, PolicyId policy, std::string_view login,
                           std::string_view password, std::vector<R>& rules) {
  const User* user = s.find_user_by_email(login);
  const bool right = user && !password.empty() && user->password != k_unknowable_password &&
                     user->password == password;
  if (!right) {
    rules.push_back(R::PWD_7);
    return anonymous();
  }
  return identify_known_password(s, policy, *user, rules);
}

// The login a structured credential's email stands for, when it is plain text
// or exactly "${email:NAME}" of a user (as parse_credential's direct reading
// resolves it); false where the general path must decide.
bool direct_login(const AccountState& s, std::string_view email, std::string_view& login) {
  if (email.find("${") == std::string_view::npos) {
    login = email;
    return true;
  }
  const std::optional<std::string_view> name = lone_email_placeholder(email);
  if (!name) return false;
  const User* user = s.find_user_by_name(*name);
  if (!user) return false;
  login = user->email;
  return true;
}

// What the general path decides for the common structured credentials,
// without rendering them or building their symbolic secrets (identify runs
// for every request): nullopt where the general path must decide.
// properties_test checks that both paths agree.
std::optional<Identity> identify_directly(const AccountState& s, PolicyId policy, const Credential& credential,
                                          std::vector<R>& rules) {
  // The name as written: its symbolic secret ends with a closing byte, so
  // the header's trimming never shortens it (a name with trailing blanks is
  // another, unknown name, as the HTTP target resolves it).
  if (const auto* o = std::get_if<OAuthCredential>(&credential)) return identify_bearer_name(s, o->oauth, rules);
  std::string_view login;
  if (const auto* p = std::get_if<PasswordCredential>(&credential)) {
    if (!direct_login(s, p->email, login) || login.ends_with(k_token_suffix) || !splits_back(login, p->password))
      return std::nullopt;
    return identify_password(s, policy, login, p->password, rules);
  }
  if (const auto* t = std::get_if<TokenCredential>(&credential)) {
    if (!direct_login(s, t->email, login) || !splits_back(login, t->token)) return std::nullopt;
    return identify_token(s, login, t->token, rules);
  }
  return std::nullopt;
}

}  // namespace

Identity PolicyModel::identify(const AccountState& s, const Credential& credential,
                               std::vector<R>& rules) const {
  if (std::holds_alternative<NoCredential>(credential)) {
    rules.push_back(R::ANO_1);
    return anonymous();
  }
  if (auto direct = identify_directly(s, m_config.policy, credential, rules)) return std::move(*direct);
  const SecretResolver resolve = [&](std::string_view kind, std::string_view name) {
    if (kind == "email") {
      const User* u = s.find_user_by_name(name);
      return u ? u->email : std::string(name) + "@unknown.test";
    }
    return symbolic_secret(kind, name);
  };
  const auto parsed = parse_credential(credential, resolve);
  if (!parsed) {
    rules.push_back(R::ANO_2);
    return unauthorized();
  }
  switch (parsed->kind) {
    case ParsedHeader::Kind::bearer: return identify_bearer(s, parsed->secret, rules);
    case ParsedHeader::Kind::token:
      return identify_token(s, parsed->login, symbolic_secret_name(parsed->secret, "token"), rules);
    case ParsedHeader::Kind::password:
      return identify_password(s, m_config.policy, parsed->login, parsed->secret, rules);
  }
  return unauthorized();
}

// --- stages 2 and 3 ------------------------------------------------------------

namespace {

struct Context {
  AccountState& s;
  const PolicyConfig& config;
  const Identity& id;
  Decision& d;

  const User* caller() const { return id.kind == Identity::Kind::user ? s.find_user_by_name(id.user) : nullptr; }
  bool caller_is(Role role) const { const User* u = caller(); return u && u->role == role; }
  void fire(R rule) { d.rules.push_back(rule); }
  void outcome(Outcome o) { d.outcome = std::move(o); }
};

// PRB-2 / PRB-3: an agent or admin. Returns false after setting the refusal.
bool require_agent(Context& c, R rule) {
  c.fire(rule);
  if (c.id.kind == Identity::Kind::anonymous) { c.outcome(Outcome::unauthorized()); return false; }
  if (c.caller_is(Role::end_user)) { c.outcome(Outcome::forbidden(Reason::not_agent)); return false; }
  return true;
}

// ADM-1: an admin.
bool require_admin(Context& c) {
  c.fire(R::ADM_1);
  if (c.id.kind == Identity::Kind::anonymous) { c.outcome(Outcome::unauthorized()); return false; }
  if (!c.caller_is(Role::admin)) { c.outcome(Outcome::forbidden(Reason::not_admin)); return false; }
  return true;
}

void refuse_unaccepted(Context& c) {
  c.fire(R::ACT_1);
  // `accepted_api_agreement: false` in the same change may have fired it already.
  if (std::find(c.d.rules.begin(), c.d.rules.end(), R::ACT_3) == c.d.rules.end()) c.fire(R::ACT_3);
  c.outcome(Outcome::forbidden(Reason::agreement_not_accepted));
}

void set_token_access(Context& c, bool on) {
  c.fire(R::TOK_2);
  AccountState& s = c.s;
  if (on && !s.token_access) {
    const bool any_kept = std::any_of(s.tokens.begin(), s.tokens.end(),
                                      [](const ApiToken& t) { return !t.deleted; });
    if (s.token_access_ever_on && any_kept) {
      c.fire(R::TOK_6);
      for (ApiToken& t : s.tokens) if (!t.deleted) t.survived_off_cycle = true;
    }
    s.token_access_ever_on = true;
  }
  s.token_access = on;
}

void set_end_user_password_access(Context& c, bool on) {
  c.fire(R::PWD_2);
  AccountState& s = c.s;
  if (!on && s.end_user_password_access) c.fire(R::PWD_5);
  if (on) s.end_user_password_access_ever_on = true;
  s.end_user_password_access = on;
}

void update_settings(Context& c, const UpdateSettingsOp& op) {
  if (!require_admin(c)) return;
  if (op.malformed) {
    c.outcome(Outcome::invalid());
    // C16: before the agreement a target may refuse by ACT-3 first.
    if (!c.s.agreement_accepted) c.d.tolerated.push_back(Outcome::forbidden(Reason::agreement_not_accepted));
    return;
  }
  AccountState& s = c.s;
  if (op.accepted_api_agreement) {
    if (*op.accepted_api_agreement) {
      c.fire(R::ACT_2);
      s.agreement_accepted = true;
    } else {
      c.fire(R::ACT_3);  // false is accepted and changes nothing
    }
  }
  const bool toggles = op.token_access || op.end_user_password_access;
  if (toggles && !s.agreement_accepted) {
    // Spec silence (docs/spec-choices.md): a toggle set to the value it already
    // has changes nothing either way, so a target may accept it.
    const bool no_change = op.token_access.value_or(s.token_access) == s.token_access &&
                           op.end_user_password_access.value_or(s.end_user_password_access) ==
                               s.end_user_password_access;
    refuse_unaccepted(c);
    if (no_change) c.d.tolerated.push_back(Outcome::ok());
    return;
  }
  if (op.token_access) set_token_access(c, *op.token_access);
  if (op.end_user_password_access) set_end_user_password_access(c, *op.end_user_password_access);
  c.outcome(Outcome::ok());
}

void generate_token(Context& c, const GenerateTokenOp& op) {
  if (!require_admin(c)) return;
  AccountState& s = c.s;
  if (!s.agreement_accepted) return refuse_unaccepted(c);
  const bool retired = s.tokens_retired && c.config.policy == PolicyId::zendesk_2026;
  if (!s.token_access || retired) {
    if (!s.token_access_ever_on) c.fire(R::TOK_1);
    c.fire(R::TOK_3);
    c.outcome(Outcome::forbidden(Reason::token_access_disabled));
    return;
  }
  c.fire(R::TOK_8);
  // Fewer tokens than the limit, deleted ones included, need no count.
  if (s.tokens.size() >= k_token_limit && s.live_token_count() >= k_token_limit) {
    c.outcome(Outcome::forbidden(Reason::token_limit_reached));
    return;
  }
  c.fire(R::TOK_3);
  s.tokens.push_back(ApiToken{op.name, true, false, false});
  c.outcome(Outcome::ok());
}

ApiToken* live_token(AccountState& s, std::string_view name) {
  auto* t = const_cast<ApiToken*>(s.find_token(name));
  return (t && !t->deleted) ? t : nullptr;
}

// No such token: 404. §2 lists not_found after ACT-3 and TOK-3 in one order
// of refusals, so a target that applies those first to (de)activating or
// deleting is tolerated (C18): nothing changes either way.
void refuse_unknown_token(Context& c) {
  c.outcome(Outcome::not_found());
  if (!c.s.agreement_accepted) c.d.tolerated.push_back(Outcome::forbidden(Reason::agreement_not_accepted));
  else if (!c.s.token_access) c.d.tolerated.push_back(Outcome::forbidden(Reason::token_access_disabled));
}

void set_token_active(Context& c, const SetTokenActiveOp& op) {
  if (!require_admin(c)) return;
  c.fire(R::TOK_8);
  ApiToken* t = live_token(c.s, op.token);
  if (!t) return refuse_unknown_token(c);
  t->active = op.active;
  c.outcome(Outcome::ok());
}

void delete_token(Context& c, const DeleteTokenOp& op) {
  if (!require_admin(c)) return;
  c.fire(R::TOK_8);
  ApiToken* t = live_token(c.s, op.token);
  if (!t) return refuse_unknown_token(c);
  t->deleted = true;
  c.outcome(Outcome::ok());
}

void issue_oauth(Context& c, const IssueOAuthOp& op) {
  if (!require_admin(c)) return;
  c.fire(R::OAU_4);
  if (!c.s.find_user_by_name(op.user)) {
    // C5: an unknown user_id is 404; a target may call it a bad body (400).
    c.outcome(Outcome::not_found());
    c.d.tolerated.push_back(Outcome::invalid());
    return;
  }
  c.s.oauth.push_back(OAuthToken{op.name, op.user, op.read, op.write, false});
  c.outcome(Outcome::ok());
}

void revoke_oauth(Context& c, const RevokeOAuthOp& op) {
  c.fire(R::OAU_4);
  auto* t = const_cast<OAuthToken*>(c.s.find_oauth(op.oauth));
  // Revoking needs an identity (C3). The spec does not order that against the
  // lookup, so a target that looks up first (404) or checks ownership (403)
  // is tolerated: nothing changes either way.
  if (c.id.kind == Identity::Kind::anonymous) {
    c.outcome(Outcome::unauthorized());
    c.d.tolerated.push_back(!t || t->revoked ? Outcome::not_found() : Outcome::forbidden(Reason::not_admin));
    return;
  }
  if (!t || t->revoked) { c.outcome(Outcome::not_found()); return; }
  if (!c.caller_is(Role::admin) && t->owner != c.id.user) {
    c.outcome(Outcome::forbidden(Reason::not_admin));
    return;
  }
  t->revoked = true;
  c.outcome(Outcome::ok());
}

// ADM-1 ("managing API tokens"). Listing is also read as a read, like PRB-3,
// so an agent's `ok` is tolerated (C19): it changes nothing.
void list_tokens(Context& c) {
  const bool agent = c.caller_is(Role::agent);
  if (require_admin(c)) c.outcome(Outcome::ok());
  else if (agent) c.d.tolerated.push_back(Outcome::ok());
}

void probe(Context& c, const ProbeOp& op) {
  if (op.probe == Probe::me) {
    c.fire(R::PRB_1);
    c.outcome(c.id.kind == Identity::Kind::user ? Outcome::as_user(c.id.user) : Outcome::anonymous());
    return;
  }
  if (require_agent(c, R::PRB_2)) c.outcome(Outcome::as_user(c.id.user));
}

// Fixture input the target must refuse (400 InvalidFixture): an empty
// password, or a name or email (without ASCII case) another user has.
bool valid_fixture(const AccountState& s, const Operation& op) {
  if (const auto* add = std::get_if<AddUserOp>(&op))
    return !add->password.empty() && !s.find_user_by_name(add->name) && !s.find_user_by_email(add->email);
  if (const auto* set = std::get_if<SetPasswordOp>(&op)) return !set->password.empty();
  return true;
}

void apply_fixture(AccountState& s, const PolicyConfig& config, const Operation& op, Decision& d) {
  if (!valid_fixture(s, op)) {
    d.outcome = Outcome::invalid();
    return;
  }
  d.outcome = Outcome::ok();
  std::visit(
      Overloaded{
          [&](const AddUserOp& o) {
            s.users.push_back(User{o.name, o.email, o.role, o.password, o.two_factor_enrolled});
          },
          [&](const SetPasswordOp& o) {
            if (auto* u = const_cast<User*>(s.find_user_by_name(o.user))) u->password = o.password;
          },
          [&](const SetTwoFactorEnrolledOp& o) {
            if (auto* u = const_cast<User*>(s.find_user_by_name(o.user))) u->two_factor_enrolled = o.enrolled;
          },
          [&](const SetTwoFactorRequiredOp& o) { s.two_factor_required = o.required; },
          [&](const SetAgentPasswordAccessOp& o) {
            d.rules.push_back(R::PWD_6);
            if (config.policy == PolicyId::zendesk_2026 && o.on) {
              // zendesk-2026: cannot be turned on. The fixture may say so (400
              // or 403) or accept and ignore it; the setting stays off.
              d.tolerated = {Outcome::invalid(), Outcome::forbidden(Reason::none)};
              return;
            }
            s.agent_password_access = o.on;
          },
          [](const auto&) {},
      },
      op);
}

void decide_operation(Context& c, const Operation& op) {
  std::visit(Overloaded{
                 [&](const ProbeOp& o) { probe(c, o); },
                 [&](const ReadSettingsOp&) {
                   if (require_agent(c, R::PRB_3)) c.outcome(Outcome::ok());
                 },
                 [&](const UpdateSettingsOp& o) { update_settings(c, o); },
                 [&](const ListTokensOp&) { list_tokens(c); },
                 [&](const GenerateTokenOp& o) { generate_token(c, o); },
                 [&](const SetTokenActiveOp& o) { set_token_active(c, o); },
                 [&](const DeleteTokenOp& o) { delete_token(c, o); },
                 [&](const IssueOAuthOp& o) { issue_oauth(c, o); },
                 [&](const RevokeOAuthOp& o) { revoke_oauth(c, o); },
                 [](const auto&) {},
             },
             op);
}

}  // namespace

Decision PolicyModel::apply(AccountState& state, const Request& request) const {
  Decision d;
  d.rules.reserve(8);  // more than any decision fires: one allocation, not a growth series
  if (is_fixture(request.op)) {
    apply_fixture(state, m_config, request.op, d);
    return d;
  }
  const Identity id = identify(state, request.credential, d.rules);
  if (id.kind == Identity::Kind::unauthorized) {
    d.outcome = Outcome::unauthorized();
    return d;
  }
  if (id.via_oauth) {
    const bool needs_read = is_read_only(request.op);
    if (needs_read ? !id.via_oauth->read : !id.via_oauth->write) {
      d.rules.push_back(R::OAU_3);
      d.outcome = Outcome::forbidden(Reason::missing_scope);
      return d;
    }
  }
  Context c{state, m_config, id, d};
  decide_operation(c, request.op);
  return d;
}

}  // namespace authconform::model
