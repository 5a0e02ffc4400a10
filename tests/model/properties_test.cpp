// Properties of the model over random request sequences (RapidCheck). Each
// property starts from an account holding the cast, under a random policy,
// optionally with API access activated, and applies a random sequence drawn
// from a small pool of names so that requests hit each other's objects.
#include "tests/model/model_test_support.h"

#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace authconform::model {
void showValue(Identity::Kind kind, std::ostream& os) {
  os << (kind == Identity::Kind::user ? "user" : kind == Identity::Kind::anonymous ? "anonymous" : "unauthorized");
}
}  // namespace authconform::model

namespace authconform::model::tests {
namespace {

// --- the pool of names --------------------------------------------------------------

const std::vector<std::string> k_user_names{"admin", "eve", "ann", "alice", "bob", "zoe", "ghost"};
const std::vector<std::string> k_token_names{"t1", "t2", "t3", "t4"};
const std::vector<std::string> k_oauth_names{"o1", "o2", "o3"};

// Emails as a scenario may write them: symbolic, literal, or in another case.
const std::vector<std::string> k_emails{
    "${email:admin}", "${email:eve}",       "eve@example.test",  "EVE@Example.TEST",
    "ann@example.test", "alice@example.test", "${email:bob}",     "zoe@example.test",
    "ghost@example.test"};

const std::vector<std::string> k_raw_headers{
    "Basic ${base64:${email:eve}:eve-pw}",
    "basic   ${base64:${email:alice}/token:${token:t1}}",
    "Basic ${base64:EVE@Example.TEST/token:${token:t2}}",
    "Basic ${base64:ghost@example.test/token:${token:t3}}",
    "Basic ${base64:ann@example.test/TOKEN:${token:t1}}",
    "BEARER ${oauth:o1}",
    "Bearer ${oauth:admin-oauth}",
    "Bearer  ",
    "Basic !!!",
    "Basic ZXZlQGV4YW1wbGUudGVzdDpldmUtcHc",  // eve@example.test:eve-pw without its '='
    "Digest abc",
    ""};

// --- generators --------------------------------------------------------------------

rc::Gen<std::optional<bool>> gen_maybe_bool() {
  return rc::gen::element<std::optional<bool>>(std::nullopt, true, false);
}

rc::Gen<Credential> gen_password_credential() {
  return rc::gen::apply(
      [](const std::string& name, int email_form, bool right, const std::string& wrong) -> Credential {
        const std::string email = email_form == 0   ? "${email:" + name + "}"
                                  : email_form == 1 ? email_of(name)
                                                    : "EVE@Example.TEST";
        return PasswordCredential{email, right ? password_of(name) : wrong};
      },
      rc::gen::elementOf(k_user_names), rc::gen::inRange(0, 3), rc::gen::arbitrary<bool>(),
      rc::gen::element<std::string>("wrong", "", "eve-pw", "admin-pw"));
}

rc::Gen<Credential> gen_credential() {
  return rc::gen::weightedOneOf<Credential>({
      {4, rc::gen::just<Credential>(admin_oauth())},
      {1, rc::gen::just<Credential>(NoCredential{})},
      {3, gen_password_credential()},
      {3, rc::gen::apply([](const std::string& email, const std::string& name)
                             -> Credential { return TokenCredential{email, name}; },
                         rc::gen::elementOf(k_emails),
                         rc::gen::element<std::string>("t1", "t2", "t3", "t4", "t9"))},
      {2, rc::gen::map(rc::gen::element<std::string>("o1", "o2", "o3", "admin-oauth", "o9"),
                       [](const std::string& name) -> Credential { return OAuthCredential{name}; })},
      {1, rc::gen::map(rc::gen::elementOf(k_raw_headers),
                       [](const std::string& header) -> Credential { return RawCredential{header}; })},
  });
}

rc::Gen<Operation> gen_settings_op() {
  return rc::gen::apply(
      [](std::optional<bool> agreement, std::optional<bool> tokens, std::optional<bool> end_users,
         int malformed) -> Operation {
        return UpdateSettingsOp{agreement, tokens, end_users, malformed == 0};
      },
      gen_maybe_bool(), gen_maybe_bool(), gen_maybe_bool(), rc::gen::inRange(0, 8));
}

rc::Gen<Operation> gen_token_op() {
  const auto any_token = rc::gen::element<std::string>("t1", "t2", "t3", "t4", "t9");
  return rc::gen::oneOf(
      rc::gen::map(rc::gen::elementOf(k_token_names),
                   [](const std::string& n) -> Operation { return GenerateTokenOp{n}; }),
      rc::gen::apply([](const std::string& n, bool on) -> Operation { return SetTokenActiveOp{n, on}; },
                     any_token, rc::gen::arbitrary<bool>()),
      rc::gen::map(any_token, [](const std::string& n) -> Operation { return DeleteTokenOp{n}; }),
      rc::gen::just<Operation>(ListTokensOp{}));
}

// The built-in admin's OAuth token is never revoked here, so that properties
// can always act as the admin.
rc::Gen<Operation> gen_oauth_op() {
  return rc::gen::oneOf(
      rc::gen::apply(
          [](const std::string& name, const std::string& owner, bool read, bool write) -> Operation {
            return IssueOAuthOp{name, owner, read, write};
          },
          rc::gen::elementOf(k_oauth_names), rc::gen::elementOf(k_user_names), rc::gen::arbitrary<bool>(),
          rc::gen::arbitrary<bool>()),
      rc::gen::map(rc::gen::element<std::string>("o1", "o2", "o3", "o9"),
                   [](const std::string& n) -> Operation { return RevokeOAuthOp{n}; }));
}

rc::Gen<Operation> gen_fixture_op() {
  const auto any_user = rc::gen::elementOf(k_user_names);
  return rc::gen::oneOf(
      rc::gen::apply(
          [](const std::string& name, int role, bool two_factor) -> Operation {
            return AddUserOp{name, email_of(name), static_cast<Role>(role), password_of(name), two_factor};
          },
          rc::gen::element<std::string>("zoe", "yan", "eve"), rc::gen::inRange(0, 3),
          rc::gen::arbitrary<bool>()),
      rc::gen::apply([](const std::string& user, const std::string& pw) -> Operation {
                       return SetPasswordOp{user, pw};
                     },
                     any_user, rc::gen::element<std::string>("eve-pw", "new-pw", "admin-pw")),
      rc::gen::apply([](const std::string& user, bool on) -> Operation {
                       return SetTwoFactorEnrolledOp{user, on};
                     },
                     any_user, rc::gen::arbitrary<bool>()),
      rc::gen::map(rc::gen::arbitrary<bool>(),
                   [](bool on) -> Operation { return SetTwoFactorRequiredOp{on}; }),
      rc::gen::map(rc::gen::arbitrary<bool>(),
                   [](bool on) -> Operation { return SetAgentPasswordAccessOp{on}; }));
}

rc::Gen<Operation> gen_operation() {
  return rc::gen::weightedOneOf<Operation>({
      {3, rc::gen::map(rc::gen::element(Probe::me, Probe::tickets),
                       [](Probe p) -> Operation { return ProbeOp{p}; })},
      {1, rc::gen::just<Operation>(ReadSettingsOp{})},
      {3, gen_settings_op()},
      {4, gen_token_op()},
      {2, gen_oauth_op()},
      {2, gen_fixture_op()},
  });
}

rc::Gen<Request> gen_request() {
  return rc::gen::apply([](Operation op, Credential c) { return Request{std::move(op), std::move(c)}; },
                        gen_operation(), gen_credential());
}

rc::Gen<std::vector<Request>> gen_requests() { return rc::gen::container<std::vector<Request>>(gen_request()); }

// --- a run: a model and the account it decides ------------------------------------------

struct Run {
  PolicyModel model;
  AccountState state;
};

PolicyConfig config_of(int index) {
  switch (index) {
    case 1: return {PolicyId::zendesk_2026, false};
    case 2: return {PolicyId::zendesk_2026, true};
    default: return {PolicyId::article, false};
  }
}

Request as_admin(Operation op) { return Request{std::move(op), admin_oauth()}; }

// Draws the policy and whether API access starts activated (with t1, t2).
Run draw_run() {
  const int policy = *rc::gen::inRange(0, 3);
  const bool activated = *rc::gen::arbitrary<bool>();
  Run run{PolicyModel{config_of(policy)}, {}};
  run.state = run.model.initial_state();
  for (const std::string_view name : {k_eve, k_ann, k_alice, k_bob}) {
    const Role role = name == k_alice ? Role::agent : name == k_bob ? Role::admin : Role::end_user;
    run.model.apply(run.state, Request{AddUserOp{std::string(name), email_of(name), role,
                                                 password_of(name), name == k_ann},
                                       NoCredential{}});
  }
  if (activated) {
    run.model.apply(run.state, as_admin(agreement_op(true)));
    run.model.apply(run.state, as_admin(token_access_op(true)));
    run.model.apply(run.state, as_admin(GenerateTokenOp{"t1"}));
    run.model.apply(run.state, as_admin(GenerateTokenOp{"t2"}));
  }
  return run;
}

// A fixture request that the fixture interface must accept (wire.md): known
// users, new names and emails, non-empty passwords.
bool well_formed_fixture(const AccountState& state, const Operation& op) {
  if (const auto* add = std::get_if<AddUserOp>(&op)) {
    return state.find_user_by_name(add->name) == nullptr &&
           state.find_user_by_email(add->email) == nullptr && !add->password.empty();
  }
  if (const auto* set = std::get_if<SetPasswordOp>(&op)) {
    return state.find_user_by_name(set->user) != nullptr && !set->password.empty();
  }
  if (const auto* enrol = std::get_if<SetTwoFactorEnrolledOp>(&op)) {
    return state.find_user_by_name(enrol->user) != nullptr;
  }
  return true;
}

// Applies `request` unless it is ill-formed fixture input, which a scenario
// cannot send (see fixture_test.cpp for how the model treats it).
void apply_valid(Run& run, const Request& request) {
  if (!is_fixture(request.op) || well_formed_fixture(run.state, request.op)) {
    run.model.apply(run.state, request);
  }
}

Identity identity_in(const Run& run, const AccountState& state, const Credential& credential) {
  std::vector<RuleId> rules;
  return run.model.identify(state, credential, rules);
}

bool same_identity(const Identity& a, const Identity& b) {
  return a.kind == b.kind && (a.kind != Identity::Kind::user || a.user == b.user);
}

std::vector<Credential> token_credentials() {
  std::vector<Credential> all;
  for (const std::string& email : k_emails) {
    for (const std::string token_name : {"t1", "t2", "t3", "t4", "t9"}) {
      all.push_back(TokenCredential{email, token_name});
    }
  }
  all.push_back(RawCredential{"Basic ${base64:${email:alice}/token:${token:t1}}"});
  return all;
}

bool selects_token_path(const Credential& credential) {
  if (std::holds_alternative<TokenCredential>(credential)) return true;
  const auto* raw_header = std::get_if<RawCredential>(&credential);
  return raw_header != nullptr && raw_header->header.find("/token:") != std::string::npos;
}

const User* authenticated_user(const AccountState& state, const Identity& identity) {
  return identity.kind == Identity::Kind::user ? state.find_user_by_name(identity.user) : nullptr;
}

// --- properties of identities -------------------------------------------------------------

RC_GTEST_PROP(ModelProperties, OAuthIdentity_DoesNotDependOnAgreementTokenOrPasswordSettings, ()) {
  Run run = draw_run();
  for (const Request& request : *gen_requests()) apply_valid(run, request);
  std::vector<Credential> oauth{RawCredential{"bearer   ${oauth:o1}"}, OAuthCredential{"o9"}};
  for (const std::string& name : k_oauth_names) oauth.push_back(OAuthCredential{name});
  oauth.push_back(admin_oauth());
  for (const Credential& credential : oauth) {
    const Identity base = identity_in(run, run.state, credential);
    for (unsigned mask = 0; mask < 32; ++mask) {
      AccountState variant = run.state;
      variant.agreement_accepted = (mask & 1U) != 0;
      variant.token_access = (mask & 2U) != 0;
      variant.end_user_password_access = (mask & 4U) != 0;
      variant.agent_password_access = (mask & 8U) != 0;
      variant.two_factor_required = (mask & 16U) != 0;
      RC_ASSERT(same_identity(identity_in(run, variant, credential), base));
    }
  }
}

RC_GTEST_PROP(ModelProperties, TokenCredential_IsNeverAnonymous, ()) {
  Run run = draw_run();
  for (const Request& request : *gen_requests()) {
    if (selects_token_path(request.credential)) {
      RC_ASSERT(identity_in(run, run.state, request.credential).kind != Identity::Kind::anonymous);
    }
    apply_valid(run, request);
  }
  for (const Credential& credential : token_credentials()) {
    RC_ASSERT(identity_in(run, run.state, credential).kind != Identity::Kind::anonymous);
  }
}

RC_GTEST_PROP(ModelProperties, EndUserPasswordAccessOff_NoEndUserAuthenticatesByPassword, ()) {
  Run run = draw_run();
  for (const Request& request : *gen_requests()) {
    if (!run.state.end_user_password_access &&
        std::holds_alternative<PasswordCredential>(request.credential)) {
      const User* user = authenticated_user(run.state, identity_in(run, run.state, request.credential));
      // RC_ASSERT decomposes its expression, so || would not short-circuit.
      const bool end_user_admitted = user != nullptr && user->role == Role::end_user;
      RC_ASSERT(!end_user_admitted);
    }
    apply_valid(run, request);
  }
  AccountState off = run.state;
  off.end_user_password_access = false;
  for (const User& user : off.users) {
    if (user.role != Role::end_user) continue;
    const Identity identity = identity_in(run, off, PasswordCredential{user.email, user.password});
    RC_ASSERT(identity.kind != Identity::Kind::user);
  }
}

RC_GTEST_PROP(ModelProperties, TokenAccessOffAndOnAgain_RestoresEveryTokenIdentity, ()) {
  Run run = draw_run();
  for (const Request& request : *gen_requests()) apply_valid(run, request);
  RC_ASSERT(run.model.apply(run.state, as_admin(agreement_op(true))).outcome == Outcome::ok());
  RC_ASSERT(run.model.apply(run.state, as_admin(token_access_op(true))).outcome == Outcome::ok());
  std::vector<Identity> before;
  for (const Credential& credential : token_credentials()) {
    before.push_back(identity_in(run, run.state, credential));
  }
  RC_ASSERT(run.model.apply(run.state, as_admin(token_access_op(false))).outcome == Outcome::ok());
  for (const Credential& credential : token_credentials()) {
    RC_ASSERT(identity_in(run, run.state, credential).kind == Identity::Kind::unauthorized);
  }
  RC_ASSERT(run.model.apply(run.state, as_admin(token_access_op(true))).outcome == Outcome::ok());
  const std::vector<Credential> credentials = token_credentials();
  for (std::size_t i = 0; i < credentials.size(); ++i) {
    RC_ASSERT(same_identity(identity_in(run, run.state, credentials[i]), before[i]));
  }
}

// --- properties of decisions ----------------------------------------------------------------

bool same_decision(const Decision& a, const Decision& b) {
  return a.outcome == b.outcome && a.rules == b.rules && a.tolerated == b.tolerated;
}

RC_GTEST_PROP(ModelProperties, Decisions_AreDeterministic, ()) {
  Run run = draw_run();
  for (const Request& request : *gen_requests()) {
    AccountState twin = run.state;
    const Decision first = run.model.apply(run.state, request);
    const Decision second = run.model.apply(twin, request);
    RC_ASSERT(same_decision(first, second));
    RC_ASSERT(run.state == twin);
  }
}

RC_GTEST_PROP(ModelProperties, StateCopies_CompareAndHashEqual, ()) {
  Run run = draw_run();
  for (const Request& request : *gen_requests()) {
    apply_valid(run, request);
    const AccountState copy = run.state;
    RC_ASSERT(copy == run.state);
    RC_ASSERT(std::hash<AccountState>{}(copy) == std::hash<AccountState>{}(run.state));
    AccountState changed = run.state;
    changed.token_access = !changed.token_access;
    RC_ASSERT(!(changed == run.state));
  }
}

// Fixture operations are set-up, not API requests decided in the three
// stages (spec §2), so only API requests must explain themselves.
RC_GTEST_PROP(ModelProperties, EveryApiDecision_ListsAtLeastOneRuleOfItsPolicy, ()) {
  Run run = draw_run();
  for (const Request& request : *gen_requests()) {
    const Decision decision = run.model.apply(run.state, request);
    const bool explained = is_fixture(request.op) || !decision.rules.empty();
    RC_ASSERT(explained);
    for (const RuleId rule : decision.rules) {
      RC_ASSERT(rule_in_policy(rule, run.model.config().policy));
    }
  }
}

// Ill-formed fixture input is covered by examples in fixture_test.cpp.
RC_GTEST_PROP(ModelProperties, FixtureOperations_SucceedWhenWellFormed, ()) {
  Run run = draw_run();
  for (const Request& request : *gen_requests()) {
    const bool checked = is_fixture(request.op) && well_formed_fixture(run.state, request.op);
    const Decision decision = run.model.apply(run.state, request);
    if (checked) RC_ASSERT(decision.outcome == Outcome::ok());
  }
}

// --- properties of the header ------------------------------------------------------------------

RC_GTEST_PROP(HeaderProperties, Base64_EncodeThenDecode_RoundTrips, (const std::string& bytes)) {
  const std::string encoded = encode_base64(bytes);
  RC_ASSERT(encoded == base64(bytes));
  RC_ASSERT(decode_base64_strict(encoded) == std::optional<std::string>(bytes));
}

// Strictness: whatever decodes is the canonical encoding of its bytes, except
// for the bits that padding drops (docs/spec-choices.md C14).
RC_GTEST_PROP(HeaderProperties, Base64_DecodedTextIsCanonicalUpToDroppedPadBits, ()) {
  const std::string text = *rc::gen::container<std::string>(
      rc::gen::element('Q', 'U', 'm', 'g', 'z', '0', '+', '/', '=', ' ', 'A', 'w'));
  const std::optional<std::string> decoded = decode_base64_strict(text);
  if (!decoded) return;
  const std::string again = encode_base64(*decoded);
  RC_ASSERT(again.size() == text.size());
  const std::size_t data = text.find('=') == std::string::npos ? text.size() : text.find('=');
  RC_ASSERT(again.substr(data) == text.substr(data));  // the same padding
  // Only the last data character may differ, and only in its dropped bits.
  if (data == text.size()) {
    RC_ASSERT(again == text);
  } else {
    RC_ASSERT(again.substr(0, data - 1) == text.substr(0, data - 1));
  }
}

std::string resolve_symbolically(std::string_view kind, std::string_view name) {
  if (kind == "email") return std::string(name) + "@x.test";
  return symbolic_secret(kind, name);
}

rc::Gen<std::string> gen_text(const std::vector<std::string>& pieces) {
  return rc::gen::map(rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(pieces)),
                      [](const std::vector<std::string>& parts) {
                        std::string joined;
                        for (const std::string& part : parts) joined += part;
                        return joined;
                      });
}

std::optional<ParsedHeader> parse_rendered(const Credential& credential) {
  const std::optional<std::string> header = render_authorization(credential, resolve_symbolically);
  RC_ASSERT(header.has_value());
  return parse_authorization(*header);
}

// parse_credential skips building the header for most credentials; whatever
// the credential, it must read exactly what the header it stands for reads.
RC_GTEST_PROP(HeaderProperties, ParseCredential_ReadsWhatTheRenderedHeaderReads, ()) {
  const std::vector<std::string> pieces{"a", "Z", "@", ":", " ", "\t", "/token", "${email:eve}", "${email:",
                                        "}", "${token:t1}", "\xc3\xa9", "\xff", "\x02", ""};
  const std::string email = *gen_text(pieces).as("email");
  const std::string secret = *gen_text(pieces).as("password or name");
  const Credential credential = *rc::gen::element<Credential>(
      PasswordCredential{email, secret}, TokenCredential{email, secret}, OAuthCredential{secret},
      RawCredential{"Basic ${base64:" + email + ":" + secret + "}"});
  const auto header = render_authorization(credential, resolve_symbolically);
  const auto expected = header ? parse_authorization(*header) : std::nullopt;
  RC_ASSERT(parse_credential(credential, resolve_symbolically) == expected);
}

RC_GTEST_PROP(HeaderProperties, ParseOfRenderedCredential_RoundTrips, ()) {
  // Emails have no ':' and do not end in "/token"; passwords are any UTF-8.
  const std::string email = *gen_text({"a", "Z", "@", ".", "-", "/", "\xc3\xa9", "token"}).as("email");
  RC_PRE(!email.ends_with("/token"));
  const std::string secret =
      *gen_text({"a", ":", " ", "\t", "/token", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "="}).as("password");
  const std::string name = *rc::gen::element<std::string>("t1", "o1", "x y").as("name");

  const std::optional<ParsedHeader> password = parse_rendered(PasswordCredential{email, secret});
  RC_ASSERT(password.has_value());
  RC_ASSERT(password->kind == ParsedHeader::Kind::password);
  RC_ASSERT(password->login == email);
  RC_ASSERT(password->secret == secret);

  const std::optional<ParsedHeader> token_header = parse_rendered(TokenCredential{email, name});
  RC_ASSERT(token_header.has_value());
  RC_ASSERT(token_header->kind == ParsedHeader::Kind::token);
  RC_ASSERT(token_header->login == email);
  RC_ASSERT(token_header->secret == symbolic_secret("token", name));

  const std::optional<ParsedHeader> bearer = parse_rendered(OAuthCredential{name});
  RC_ASSERT(bearer.has_value());
  RC_ASSERT(bearer->kind == ParsedHeader::Kind::bearer);
  RC_ASSERT(bearer->secret == symbolic_secret("oauth", name));
}

// --- identify's direct reading ----------------------------------------------------------------

// An account where each kind of credential has something to find: users of
// every role (one whose password has a ':'), live, inactive, deleted and
// reused token names, OAuth tokens with each scope, revoked, and one whose
// name ends in a blank.
AccountState identity_state() {
  AccountState s = new_account(*rc::gen::arbitrary<bool>());
  s.agreement_accepted = true;
  s.token_access = *rc::gen::arbitrary<bool>();
  s.token_access_ever_on = s.token_access || *rc::gen::arbitrary<bool>();
  s.end_user_password_access = *rc::gen::arbitrary<bool>();
  s.agent_password_access = *rc::gen::arbitrary<bool>();
  s.two_factor_required = *rc::gen::arbitrary<bool>();
  const bool two_factor = *rc::gen::arbitrary<bool>();
  s.users.push_back({"eve", "eve@example.test", Role::end_user, "eve-pw", two_factor});
  s.users.push_back({"al", "Al@Example.TEST", Role::agent, "al:pw", false});
  s.users.push_back({"bob", "bob@example.test", Role::admin, "bob-pw", !two_factor});
  s.tokens = {{"t1", true, true, false}, {"t1", true, false, *rc::gen::arbitrary<bool>()},
              {"t2", false, false, false}, {"t3", true, true, false}};
  s.oauth.push_back({"o1", "eve", true, false, false});
  s.oauth.push_back({"o2", "bob", true, true, false});
  s.oauth.push_back({"o3", "al", false, true, true});
  s.oauth.push_back({"o4", "bob", true, true, false});
  return s;
}

void expect_same_identity(const Identity& a, const std::vector<RuleId>& a_rules, const Identity& b,
                          const std::vector<RuleId>& b_rules) {
  RC_ASSERT(a.kind == b.kind);
  RC_ASSERT(a.user == b.user);
  RC_ASSERT(a.via_oauth == b.via_oauth);
  RC_ASSERT(a_rules == b_rules);
}

// identify reads most structured credentials directly; whatever the
// credential, it must decide what the header it stands for decides.
RC_GTEST_PROP(ModelProperties, Identify_DecidesWhatTheRenderedHeaderDecides, ()) {
  const AccountState state = identity_state();
  const PolicyModel model(*rc::gen::element(PolicyConfig{PolicyId::article, false},
                                            PolicyConfig{PolicyId::zendesk_2026, false}));
  const std::vector<std::string> email_pieces{"${email:eve}", "${email:al}", "${email:bob}", "${email:ghost}",
                                              "eve@example.test", "AL@example.test", "${email:", "}", "${base64:",
                                              "x", ":", "/token", "\xff", "\t", ""};
  const std::vector<std::string> secret_pieces{"eve-pw", "al:pw", "bob-pw", "t1", "t2", "t3", "o1", "o2", "o3",
                                               "o4", " ", "\t", ":", "\xc3\xa9", "\xff", "\x02", ""};
  // Mostly one piece, alone or with one more (so that names meet trailing
  // blanks), sometimes many.
  const auto text = [](const std::vector<std::string>& pieces) {
    return rc::gen::weightedOneOf<std::string>(
        {{3, rc::gen::apply([](const std::string& a, const std::string& b) { return a + b; },
                            rc::gen::elementOf(pieces), rc::gen::elementOf(pieces))},
         {1, rc::gen::elementOf(pieces)},
         {1, gen_text(pieces)}});
  };
  const std::string email = *text(email_pieces).as("email");
  const std::string secret = *text(secret_pieces).as("password or name");
  const Credential credential = *rc::gen::element<Credential>(
      PasswordCredential{email, secret}, TokenCredential{email, secret}, OAuthCredential{secret});
  const SecretResolver resolve = [&](std::string_view kind, std::string_view name) {
    if (kind != "email") return symbolic_secret(kind, name);
    const User* u = state.find_user_by_name(name);
    return u ? u->email : std::string(name) + "@unknown.test";
  };
  std::vector<RuleId> rules, header_rules;
  const Identity id = model.identify(state, credential, rules);
  const std::optional<std::string> header = render_authorization(credential, resolve);
  if (!header) {
    expect_same_identity(id, rules, Identity{Identity::Kind::unauthorized, {}, nullptr}, {RuleId::ANO_2});
    return;
  }
  const Identity by_header = model.identify(state, RawCredential{*header}, header_rules);
  expect_same_identity(id, rules, by_header, header_rules);
}

// "o1 \t" is not o1: the HTTP target resolves names as written, and a
// symbolic secret's closing byte keeps the header's trimming from cutting
// the name (both paths agree: Identify_DecidesWhatTheRenderedHeaderDecides).
TEST(ModelProperties, Identify_BearerNameWithTrailingBlanks_IsAnotherUnknownName) {
  AccountState state = new_account();
  state.oauth.push_back({"o1", std::string(k_admin_name), true, true, false});
  std::vector<RuleId> rules;
  const Identity id = PolicyModel().identify(state, OAuthCredential{"o1 \t"}, rules);
  EXPECT_EQ(id.kind, Identity::Kind::unauthorized);
  EXPECT_EQ(rules, std::vector<RuleId>{RuleId::OAU_2});
  rules.clear();
  EXPECT_EQ(PolicyModel().identify(state, OAuthCredential{"o1"}, rules).via_oauth, &state.oauth.back());
}

}  // namespace
}  // namespace authconform::model::tests
