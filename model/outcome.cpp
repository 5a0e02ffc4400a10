#include "model/outcome.h"

#include <algorithm>
#include <array>
#include <utility>

namespace authconform::model {
namespace {

constexpr std::array<std::pair<Reason, std::string_view>, 7> k_reasons{{
    {Reason::none, ""},
    {Reason::not_admin, "not_admin"},
    {Reason::not_agent, "not_agent"},
    {Reason::missing_scope, "missing_scope"},
    {Reason::agreement_not_accepted, "agreement_not_accepted"},
    {Reason::token_access_disabled, "token_access_disabled"},
    {Reason::token_limit_reached, "token_limit_reached"},
}};

constexpr std::array<std::pair<OutcomeKind, std::string_view>, 8> k_kinds{{
    {OutcomeKind::ok, "ok"},
    {OutcomeKind::anonymous, "anonymous"},
    {OutcomeKind::user, "user"},
    {OutcomeKind::unauthorized, "unauthorized"},
    {OutcomeKind::forbidden, "forbidden"},
    {OutcomeKind::not_found, "not_found"},
    {OutcomeKind::invalid, "invalid"},
    {OutcomeKind::unexpected, "unexpected"},
}};

}  // namespace

std::string_view reason_name(Reason reason) {
  return k_reasons[static_cast<std::size_t>(reason)].second;
}

std::optional<Reason> parse_reason(std::string_view name) {
  for (const auto& [reason, text] : k_reasons)
    if (reason != Reason::none && text == name) return reason;
  return std::nullopt;
}

std::string_view outcome_kind_name(OutcomeKind kind) {
  return k_kinds[static_cast<std::size_t>(kind)].second;
}

bool outcome_matches(const Outcome& expected, const Outcome& observed) {
  if (expected.kind != observed.kind) return false;
  switch (expected.kind) {
    case OutcomeKind::user:
      return expected.user == observed.user || expected.user == k_any_user ||
             observed.user == k_any_user;
    case OutcomeKind::forbidden:
      return expected.reason == Reason::none || expected.reason == observed.reason;
    default:
      return true;
  }
}

std::string to_string(const Outcome& outcome) {
  std::string text(outcome_kind_name(outcome.kind));
  if (outcome.kind == OutcomeKind::user || outcome.kind == OutcomeKind::unexpected)
    text += ":" + outcome.user;
  if (outcome.kind == OutcomeKind::forbidden && outcome.reason != Reason::none)
    text += ":" + std::string(reason_name(outcome.reason));
  return text;
}

std::optional<Outcome> parse_outcome(std::string_view text) {
  const auto colon = text.find(':');
  const std::string_view head = text.substr(0, colon);
  const std::string_view tail = colon == std::string_view::npos ? "" : text.substr(colon + 1);
  auto kind = std::find_if(k_kinds.begin(), k_kinds.end(),
                           [&](const auto& k) { return k.second == head; });
  if (kind == k_kinds.end()) return std::nullopt;
  Outcome outcome{kind->first, Reason::none, {}};
  if (outcome.kind == OutcomeKind::user || outcome.kind == OutcomeKind::unexpected) {
    if (tail.empty()) return std::nullopt;
    outcome.user = std::string(tail);
  } else if (outcome.kind == OutcomeKind::forbidden && colon != std::string_view::npos) {
    auto reason = parse_reason(tail);
    if (!reason) return std::nullopt;
    outcome.reason = *reason;
  } else if (colon != std::string_view::npos) {
    return std::nullopt;
  }
  return outcome;
}

bool Decision::accepts(const Outcome& observed) const {
  if (outcome_matches(outcome, observed)) return true;
  return std::any_of(tolerated.begin(), tolerated.end(),
                     [&](const Outcome& alt) { return outcome_matches(alt, observed); });
}

}  // namespace authconform::model
