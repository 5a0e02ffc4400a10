// What a request observably results in (spec/policy.md §3), and the model's
// decision: the outcome plus the rules that fired, in order.
#pragma once

#include "model/rules.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace authconform::model {

enum class OutcomeKind : unsigned char {
  ok,            // 2xx of a configuration, management or fixture operation
  anonymous,     // 200 on users/me with the anonymous user
  user,          // 200 on a probe, acting as `user`
  unauthorized,  // 401
  forbidden,     // 403 with `reason`
  not_found,     // 404
  invalid,       // 400: malformed body (only after identity and permission passed)
  unexpected,    // observed only: a 4xx the profile does not map (`user` holds the status), or
                 // an answer wrong in itself (secret_shown_again)
};

enum class Reason : unsigned char {
  none,
  not_admin,
  not_agent,
  missing_scope,
  agreement_not_accepted,
  token_access_disabled,
  token_limit_reached,
};

inline constexpr std::string_view k_any_user = "*";

struct Outcome {
  OutcomeKind kind = OutcomeKind::ok;
  Reason reason = Reason::none;  // set only for forbidden
  // For `user`: the symbolic user name. An observation that cannot tell who
  // (a 200 on tickets) carries k_any_user, which matches every user.
  std::string user;

  static Outcome ok() { return {OutcomeKind::ok, Reason::none, {}}; }
  static Outcome anonymous() { return {OutcomeKind::anonymous, Reason::none, {}}; }
  static Outcome unauthorized() { return {OutcomeKind::unauthorized, Reason::none, {}}; }
  static Outcome not_found() { return {OutcomeKind::not_found, Reason::none, {}}; }
  static Outcome invalid() { return {OutcomeKind::invalid, Reason::none, {}}; }
  static Outcome forbidden(Reason r) { return {OutcomeKind::forbidden, r, {}}; }
  static Outcome as_user(std::string name) { return {OutcomeKind::user, Reason::none, std::move(name)}; }
  // Observed only: an answer after creation that shows token NAME's secret again (TOK-3).
  static Outcome secret_shown_again(const std::string& token) {
    return {OutcomeKind::unexpected, Reason::none, "the secret of token " + token + std::string(k_shown_again)};
  }
  bool is_secret_shown_again() const { return kind == OutcomeKind::unexpected && user.ends_with(k_shown_again); }
  static constexpr std::string_view k_shown_again = " shown again";

  friend bool operator==(const Outcome&, const Outcome&) = default;
};

// Does an observed outcome agree with an expected one? Equal, or `user(*)`
// observed where a user was expected, or a plain `forbidden` expectation
// (any reason) met by any forbidden.
bool outcome_matches(const Outcome& expected, const Outcome& observed);

// Text forms used everywhere (CLI, JSON, scenarios): ok, anonymous, unauthorized,
// not_found, invalid, user:NAME, forbidden:REASON, forbidden (reason none).
std::string to_string(const Outcome& outcome);
std::optional<Outcome> parse_outcome(std::string_view text);
std::string_view reason_name(Reason reason);
std::optional<Reason> parse_reason(std::string_view name);
std::string_view outcome_kind_name(OutcomeKind kind);

struct Decision {
  Outcome outcome;
  std::vector<RuleId> rules;  // the rules that fired, in order
  // Where the spec is silent and the step changes nothing either way, other
  // outcomes a conformant target may give (documented in docs/spec-choices.md).
  std::vector<Outcome> tolerated;

  bool accepts(const Outcome& observed) const;
};

}  // namespace authconform::model
