// The rule catalogue of spec/policy.md: every rule with its stable ID, a
// one-line statement and its source. Decisions, scenarios and reports refer to
// rules by these IDs.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string_view>

namespace authconform::model {

enum class RuleId : unsigned char {
  // identity
  ANO_1, ANO_2, TOK_4, TOK_5, TOK_7, PWD_3, PWD_4, PWD_6, PWD_7, PWD_8, TFA_1,
  OAU_1, OAU_2,
  // permission
  PRB_1, PRB_2, PRB_3, OAU_3, ADM_1,
  // effect
  ACT_1, ACT_2, ACT_3, TOK_1, TOK_2, TOK_3, TOK_6, TOK_8, PWD_1, PWD_2, PWD_5,
  OAU_4,
};

inline constexpr std::size_t k_rule_count = static_cast<std::size_t>(RuleId::OAU_4) + 1;

enum class Stage : unsigned char { identity, permission, effect };

enum class PolicyId : unsigned char { article, zendesk_2026 };

struct RuleInfo {
  RuleId id;
  std::string_view code;       // "TOK-4"
  Stage stage;
  std::string_view statement;  // one line
  std::string_view source;     // where the rule comes from
  bool in_article;             // part of the `article` policy
  bool in_zendesk_2026;        // part of the `zendesk-2026` policy
};

// The whole catalogue, in the order of the spec.
std::span<const RuleInfo> all_rules();
const RuleInfo& rule_info(RuleId id);
std::string_view rule_code(RuleId id);
// "TOK-4" -> TOK_4; nullopt for an unknown code.
std::optional<RuleId> parse_rule_code(std::string_view code);
bool rule_in_policy(RuleId id, PolicyId policy);

std::string_view stage_name(Stage stage);  // "identity", "permission", "effect"
std::string_view policy_name(PolicyId policy);
std::optional<PolicyId> parse_policy(std::string_view name);
inline constexpr std::array<PolicyId, 2> k_all_policies{PolicyId::article, PolicyId::zendesk_2026};

}  // namespace authconform::model
