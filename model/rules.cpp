#include "model/rules.h"

#include <algorithm>

namespace authconform::model {
namespace {

constexpr bool A = true;   // in the article policy
constexpr bool Z = true;   // in the zendesk-2026 policy
constexpr bool n = false;

constexpr std::array<RuleInfo, k_rule_count> k_catalogue{{
    {RuleId::ANO_1, "ANO-1", Stage::identity, "No Authorization header: anonymous.",
     "article (\"end-user access is considered anonymous\")", A, Z},
    {RuleId::ANO_2, "ANO-2", Stage::identity,
     "A header that is neither Basic nor Bearer, or Basic that is not strict base64, not UTF-8 or has no ':': unauthorized.",
     "platform docs (401 for a malformed header)", A, Z},
    {RuleId::TOK_4, "TOK-4", Stage::identity,
     "email/token:secret authenticates as that user when token access is on and the token is existing and active.",
     "article (\"add /token to the end of your email address\")", A, Z},
    {RuleId::TOK_5, "TOK-5", Stage::identity,
     "Token access off: every /token credential is unauthorized, valid or not; tokens are kept.",
     "article (\"your tokens stop working\")", A, Z},
    {RuleId::TOK_7, "TOK-7", Stage::identity,
     "Token access on but the secret is unknown, deleted or deactivated, or the email matches no user: unauthorized, never anonymous.",
     "platform (wrong token gives 401)", A, Z},
    {RuleId::PWD_3, "PWD-3", Stage::identity,
     "An end user's right email:password while end-user password access is off: anonymous.",
     "article (\"end-user access is considered anonymous\")", A, Z},
    {RuleId::PWD_4, "PWD-4", Stage::identity,
     "An end user's right email:password while end-user password access is on: that end user.",
     "article (\"end users can make authenticated or anonymous API requests\")", A, Z},
    {RuleId::PWD_6, "PWD-6", Stage::identity,
     "An agent's or admin's right email:password: that user when agent_password_access is on, else anonymous.",
     "platform docs; article silent", A, Z},
    {RuleId::PWD_7, "PWD-7", Stage::identity,
     "email:password with a wrong password or an unknown email: anonymous, never 401.",
     "platform (observed: wrong password gives the anonymous user)", A, Z},
    {RuleId::PWD_8, "PWD-8", Stage::identity,
     "Two-factor authentication, enrolled or required, does not change any password decision.",
     "article (\"does not affect the ability to make API requests using email and password\")", A, n},
    {RuleId::TFA_1, "2FA-1", Stage::identity,
     "zendesk-2026: an agent or admin enrolled in 2FA, or anyone while the account requires 2FA, is anonymous by email:password.",
     "policy zendesk-2026 (replaces PWD-8)", n, Z},
    {RuleId::OAU_1, "OAU-1", Stage::identity,
     "Bearer secret of a live OAuth token: its owner, whatever the agreement, token and password settings.",
     "article (\"OAuth access is managed separately\")", A, Z},
    {RuleId::OAU_2, "OAU-2", Stage::identity,
     "Bearer with an unknown or revoked secret: unauthorized (invalid_token).", "platform docs", A, Z},
    {RuleId::PRB_1, "PRB-1", Stage::permission,
     "GET users/me is allowed for every identity and reports it (the anonymous user for anonymous).",
     "platform docs", A, Z},
    {RuleId::PRB_2, "PRB-2", Stage::permission,
     "GET tickets needs an agent or admin: an end user is forbidden (not_agent), anonymous is unauthorized.",
     "platform docs", A, Z},
    {RuleId::PRB_3, "PRB-3", Stage::permission,
     "Reading the API settings needs an agent or admin, as PRB-2.", "platform docs", A, Z},
    {RuleId::OAU_3, "OAU-3", Stage::permission,
     "An OAuth request needs the scope of the operation (read for GET, write otherwise): else forbidden (missing_scope).",
     "platform docs", A, Z},
    {RuleId::ADM_1, "ADM-1", Stage::permission,
     "Changing API settings, managing API tokens and issuing OAuth tokens need an admin: others are forbidden (not_admin), anonymous unauthorized.",
     "platform docs", A, Z},
    {RuleId::ACT_1, "ACT-1", Stage::effect, "A new account has not accepted the API agreement.",
     "article (\"If you're accessing the Zendesk API for the first time\")", A, Z},
    {RuleId::ACT_2, "ACT-2", Stage::effect,
     "Accepting the agreement activates API access; accepting again changes nothing; it cannot be withdrawn.",
     "article (\"To activate API access\")", A, Z},
    {RuleId::ACT_3, "ACT-3", Stage::effect,
     "Until the agreement is accepted, toggling token or password access and generating tokens are refused (agreement_not_accepted).",
     "article (the settings appear after \"Get started\")", A, Z},
    {RuleId::TOK_1, "TOK-1", Stage::effect, "Token access is off in a new account.",
     "article (\"API token access is disabled by default\")", A, Z},
    {RuleId::TOK_2, "TOK-2", Stage::effect,
     "After activation an admin can turn token access on and off; setting the current value changes nothing.",
     "article", A, Z},
    {RuleId::TOK_3, "TOK-3", Stage::effect,
     "A token can be generated only while token access is on (token_access_disabled); its secret is shown once.",
     "article (\"After you turn on API token access, you can generate API access tokens\")", A, Z},
    {RuleId::TOK_6, "TOK-6", Stage::effect,
     "Turning token access back on makes every kept, active token work again.",
     "article (\"turn token access back on to reactivate them\")", A, Z},
    {RuleId::TOK_8, "TOK-8", Stage::effect,
     "An admin can deactivate, reactivate and delete one token; deleted is gone (404); at most 256 tokens (token_limit_reached).",
     "platform docs", A, Z},
    {RuleId::PWD_1, "PWD-1", Stage::effect, "End-user password access is off in a new account.",
     "article (\"By default, API password access for end users is turned off\")", A, Z},
    {RuleId::PWD_2, "PWD-2", Stage::effect,
     "After activation an admin can turn end-user password access on and off (idempotent).", "article", A, Z},
    {RuleId::PWD_5, "PWD-5", Stage::effect,
     "Turning end-user password access off makes end users' password requests anonymous again.",
     "article (\"After turning off API password access, end-user access is considered anonymous\")", A, Z},
    {RuleId::OAU_4, "OAU-4", Stage::effect,
     "An admin issues OAuth tokens for any user and revokes any; a user revokes its own; unknown or revoked is not_found, another's forbidden (not_admin).",
     "article (managed separately); platform docs", A, Z},
}};

}  // namespace

std::span<const RuleInfo> all_rules() { return k_catalogue; }

const RuleInfo& rule_info(RuleId id) { return k_catalogue[static_cast<std::size_t>(id)]; }

std::string_view rule_code(RuleId id) { return rule_info(id).code; }

std::optional<RuleId> parse_rule_code(std::string_view code) {
  auto it = std::find_if(k_catalogue.begin(), k_catalogue.end(),
                         [&](const RuleInfo& r) { return r.code == code; });
  if (it == k_catalogue.end()) return std::nullopt;
  return it->id;
}

bool rule_in_policy(RuleId id, PolicyId policy) {
  const RuleInfo& info = rule_info(id);
  return policy == PolicyId::article ? info.in_article : info.in_zendesk_2026;
}

std::string_view stage_name(Stage stage) {
  switch (stage) {
    case Stage::identity: return "identity";
    case Stage::permission: return "permission";
    case Stage::effect: return "effect";
  }
  return "effect";
}

std::string_view policy_name(PolicyId policy) {
  return policy == PolicyId::article ? "article" : "zendesk-2026";
}

std::optional<PolicyId> parse_policy(std::string_view name) {
  if (name == "article") return PolicyId::article;
  if (name == "zendesk-2026") return PolicyId::zendesk_2026;
  return std::nullopt;
}

}  // namespace authconform::model
