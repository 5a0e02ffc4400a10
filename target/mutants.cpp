// Every mutant is one function that deviates from the correct server in one
// place: how the header is read, which state the model sees, or what is done
// with its decision. The table at the end names each one and its rule.
#include "target/mutants.h"

#include "model/spelling.h"

#include "model/header.h"
#include "target/mutant_table.h"

#include <algorithm>
#include <array>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace authconform::target {
namespace {

using model::Decision;
using model::Outcome;
using model::OutcomeKind;
using model::Reason;
using model::Role;

bool has_role(const model::AccountState& s, std::string_view user, Role role) {
  const model::User* u = s.find_user_by_name(user);
  return u && u->role == role;
}

template <class Op>
const Op* op_as(const Call& c) {
  return std::get_if<Op>(&c.op());
}

// Scheme and value of a header, as the correct parser splits them.
std::pair<std::string_view, std::string_view> split_scheme(std::string_view header) {
  const auto is_space = [](char ch) { return ch == ' ' || ch == '\t'; };
  while (!header.empty() && is_space(header.front())) header.remove_prefix(1);
  while (!header.empty() && is_space(header.back())) header.remove_suffix(1);
  std::size_t end = 0;
  while (end < header.size() && !is_space(header[end])) ++end;
  std::string_view value = header.substr(end);
  while (!value.empty() && is_space(value.front())) value.remove_prefix(1);
  return {header.substr(0, end), value};
}

// --- reading the header -------------------------------------------------------

// ANO-2: a hand-rolled decoder that adds the '=' padding a client left out.
model::Credential lenient_base64(const Account& account, std::string_view header) {
  const auto [scheme, value] = split_scheme(header);
  if (!model::iequals_ascii(scheme, "basic") || value.empty()) return read_credential(account, header);
  std::string padded(value);
  while (padded.size() % 4 != 0) padded += '=';
  return read_credential(account, std::string(scheme) + " " + padded);
}

// ANO-2: the scheme compared with ==, so `basic` and `BEARER` are malformed.
model::Credential scheme_case_sensitive(const Account& account, std::string_view header) {
  const auto scheme = split_scheme(header).first;
  if (scheme != "Basic" && scheme != "Bearer") return malformed_credential(header);
  return read_credential(account, header);
}

// ANO-1: users looked up by the email exactly as typed.
model::Credential email_case_sensitive(const Account& account, std::string_view header) {
  return read_credential(account, header, EmailMatch::exact);
}

// --- identity -----------------------------------------------------------------

// TOK-5: the token path never looks at the account-wide switch.
Decision tokens_work_when_off(Call& c) {
  if (!c.is_token() || c.state().token_access) return c.decide();
  model::AccountState seen = c.state();
  seen.token_access = true;
  return c.decide_as(c.identify(seen));
}

// TOK-5: token access is read from a per-account cache refreshed at the start of
// each request, so turning it off reaches the token path one request late.
Decision stale_token_cache(Call& c) {
  const bool cached = c.account().cached_token_access();
  c.account().set_cached_token_access(c.state().token_access);
  if (!c.is_token() || c.state().token_access || !cached) return c.decide();
  model::AccountState seen = c.state();
  seen.token_access = true;
  return c.decide_as(c.identify(seen));
}

// TOK-7: the token lookup ignores the per-token `active` flag.
Decision deactivated_token_works(Call& c) {
  const model::ApiToken* token = c.presented_token();
  if (!token || token->active || token->deleted) return c.decide();
  model::AccountState seen = c.state();
  token_in(seen, token->name)->active = true;
  return c.decide_as(c.identify(seen));
}

// TOK-7: deleting a token only hides it from the list (a soft delete the
// authenticator does not check).
Decision deleted_token_works(Call& c) {
  const model::ApiToken* token = c.presented_token();
  if (!token || !token->deleted) return c.decide();
  model::AccountState seen = c.state();
  token_in(seen, token->name)->deleted = false;
  return c.decide_as(c.identify(seen));
}

// TOK-7: a `/token` login whose email matches no user falls through to the
// anonymous user instead of being refused.
Decision unknown_email_anonymous(Call& c) {
  if (c.is_token() && !c.presented_user()) return c.decide_as(Caller::anonymous());
  return c.decide();
}

// TOK-4: tokens are accepted for admins only (a leftover "tokens are an admin
// feature" check).
Decision token_bound_to_admin_only(Call& c) {
  const Caller caller = c.identify();
  if (c.is_token() && caller.is_user() && !has_role(c.state(), caller.user, Role::admin))
    return c.decide_as(Caller::unauthorized());
  return c.decide();
}

// PWD-3: an end user's right password while end-user access is off is refused
// with 401 instead of being treated as anonymous.
Decision end_user_password_401(Call& c) {
  const model::User* user = c.presented_user();
  if (c.is_password() && c.password_right() && user->role == Role::end_user &&
      c.identify().kind == model::Identity::Kind::anonymous)
    return c.decide_as(Caller::unauthorized());
  return c.decide();
}

// PWD-4: the end-user password setting is stored but never consulted.
Decision end_user_password_ignored(Call& c) {
  const Caller caller = c.identify();
  if (c.is_password() && caller.is_user() && has_role(c.state(), caller.user, Role::end_user))
    return c.decide_as(Caller::anonymous());
  return c.decide();
}

// PWD-7: a wrong password or unknown email is refused with 401.
Decision wrong_password_401(Call& c) {
  if (c.is_password() && !c.password_right()) return c.decide_as(Caller::unauthorized());
  return c.decide();
}

// PWD-8: two-factor authentication also blocks password access to the API.
Decision two_factor_blocks_password(Call& c) {
  const model::User* user = c.presented_user();
  if (c.is_password() && c.password_right() &&
      (user->two_factor_enrolled || c.state().two_factor_required))
    return c.decide_as(Caller::anonymous());
  return c.decide();
}

// OAU-1: OAuth requests are checked against the API token switch too.
Decision oauth_gated_by_token_access(Call& c) {
  if (c.is_bearer() && !c.state().token_access) return c.decide_as(Caller::unauthorized());
  return c.decide();
}

// OAU-2: revocation marks the token but the authenticator does not check it.
Decision revoked_oauth_works(Call& c) {
  const model::OAuthToken* token = c.presented_oauth();
  if (!token || !token->revoked) return c.decide();
  model::AccountState seen = c.state();
  oauth_in(seen, token->name)->revoked = false;
  return c.decide_as(c.identify(seen));
}

// OAU-3: OAuth scopes are never checked.
Decision scopes_ignored(Call& c) {
  Caller caller = c.identify();
  if (!caller.via_oauth) return c.decide();
  caller.read = caller.write = true;
  return c.decide_as(caller);
}

// OAU-3: the scope check tests "has any scope", so `read` also allows writes.
Decision read_scope_allows_write(Call& c) {
  Caller caller = c.identify();
  if (!caller.via_oauth || !caller.read) return c.decide();
  caller.write = true;
  return c.decide_as(caller);
}

// --- permission and effect ----------------------------------------------------

// ADM-1: the settings handler checks "is staff" instead of "is admin".
Decision agent_can_change_settings(Call& c) {
  Caller caller = c.identify();
  if (!op_as<model::UpdateSettingsOp>(c) || !caller.is_user() ||
      !has_role(c.state(), caller.user, Role::agent))
    return c.decide();
  caller.user = c.state().users.front().name;  // acts with the built-in admin's rights
  return c.decide_as(caller);
}

// PRB-2: the tickets endpoint only requires a signed-in user.
Decision end_user_sees_tickets(Call& c) {
  const Caller caller = c.identify();
  Decision d = c.decide();
  const auto* probe = op_as<model::ProbeOp>(c);
  if (probe && probe->probe == model::Probe::tickets &&
      d.outcome == Outcome::forbidden(Reason::not_agent))
    d.outcome = Outcome::as_user(caller.user);
  return d;
}

// OAU-4: revoking checks the caller is signed in, not that the token is theirs.
Decision user_revokes_others(Call& c) {
  Decision d = c.decide();
  const auto* revoke = op_as<model::RevokeOAuthOp>(c);
  if (revoke && d.outcome == Outcome::forbidden(Reason::not_admin)) {
    oauth_in(c.state(), revoke->oauth)->revoked = true;
    d.outcome = Outcome::ok();
  }
  return d;
}

// ACT-3: the toggles are saved without checking the agreement. A refused
// toggle changed nothing, so deciding again with the agreement in place and
// putting it back gives exactly the buggy effect.
Decision toggle_before_agreement(Call& c) {
  Decision d = c.decide();
  if (!op_as<model::UpdateSettingsOp>(c) ||
      d.outcome != Outcome::forbidden(Reason::agreement_not_accepted))
    return d;
  c.state().agreement_accepted = true;
  d = c.decide();
  c.state().agreement_accepted = false;
  return d;
}

// TOK-3: token generation does not check the token switch.
Decision generate_when_off(Call& c) {
  Decision d = c.decide();
  if (!op_as<model::GenerateTokenOp>(c) || d.outcome != Outcome::forbidden(Reason::token_access_disabled))
    return d;
  model::AccountState& s = c.state();
  const bool access = s.token_access;
  const bool retired = s.tokens_retired;
  s.token_access = true;
  s.tokens_retired = false;
  d = c.decide();
  s.token_access = access;
  s.tokens_retired = retired;
  return d;
}

// TOK-8: the token limit is never enforced.
Decision no_token_limit(Call& c) {
  Decision d = c.decide();
  const auto* generate = op_as<model::GenerateTokenOp>(c);
  if (generate && d.outcome == Outcome::forbidden(Reason::token_limit_reached)) {
    c.state().tokens.push_back(model::ApiToken{generate->name, true, false, false});
    d.outcome = Outcome::ok();
  }
  return d;
}

// TOK-6: turning token access off deletes the tokens instead of keeping them.
Decision tokens_deleted_when_off(Call& c) {
  const bool was_on = c.state().token_access;
  Decision d = c.decide();
  if (was_on && !c.state().token_access)
    for (model::ApiToken& t : c.state().tokens) t.deleted = true;
  return d;
}

// TOK-2: a "toggle" handler: asking for the value token access already has
// flips it.
Decision toggle_not_idempotent(Call& c) {
  const auto* update = op_as<model::UpdateSettingsOp>(c);
  const bool repeat = update && update->token_access && *update->token_access == c.state().token_access;
  Decision d = c.decide();
  if (repeat && d.outcome.kind == OutcomeKind::ok) {
    model::UpdateSettingsOp flip;
    flip.token_access = !*update->token_access;
    c.decide(flip);
  }
  return d;
}

// --- the table ------------------------------------------------------------------

struct Mutant {
  MutantInfo info;
  Behaviour behaviour;
};

constexpr CredentialReader k_read = read_credential_correctly;
constexpr Decider k_decide = decide_correctly;

constexpr Mutant k_mutants[] = {
    {{"ano1-email-case-sensitive", "ANO-1", "emails are matched with their letter case"},
     {email_case_sensitive, k_decide}},
    {{"ano2-lenient-base64", "ANO-2", "Basic values without '=' padding are accepted"},
     {lenient_base64, k_decide}},
    {{"ano2-scheme-case-sensitive", "ANO-2", "the schemes `basic` and `BEARER` are refused as malformed"},
     {scheme_case_sensitive, k_decide}},
    {{"tok2-toggle-not-idempotent", "TOK-2", "setting token access to the value it has flips it"},
     {k_read, toggle_not_idempotent}},
    {{"tok3-generate-when-off", "TOK-3", "tokens can be generated while token access is off"},
     {k_read, generate_when_off}},
    {{"tok4-token-bound-to-admin-only", "TOK-4", "a token with an agent's or end user's email is refused (401)"},
     {k_read, token_bound_to_admin_only}},
    {{"tok5-tokens-work-when-off", "TOK-5", "valid tokens keep working while token access is off"},
     {k_read, tokens_work_when_off}},
    {{"stale-token-cache", "TOK-5", "turning token access off reaches the token path one request late"},
     {k_read, stale_token_cache}},
    {{"tok6-tokens-deleted-when-off", "TOK-6", "turning token access off deletes every token"},
     {k_read, tokens_deleted_when_off}},
    {{"tok7-deactivated-token-works", "TOK-7", "a deactivated token still authenticates"},
     {k_read, deactivated_token_works}},
    {{"tok7-deleted-token-works", "TOK-7", "a deleted token still authenticates"},
     {k_read, deleted_token_works}},
    {{"tok7-unknown-email-anonymous", "TOK-7", "a /token login with an unknown email is anonymous, not 401"},
     {k_read, unknown_email_anonymous}},
    {{"tok8-no-token-limit", "TOK-8", "the 256-token limit is not enforced"},
     {k_read, no_token_limit}},
    {{"pwd3-end-user-401", "PWD-3", "an end user's right password is refused (401) while end-user access is off"},
     {k_read, end_user_password_401}},
    {{"pwd4-ignored", "PWD-4", "end users stay anonymous while end-user password access is on"},
     {k_read, end_user_password_ignored}},
    {{"pwd7-wrong-password-401", "PWD-7", "a wrong password or unknown email is refused (401), not anonymous"},
     {k_read, wrong_password_401}},
    {{"pwd8-2fa-blocks-password", "PWD-8", "a user with two-factor authentication gets anonymous for a right password"},
     {k_read, two_factor_blocks_password}},
    {{"oau1-gated-by-token-access", "OAU-1", "OAuth tokens are refused (401) while API token access is off"},
     {k_read, oauth_gated_by_token_access}},
    {{"oau2-revoked-still-works", "OAU-2", "a revoked OAuth token still authenticates"},
     {k_read, revoked_oauth_works}},
    {{"oau3-scopes-ignored", "OAU-3", "OAuth scopes are never checked"},
     {k_read, scopes_ignored}},
    {{"oau3-read-scope-allows-write", "OAU-3", "an OAuth token with the read scope may also write"},
     {k_read, read_scope_allows_write}},
    {{"oau4-user-revokes-others", "OAU-4", "any signed-in user may revoke another user's OAuth token"},
     {k_read, user_revokes_others}},
    {{"adm1-agent-can-change-settings", "ADM-1", "agents may change the API settings"},
     {k_read, agent_can_change_settings}},
    {{"prb2-end-user-sees-tickets", "PRB-2", "end users may read the tickets"},
     {k_read, end_user_sees_tickets}},
    {{"act3-toggle-before-agreement", "ACT-3", "the access toggles change before the agreement is accepted"},
     {k_read, toggle_before_agreement}},
};

constexpr std::size_t k_mutant_count = std::size(k_mutants);

std::string unknown_mutant_message(std::string_view name) {
  std::string message = "unknown mutant '" + std::string(name) + "'";
  const Mutant* closest = &k_mutants[0];
  for (const Mutant& m : k_mutants)
    if (model::edit_distance(name, m.info.name) < model::edit_distance(name, closest->info.name)) closest = &m;
  if (model::edit_distance(name, closest->info.name) <= closest->info.name.size() / 3)
    message += " (did you mean '" + std::string(closest->info.name) + "'?)";
  message += "; valid mutants:";
  for (const Mutant& m : k_mutants) message += " " + std::string(m.info.name);
  return message;
}

}  // namespace

std::span<const MutantInfo> all_mutants() {
  static const std::array<MutantInfo, k_mutant_count> k_infos = [] {
    std::array<MutantInfo, k_mutant_count> infos{};
    for (std::size_t i = 0; i < k_mutant_count; ++i) infos[i] = k_mutants[i].info;
    return infos;
  }();
  return k_infos;
}

Behaviour behaviour_for(std::string_view name) {
  if (name.empty()) return correct_behaviour();
  for (const Mutant& m : k_mutants)
    if (m.info.name == name) return m.behaviour;
  throw std::invalid_argument(unknown_mutant_message(name));
}

}  // namespace authconform::target
