#include "runner/fuzz_generator.h"

#include "model/header.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <numeric>
#include <span>

namespace authconform::runner {
namespace {

using model::Credential;
using model::Operation;
using model::Request;
using model::User;

constexpr unsigned k_boost = 3;  // weight factor for what leads to unvisited cells
constexpr std::string_view k_unknown_email = "nobody@example.test";
const std::vector<std::string> k_new_users{"uma", "gus", "ike"};  // add_user names

// Well-formed headers in odd spelling (scheme case, extra spaces). Shrinking
// turns them back into the plain credential (simpler_credential).
constexpr std::string_view k_odd_password_prefix = "basic  ${base64:";
constexpr std::string_view k_odd_token_prefix = "BASIC ${base64:";
constexpr std::string_view k_odd_token_middle = "/token:${token:";
constexpr std::string_view k_odd_bearer_prefix = "bearer   ${oauth:";

// Draws from one rc::Random. RapidCheck's Random may not be drawn from once
// it has been split, and one draw seeds a splitmix64 stream that is enough.
class Chooser {
 public:
  explicit Chooser(const rc::Random& random) : m_state(rc::Random(random).next()) {}

  std::uint64_t next() {
    std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  bool percent(unsigned p) { return below(100) < p; }
  template <class T>
  const T& pick(const std::vector<T>& items) { return items[below(items.size())]; }
  // An index drawn by weight; at least one weight must be positive. The
  // braced lists most callers pass stay on the stack (no allocation per draw).
  std::size_t weighted(std::initializer_list<unsigned> weights) { return weighted_in({weights.begin(), weights.size()}); }
  std::size_t weighted(std::span<const unsigned> weights) { return weighted_in(weights); }

 private:
  std::size_t weighted_in(std::span<const unsigned> weights) {
    std::size_t draw = below(std::accumulate(weights.begin(), weights.end(), std::size_t{0}));
    for (std::size_t i = 0; i < weights.size(); ++i) {
      if (draw < weights[i]) return i;
      draw -= weights[i];
    }
    return weights.size() - 1;
  }

  std::uint64_t m_state;
};

std::string email_ref(const User& u) { return "${email:" + u.name + "}"; }

// The user's email with other letter cases (ASCII folding, ANO-1 of the
// policy): "Eve@EXAMPLE.TEST".
std::string email_in_other_case(const std::string& email) {
  std::string out = email;
  bool domain = false;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] == '@') domain = true;
    if ((i == 0 || domain) && out[i] >= 'a' && out[i] <= 'z') out[i] = static_cast<char>(out[i] - 32);
  }
  return out;
}

// EMAIL with "+x" before its '@': another address, which a target that folds
// plus-addressing takes for EMAIL's user.
std::string plus_addressed(const std::string& email) {
  const std::size_t at = email.find('@');
  return at == std::string::npos ? email + "+x" : email.substr(0, at) + "+x" + email.substr(at);
}

CellRole role_of(const User& u) {
  switch (u.role) {
    case model::Role::end_user: return CellRole::end_user;
    case model::Role::agent: return CellRole::agent;
    case model::Role::admin: return CellRole::admin;
  }
  return CellRole::none;
}

std::string unpadded_base64(std::string_view text) {
  std::string encoded = model::encode_base64(text);
  while (!encoded.empty() && encoded.back() == '=') encoded.pop_back();
  return encoded;
}

// The passwords a fixture may give user NAME: its first one, then two more.
std::vector<std::string> password_pool(const std::string& name) {
  for (const ScenarioUser& u : fuzz_cast())
    if (u.name == name) return {u.password, name + "-pw-2", name + "-pw-3"};
  return {name + "-pw-1", name + "-pw-2", name + "-pw-3"};
}

// N when `name` is PREFIX followed by N written as std::to_string writes it
// (no sign, no leading zero; below 10^9, more than any count asked for), else 0.
std::size_t numbered(std::string_view name, std::string_view prefix) {
  if (name.size() <= prefix.size() || name.substr(0, prefix.size()) != prefix) return 0;
  const std::string_view digits = name.substr(prefix.size());
  if (digits.size() > 9 || digits.front() == '0') return 0;
  std::size_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<std::size_t>(c - '0');
  }
  return n;
}

// Which of `prefix`1..`count` the names in `used` take (index N), in one pass.
std::vector<bool> numbers_taken(std::string_view prefix, std::size_t count, const std::vector<std::string>& used) {
  std::vector<bool> taken(count + 1, false);
  for (const std::string& name : used)
    if (const std::size_t n = numbered(name, prefix); n > 0 && n <= count) taken[n] = true;
  return taken;
}

// The first name of `prefix`1..`count` not in `used`, or "". (The OAuth name
// FuzzState also counts as used, the built-in admin's, is never of that form.)
std::string free_name(std::string_view prefix, int count, const std::vector<std::string>& used) {
  static_assert(k_fuzz_token_names < 64 && k_fuzz_oauth_names < 64);
  std::uint64_t taken = 0;  // bit N: name N is used
  for (const std::string& name : used)
    if (const std::size_t n = numbered(name, prefix); n > 0 && n <= static_cast<std::size_t>(count))
      taken |= std::uint64_t{1} << n;
  for (int i = 1; i <= count; ++i)
    if (!(taken & (std::uint64_t{1} << i))) return std::string(prefix) + std::to_string(i);
  return "";
}

class StepMaker {
 public:
  StepMaker(const FuzzState& s, const CoverageBias* bias, Chooser& c)
      : m_s(s), m_a(s.account), m_cell(policy_cell_of(s.account)), m_bias(bias), m_c(c) {}

  FuzzCommandPtr make() {
    switch (m_c.weighted({300, 520, 160, fill_possible() ? 2u : 0u})) {
      case 0: return single({admin_operation(), admin_credential()});
      case 1: return single(request_step());
      case 2: return single({fixture_operation(), model::NoCredential{}});
      default: return fill_tokens();
    }
  }

 private:
  static FuzzCommandPtr single(Request r) { return std::make_shared<const FuzzCommand>(std::move(r)); }

  bool unvisited(CredentialKind kind, CellRole role) const {
    return m_bias && m_bias->unvisited(m_cell, {kind, role});
  }
  // Boosted when `next` is another policy cell with fewer requests so far than
  // the one the state is in (none at all, at first).
  unsigned toward(PolicyCell next, unsigned weight) const {
    const bool fresher = m_bias && next != m_cell &&
                         m_bias->policy_cell_visits(next) < m_bias->policy_cell_visits(m_cell);
    return fresher ? weight * k_boost : weight;
  }

  // --- admin steps -------------------------------------------------------------

  Operation admin_operation();
  Operation settings_change();
  Operation token_change();
  Operation oauth_issue();
  Operation oauth_revoke();
  Credential admin_credential();
  bool fill_possible() const;
  FuzzCommandPtr fill_tokens();

  // --- requests ------------------------------------------------------------------

  Request request_step();
  Request self_revoke();
  Credential any_credential();
  std::array<unsigned, k_credential_kind_count> kind_weights() const;
  Credential credential_of(CredentialKind kind);
  Credential password_right();
  Credential password_wrong();
  Credential token_credential(CredentialKind kind);
  Credential oauth_credential(CredentialKind kind);
  Credential odd_token(const std::string& login, const std::string& token);
  Credential odd_bearer(const std::string& name);
  const User& pick_user(const std::vector<const User*>& users, CredentialKind kind);
  std::string login_of(const User& u);
  std::string unknown_login();

  // --- fixtures --------------------------------------------------------------------

  Operation fixture_operation();
  Operation add_user();

  std::vector<const User*> users_where(bool (*keep)(const User&)) const {
    std::vector<const User*> out;
    out.reserve(m_a.users.size());
    for (const User& u : m_a.users)
      if (keep(u)) out.push_back(&u);
    return out;
  }
  std::vector<std::string> token_names(CredentialKind kind) const;
  std::vector<std::string> oauth_names(bool revoked, bool skip_admin) const;

  const FuzzState& m_s;
  const model::AccountState& m_a;
  PolicyCell m_cell;
  const CoverageBias* m_bias;
  Chooser& m_c;
};

// --- admin steps -------------------------------------------------------------------

Operation StepMaker::admin_operation() {
  std::string token_name = free_name("t", k_fuzz_token_names, m_s.token_names_used);
  const bool oauth_free = !free_name("o", k_fuzz_oauth_names, m_s.oauth_names_used).empty();
  // Before the agreement most of the state space is out of reach: accept soon.
  const unsigned settings = m_a.agreement_accepted ? 30 : 90;
  switch (m_c.weighted({settings, token_name.empty() ? 0u : 18u, 15, oauth_free ? 12u : 0u, 6, 3, 3})) {
    case 0: return settings_change();
    case 1: return model::GenerateTokenOp{std::move(token_name)};
    case 2: return token_change();
    case 3: return oauth_issue();
    case 4: return oauth_revoke();
    case 5: return model::ListTokensOp{};
    default: return model::ReadSettingsOp{};
  }
}

Operation StepMaker::settings_change() {
  using U = model::UpdateSettingsOp;
  const bool agreed = m_a.agreement_accepted;
  const auto set = [](std::optional<bool> agreement, std::optional<bool> token, std::optional<bool> pwd) {
    return U{agreement, token, pwd, false};
  };
  const bool tok = m_a.token_access, pwd = m_a.end_user_password_access;
  // Each choice with the policy cell it leads to (ACT-3: toggles need the agreement).
  const auto cell = [&](bool agreement, bool token, bool password) {
    return agreement ? PolicyCell{true, token, password, m_cell.two_factor_required} : m_cell;
  };
  const std::array<std::pair<U, PolicyCell>, 11> choices{{
      {set(true, {}, {}), cell(true, tok, pwd)},
      {set(true, true, {}), cell(true, true, pwd)},
      {set(true, {}, true), cell(true, tok, true)},
      {set({}, !tok, {}), cell(agreed, !tok, pwd)},
      {set({}, {}, !pwd), cell(agreed, tok, !pwd)},
      {set({}, tok, {}), m_cell},
      {set({}, {}, pwd), m_cell},
      {set({}, !tok, !pwd), cell(agreed, !tok, !pwd)},
      {set(false, {}, {}), m_cell},
      {U{{}, {}, {}, true}, m_cell},
      // `false` beside a toggle must not open the toggles before the agreement.
      {set(false, !tok, {}), cell(agreed, !tok, pwd)},
  }};
  constexpr std::array<unsigned, 11> k_agreed{4, 3, 3, 30, 25, 8, 6, 8, 3, 3, 2};
  constexpr std::array<unsigned, 11> k_not_agreed{40, 15, 10, 10, 5, 3, 2, 3, 5, 2, 4};
  const std::array<unsigned, 11>& base = agreed ? k_agreed : k_not_agreed;
  std::array<unsigned, 11> weights{};
  for (std::size_t i = 0; i < choices.size(); ++i) weights[i] = toward(choices[i].second, base[i]);
  U chosen = choices[m_c.weighted(weights)].first;
  // wire.md lets values be the strings "true"/"false": a target must read
  // "false" as false (the HTTP target sends strings where the profile allows).
  if (!chosen.malformed) chosen.as_strings = m_c.weighted({3, 1}) == 1;
  return chosen;
}

Operation StepMaker::token_change() {
  std::vector<std::string> live = token_names(CredentialKind::token_live);
  const std::vector<std::string> inactive = token_names(CredentialKind::token_inactive);
  live.insert(live.end(), inactive.begin(), inactive.end());
  const std::vector<std::string> deleted = token_names(CredentialKind::token_deleted);
  std::string token(k_made_up_token);
  const std::size_t where = m_c.weighted({live.empty() ? 0u : 70u, deleted.empty() ? 0u : 15u, 15});
  if (where == 0) token = m_c.pick(live);
  if (where == 1) token = m_c.pick(deleted);
  switch (m_c.weighted({5, 3, 2})) {
    case 0: {
      const model::ApiToken* t = m_a.find_token(token);
      return model::SetTokenActiveOp{token, t ? !t->active : m_c.percent(50)};
    }
    case 1: return model::SetTokenActiveOp{token, m_c.percent(50)};
    default: return model::DeleteTokenOp{token};
  }
}

Operation StepMaker::oauth_issue() {
  const std::string name = free_name("o", k_fuzz_oauth_names, m_s.oauth_names_used);
  const User& owner = m_c.pick(m_a.users);
  switch (m_c.weighted({50, 25, 25})) {
    case 0: return model::IssueOAuthOp{name, owner.name, true, true};
    case 1: return model::IssueOAuthOp{name, owner.name, true, false};
    default: return model::IssueOAuthOp{name, owner.name, false, true};
  }
}

Operation StepMaker::oauth_revoke() {
  const std::vector<std::string> live = oauth_names(false, true);
  const std::vector<std::string> revoked = oauth_names(true, false);
  // Never the built-in admin's token: wire.md gives no ID for it, so a target
  // could not be asked to revoke it.
  switch (m_c.weighted({live.empty() ? 0u : 60u, revoked.empty() ? 0u : 15u, 20})) {
    case 0: return model::RevokeOAuthOp{m_c.pick(live)};
    case 1: return model::RevokeOAuthOp{m_c.pick(revoked)};
    default: return model::RevokeOAuthOp{std::string(k_made_up_oauth)};
  }
}

// Mostly the built-in admin's OAuth token; otherwise (or once it is revoked)
// another credential the model takes for an admin with the write scope.
Credential StepMaker::admin_credential() {
  const Credential builtin = model::OAuthCredential{std::string(model::k_admin_oauth_name)};
  const model::OAuthToken* admin_oauth = m_a.find_oauth(model::k_admin_oauth_name);
  if (admin_oauth && !admin_oauth->revoked && m_c.percent(85)) return builtin;
  std::vector<Credential> candidates;
  candidates.reserve(1 + m_a.oauth.size() + 2 * (m_a.tokens.size() + 1));
  candidates.push_back(builtin);
  for (const model::OAuthToken& o : m_a.oauth)
    if (o.name != model::k_admin_oauth_name) candidates.push_back(model::OAuthCredential{o.name});
  for (const User* u : users_where([](const User& x) { return x.role == model::Role::admin; })) {
    for (const model::ApiToken& t : m_a.tokens)
      if (t.active && !t.deleted) candidates.push_back(model::TokenCredential{email_ref(*u), t.name});
    if (u->password != model::k_unknowable_password)
      candidates.push_back(model::PasswordCredential{email_ref(*u), u->password});
  }
  std::vector<Credential> working;
  working.reserve(candidates.size());
  const model::PolicyModel model(m_s.policy);
  std::vector<model::RuleId> rules;
  for (const Credential& c : candidates) {
    rules.clear();
    const model::Identity id = model.identify(m_a, c, rules);
    const User* u = id.kind == model::Identity::Kind::user ? m_a.find_user_by_name(id.user) : nullptr;
    if (u && u->role == model::Role::admin && (!id.via_oauth || id.via_oauth->write)) working.push_back(c);
  }
  return working.empty() ? builtin : m_c.pick(working);
}

bool StepMaker::fill_possible() const {
  // Fewer tokens than the limit, deleted ones included, need no count.
  return m_a.agreement_accepted && m_a.token_access && !m_a.tokens_retired &&
         (m_a.tokens.size() < model::k_token_limit || m_a.live_token_count() < model::k_token_limit);
}

// Generates tokens until the account holds the most it may (TOK-8), so that
// the limit is within reach of the next generate_token.
FuzzCommandPtr StepMaker::fill_tokens() {
  const Credential by = admin_credential();
  std::vector<Request> requests;
  const std::size_t live = m_a.live_token_count();
  const std::size_t wanted = live < model::k_token_limit ? model::k_token_limit - live : 0;
  // The wanted free numbers are among the first wanted + used ones.
  const std::vector<bool> taken = numbers_taken("f", wanted + m_s.token_names_used.size(), m_s.token_names_used);
  requests.reserve(wanted);
  for (std::size_t next = 1; requests.size() < wanted; ++next)
    if (!taken[next]) requests.push_back({model::GenerateTokenOp{"f" + std::to_string(next)}, by});
  return std::make_shared<const FuzzCommand>(std::move(requests));
}

// --- requests ------------------------------------------------------------------------

Request StepMaker::request_step() {
  const bool others = std::any_of(m_a.oauth.begin(), m_a.oauth.end(), [](const model::OAuthToken& o) {
    return !o.revoked && o.name != model::k_admin_oauth_name;  // oauth_names(false, true) is not empty
  });
  switch (m_c.weighted({36, 22, 8, 4, 18, others ? 6u : 0u})) {
    case 0: return {model::ProbeOp{model::Probe::me}, any_credential()};
    case 1: return {model::ProbeOp{model::Probe::tickets}, any_credential()};
    case 2: return {model::ReadSettingsOp{}, any_credential()};
    case 3: return {model::ListTokensOp{}, any_credential()};
    case 4: {
      Operation op = admin_operation();
      return {std::move(op), any_credential()};
    }
    default: return self_revoke();
  }
}

// A user revoking with its own OAuth token: its own token (OAU-4 allows it)
// or another user's (forbidden unless it is an admin).
Request StepMaker::self_revoke() {
  const model::OAuthToken* with = m_a.find_oauth(m_c.pick(oauth_names(false, true)));
  std::vector<std::string> own, foreign;
  for (const model::OAuthToken& o : m_a.oauth) {
    if (o.revoked || o.name == model::k_admin_oauth_name) continue;  // see oauth_revoke
    (o.owner == with->owner ? own : foreign).push_back(o.name);
  }
  const bool mine = foreign.empty() || m_c.percent(50);
  return {model::RevokeOAuthOp{mine ? m_c.pick(own) : m_c.pick(foreign)},
          model::OAuthCredential{with->name}};
}

std::array<unsigned, k_credential_kind_count> StepMaker::kind_weights() const {
  bool live = false, inactive = false, deleted = false, oauth_live = false, oauth_revoked = false;
  for (const model::ApiToken& t : m_a.tokens) {
    (t.deleted ? deleted : t.active ? live : inactive) = true;
  }
  for (const model::OAuthToken& o : m_a.oauth) (o.revoked ? oauth_revoked : oauth_live) = true;
  // In the order of CredentialKind.
  std::array<unsigned, k_credential_kind_count> weights{
      5, 6, 14, 8, live ? 12u : 0u, inactive ? 4u : 0u, deleted ? 4u : 0u, 4, oauth_live ? 14u : 0u,
      oauth_revoked ? 4u : 0u, 3};
  if (!m_bias) return weights;
  for (std::size_t k = 0; k < weights.size(); ++k)
    if (m_bias->kind_has_unvisited_role(m_cell, static_cast<CredentialKind>(k))) weights[k] *= k_boost;
  return weights;
}

Credential StepMaker::any_credential() {
  return credential_of(static_cast<CredentialKind>(m_c.weighted(kind_weights())));
}

Credential StepMaker::credential_of(CredentialKind kind) {
  switch (kind) {
    case CredentialKind::none: return model::NoCredential{};
    case CredentialKind::malformed: return model::RawCredential{m_c.pick(malformed_headers())};
    case CredentialKind::password_right: return password_right();
    case CredentialKind::password_wrong: return password_wrong();
    case CredentialKind::token_live:
    case CredentialKind::token_inactive:
    case CredentialKind::token_deleted:
    case CredentialKind::token_made_up: return token_credential(kind);
    default: return oauth_credential(kind);
  }
}

const User& StepMaker::pick_user(const std::vector<const User*>& users, CredentialKind kind) {
  std::vector<unsigned> weights;
  weights.reserve(users.size());
  for (const User* u : users) weights.push_back(unvisited(kind, role_of(*u)) ? k_boost : 1);
  return *users[m_c.weighted(weights)];
}

// Mostly ${email:NAME}; sometimes the email written in other letter cases.
std::string StepMaker::login_of(const User& u) {
  if (u.name == model::k_admin_name || !m_c.percent(20)) return email_ref(u);
  return email_in_other_case(u.email);
}

// An email of no user: a stranger's, or a user's plus-addressed.
std::string StepMaker::unknown_login() {
  if (m_c.percent(50)) return std::string(k_unknown_email);
  return plus_addressed(m_c.pick(m_a.users).email);
}

Credential StepMaker::password_right() {
  const User& u = pick_user(users_where([](const User& x) { return x.password != model::k_unknowable_password; }),
                            CredentialKind::password_right);
  const std::string login = login_of(u);
  // The same credential with the scheme in other letter cases and extra spaces.
  if (m_c.percent(10)) return model::RawCredential{std::string(k_odd_password_prefix) + login + ":" + u.password + "}"};
  return model::PasswordCredential{login, u.password};
}

Credential StepMaker::password_wrong() {
  const User& u = m_c.pick(m_a.users);
  switch (m_c.weighted({35, 20, 20, 10, 15})) {
    case 0: return model::PasswordCredential{login_of(u), "wrong-pw"};
    case 1: return model::PasswordCredential{login_of(u), ""};
    case 2: {
      if (u.password == model::k_unknowable_password) break;
      std::vector<std::string> old = password_pool(u.name);
      std::erase(old, u.password);
      return model::PasswordCredential{login_of(u), m_c.pick(old)};
    }
    case 3:  // the right one with a space around: passwords are not trimmed
      if (u.password == model::k_unknowable_password) break;
      return model::PasswordCredential{login_of(u), m_c.percent(50) ? u.password + " " : " " + u.password};
    default: break;
  }
  return model::PasswordCredential{unknown_login(), "eve-pw-1"};
}

Credential StepMaker::token_credential(CredentialKind kind) {
  const std::string token =
      kind == CredentialKind::token_made_up ? std::string(k_made_up_token) : m_c.pick(token_names(kind));
  std::vector<const User*> all;
  all.reserve(m_a.users.size());
  for (const User& u : m_a.users) all.push_back(&u);
  const std::string login =
      m_c.percent(10) ? unknown_login() : login_of(pick_user(all, kind));
  if (m_c.percent(10)) return odd_token(login, token);
  return model::TokenCredential{login, token};
}

// The token credential written unusually: its scheme in other letter cases;
// or a near miss that a lax target takes: the secret in the other case (a
// case-insensitive lookup), with one character more or one less (a prefix
// comparison either way), the suffix as "/TOKEN" (a suffix matched without
// case), or "//token" (slashes stripped before the suffix).
Credential StepMaker::odd_token(const std::string& login, const std::string& token) {
  const std::string secret = "${token:" + token + "}";
  switch (m_c.weighted({45, 11, 11, 11, 11, 11})) {
    case 0: return model::RawCredential{std::string(k_odd_token_prefix) + login + std::string(k_odd_token_middle) + token + "}}"};
    case 1: return model::RawCredential{"Basic ${base64:" + login + "/token:${swapcase:" + secret + "}}"};
    case 2: return model::RawCredential{"Basic ${base64:" + login + "/token:" + secret + "0}"};
    case 3: return model::RawCredential{"Basic ${base64:" + login + "/token:${chop:" + secret + "}}"};
    case 4: return model::RawCredential{"Basic ${base64:" + login + "//token:" + secret + "}"};
    default: return model::RawCredential{"Basic ${base64:" + login + "/TOKEN:" + secret + "}"};
  }
}

// The same for a Bearer credential: odd scheme case and spacing; or the
// secret in the other case, without its last character, or followed by a
// second word (a reader that takes the first word of the value).
Credential StepMaker::odd_bearer(const std::string& name) {
  const std::string secret = "${oauth:" + name + "}";
  switch (m_c.weighted({64, 12, 12, 12})) {
    case 0: return model::RawCredential{std::string(k_odd_bearer_prefix) + name + "} "};
    case 1: return model::RawCredential{"Bearer ${swapcase:" + secret + "}"};
    case 2: return model::RawCredential{"Bearer ${chop:" + secret + "}"};
    default: return model::RawCredential{"Bearer " + secret + " x"};
  }
}

Credential StepMaker::oauth_credential(CredentialKind kind) {
  if (kind == CredentialKind::oauth_made_up) return model::OAuthCredential{std::string(k_made_up_oauth)};
  const std::vector<std::string> names = oauth_names(kind == CredentialKind::oauth_revoked, false);
  std::vector<unsigned> weights;
  weights.reserve(names.size());
  for (const std::string& n : names)
    weights.push_back(unvisited(kind, role_of(*m_a.find_user_by_name(m_a.find_oauth(n)->owner))) ? k_boost : 1);
  const std::string& name = names[m_c.weighted(weights)];
  if (m_c.percent(10)) return odd_bearer(name);
  return model::OAuthCredential{name};
}

// --- fixtures ----------------------------------------------------------------------------

Operation StepMaker::fixture_operation() {
  const bool room = std::any_of(k_new_users.begin(), k_new_users.end(),
                                [&](const std::string& n) { return !m_a.find_user_by_name(n); });
  PolicyCell flipped = m_cell;
  flipped.two_factor_required = !flipped.two_factor_required;
  switch (m_c.weighted({room ? 4u : 0u, 3, 3, toward(flipped, 3), 3})) {
    case 0: return add_user();
    case 1: {
      const User& u = *m_c.pick(users_where([](const User& x) { return x.name != model::k_admin_name; }));
      return model::SetPasswordOp{u.name, m_c.pick(password_pool(u.name))};
    }
    case 2: {
      const User& u = m_c.pick(m_a.users);
      return model::SetTwoFactorEnrolledOp{u.name, m_c.percent(80) ? !u.two_factor_enrolled : u.two_factor_enrolled};
    }
    case 3: return model::SetTwoFactorRequiredOp{m_c.percent(80) ? !m_a.two_factor_required : m_a.two_factor_required};
    default:
      return model::SetAgentPasswordAccessOp{m_c.percent(80) ? !m_a.agent_password_access : m_a.agent_password_access};
  }
}

Operation StepMaker::add_user() {
  std::vector<std::string> free;
  for (const std::string& n : k_new_users)
    if (!m_a.find_user_by_name(n)) free.push_back(n);
  const std::string& name = m_c.pick(free);
  const model::Role role = m_c.pick(std::vector<model::Role>{model::Role::end_user, model::Role::end_user,
                                                             model::Role::agent, model::Role::admin});
  return model::AddUserOp{name, name + "@example.test", role, name + "-pw-1", m_c.percent(30)};
}

std::vector<std::string> StepMaker::token_names(CredentialKind kind) const {
  std::vector<std::string> out;
  out.reserve(m_a.tokens.size());
  for (const model::ApiToken& t : m_a.tokens) {
    const CredentialKind k = t.deleted  ? CredentialKind::token_deleted
                             : t.active ? CredentialKind::token_live
                                        : CredentialKind::token_inactive;
    if (k == kind) out.push_back(t.name);
  }
  return out;
}

std::vector<std::string> StepMaker::oauth_names(bool revoked, bool skip_admin) const {
  std::vector<std::string> out;
  out.reserve(m_a.oauth.size());
  for (const model::OAuthToken& o : m_a.oauth)
    if (o.revoked == revoked && !(skip_admin && o.name == model::k_admin_oauth_name)) out.push_back(o.name);
  return out;
}


// --- shrinking one command ----------------------------------------------------------

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// "${email:eve}" for an email the generator wrote in other letter cases.
std::optional<std::string> plain_login(const std::string& login) {
  if (starts_with(login, "${")) return std::nullopt;
  std::string lower = login;
  for (char& ch : lower)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
  constexpr std::string_view k_domain = "@example.test";
  if (lower == login || lower.size() <= k_domain.size() || !lower.ends_with(k_domain)) return std::nullopt;
  return "${email:" + lower.substr(0, lower.size() - k_domain.size()) + "}";
}

// The login and the rest of "LOGIN:REST" where LOGIN may be "${email:NAME}".
std::pair<std::string, std::string> split_login(std::string_view text) {
  const std::size_t from = starts_with(text, "${email:") ? text.find('}') : 0;
  const std::size_t colon = text.find(':', from == std::string_view::npos ? 0 : from);
  if (colon == std::string_view::npos) return {std::string(text), ""};
  return {std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
}

// The plain form of an oddly spelled but well-formed header (see the k_odd_* spellings).
std::optional<Credential> plain_header(const std::string& header) {
  if (starts_with(header, k_odd_password_prefix) && header.ends_with("}")) {
    auto [login, password] = split_login(
        std::string_view(header).substr(k_odd_password_prefix.size(), header.size() - k_odd_password_prefix.size() - 1));
    return model::PasswordCredential{login, password};
  }
  if (starts_with(header, k_odd_token_prefix) && header.ends_with("}}")) {
    const std::string inner = header.substr(k_odd_token_prefix.size(), header.size() - k_odd_token_prefix.size() - 2);
    const std::size_t middle = inner.rfind(k_odd_token_middle);
    if (middle == std::string::npos) return std::nullopt;
    return model::TokenCredential{inner.substr(0, middle), inner.substr(middle + k_odd_token_middle.size())};
  }
  if (starts_with(header, k_odd_bearer_prefix) && header.ends_with("} "))
    return model::OAuthCredential{header.substr(k_odd_bearer_prefix.size(), header.size() - k_odd_bearer_prefix.size() - 2)};
  return std::nullopt;
}

std::optional<Credential> simpler_credential(const Credential& c) {
  if (const auto* raw = std::get_if<model::RawCredential>(&c)) return plain_header(raw->header);
  if (const auto* p = std::get_if<model::PasswordCredential>(&c))
    if (auto login = plain_login(p->email)) return model::PasswordCredential{*login, p->password};
  if (const auto* t = std::get_if<model::TokenCredential>(&c))
    if (auto login = plain_login(t->email)) return model::TokenCredential{*login, t->token};
  return std::nullopt;
}

// Simpler forms of one request, the simplest first: the same credential on
// users/me instead of the operation, an admin operation by the built-in
// admin's OAuth token (the scenario default), one setting instead of several,
// a plain spelling of the credential. Each is strictly simpler, so shrinking ends.
std::vector<Request> simpler_requests(const Request& r) {
  std::vector<Request> out;
  if (model::is_fixture(r.op)) return out;
  const auto* probe = std::get_if<model::ProbeOp>(&r.op);
  if (!probe || probe->probe != model::Probe::me) out.push_back({model::ProbeOp{model::Probe::me}, r.credential});
  const Credential admin = model::OAuthCredential{std::string(model::k_admin_oauth_name)};
  if (!probe && r.credential != admin) out.push_back({r.op, admin});
  if (const auto* u = std::get_if<model::UpdateSettingsOp>(&r.op); u && !u->malformed) {
    const int keys = u->accepted_api_agreement.has_value() + u->token_access.has_value() +
                     u->end_user_password_access.has_value();
    if (keys > 1) {
      if (u->accepted_api_agreement) out.push_back({model::UpdateSettingsOp{u->accepted_api_agreement, {}, {}, false}, r.credential});
      if (u->token_access) out.push_back({model::UpdateSettingsOp{{}, u->token_access, {}, false}, r.credential});
      if (u->end_user_password_access)
        out.push_back({model::UpdateSettingsOp{{}, {}, u->end_user_password_access, false}, r.credential});
    }
  }
  if (auto plain = simpler_credential(r.credential)) out.push_back({r.op, std::move(*plain)});
  return out;
}

rc::Shrinkable<FuzzCommandPtr> shrinkable_command(FuzzCommandPtr command) {
  return rc::shrinkable::shrinkRecur(std::move(command), [](const FuzzCommandPtr& c) {
    const std::vector<Request>& requests = as_fuzz_command(*c).requests();
    std::vector<FuzzCommandPtr> simpler;
    if (requests.size() == 1)
      for (Request& r : simpler_requests(requests.front()))
        simpler.push_back(std::make_shared<const FuzzCommand>(std::move(r)));
    return rc::seq::fromContainer(std::move(simpler));
  });
}

}  // namespace

const std::vector<std::string>& malformed_headers() {
  static const std::vector<std::string> k_headers{
      "Basic not*base64!",
      "Basic ${base64:no-colon-here}",
      "Basic " + unpadded_base64(std::string(k_unknown_email) + ":xy"),
      "Basic ZXZl ZTpw",
      "Digest username=\"eve\"",
      "Token ${token:t1}",
      "Bearer",
      // A tab is not the space that must follow the scheme (policy.md §1): both
      // are unknown schemes, refused, where a lax reader would take them.
      "Basic\t" + model::encode_base64(std::string(k_unknown_email) + ":xy"),
      "Bearer\t${oauth:admin-oauth}",
      // Not "": HTTP stacks may drop an empty header, which is then no header (ANO-1).
  };
  return k_headers;
}

FuzzCommandPtr make_fuzz_command(const rc::Random& random, const FuzzState& state, const CoverageBias* bias) {
  Chooser chooser(random);
  return StepMaker(state, bias, chooser).make();
}

rc::Gen<FuzzCommandPtr> fuzz_command_gen(const FuzzState& state, GenerationBias bias) {
  return rc::Gen<FuzzCommandPtr>([state = &state, bias](const rc::Random& random, int) {
    return shrinkable_command(make_fuzz_command(random, *state, bias.get()));
  });
}

rc::Gen<FuzzSequence> fuzz_sequence_gen(model::PolicyConfig policy, GenerationBias bias) {
  return rc::state::gen::commands(initial_fuzz_state(policy), [bias](const FuzzState& state) {
    return fuzz_command_gen(state, bias);
  });
}

int fuzz_sequence_size(int max_steps) { return std::max(max_steps, 1) - 1; }

// The draws mirror CommandsGen's CommandSequence in rapidcheck/state/gen/Commands.hpp
// step by step; fuzz_fast_path_test checks that they give the same commands.
SequenceDraws::SequenceDraws(const rc::Random& random, int size) : m_random(random) {
  m_count = static_cast<std::size_t>(m_random.split().next() % static_cast<std::uint64_t>(size + 1)) + 1;
}

FuzzCommandPtr SequenceDraws::next(const FuzzState& state, const CoverageBias* bias) {
  rc::Random tries = m_random.split();
  for (int i = 0; i < 100; ++i) {
    const rc::Random random = tries.split();
    // As CommandSequence::entryForState: a generation failure or a discard is a failed try.
    try {
      FuzzCommandPtr command = make_fuzz_command(random, state, bias);
      if (as_fuzz_command(*command).preconditions_hold(state)) return command;
    } catch (const rc::GenerationFailure&) {
    } catch (const rc::detail::CaseResult& result) {
      if (result.type != rc::detail::CaseResult::Type::Discard) throw;
    }
  }
  return nullptr;
}

}  // namespace authconform::runner
