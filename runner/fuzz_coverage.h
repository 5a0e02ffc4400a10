// What fuzzing exercised: every request lands in one cell of
//   policy state (agreement x token access x end-user password access x 2FA required)
//   x credential kind x role of the credential's user.
// The generator leans toward cells a job has not visited yet; the map is part
// of the fuzz summary (--json).
#pragma once

#include "model/account.h"
#include "model/request.h"

#include <nlohmann/json.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace authconform::runner {

enum class CredentialKind : unsigned char {
  none,            // no Authorization header
  malformed,       // a header the spec refuses as malformed (ANO-2)
  password_right,  // email:password of a user, with the user's password
  password_wrong,  // a wrong or empty password, or an email of no user
  token_live,      // email/token: with an active token that was not deleted
  token_inactive,  // ... a deactivated token
  token_deleted,   // ... a deleted token
  token_made_up,   // ... a secret never generated
  oauth_live,      // Bearer with a live OAuth token
  oauth_revoked,   // ... a revoked one
  oauth_made_up,   // ... a secret never issued
};
inline constexpr std::size_t k_credential_kind_count = 11;

// The role of the user a credential names; `none` when it names no user.
enum class CellRole : unsigned char { none, end_user, agent, admin };
inline constexpr std::size_t k_cell_role_count = 4;

std::string_view credential_kind_name(CredentialKind kind);
std::string_view cell_role_name(CellRole role);

// The four settings of an account that most rules depend on, as 0..15.
inline constexpr std::size_t k_policy_cell_count = 16;
struct PolicyCell {
  bool agreement = false;
  bool token_access = false;
  bool end_user_password_access = false;
  bool two_factor_required = false;
  friend bool operator==(const PolicyCell&, const PolicyCell&) = default;
};
PolicyCell policy_cell_of(const model::AccountState& state);
std::size_t policy_cell_index(PolicyCell cell);
PolicyCell policy_cell_at(std::size_t index);
// Only cells the spec lets an account reach: the toggles need the agreement (ACT-3).
bool policy_cell_reachable(PolicyCell cell);

struct CredentialClass {
  CredentialKind kind = CredentialKind::none;
  CellRole role = CellRole::none;
  friend bool operator==(const CredentialClass&, const CredentialClass&) = default;
};

// How the model reads `credential` in `state` (render, parse, look up), so a
// raw header with an odd but valid form counts as what it says.
CredentialClass classify_credential(const model::AccountState& state,
                                    const model::Credential& credential);

// Can a request of this class happen in this policy cell? Credentials without
// a user have role `none` only; live, deactivated and deleted API tokens need
// the agreement (tokens are generated only after it).
bool cell_reachable(PolicyCell cell, CredentialClass credential);

// The cell a request made in `before` lands in; nullopt for a fixture step
// (not a request). Fuzzing takes it before the request is sent and counts it
// once the answer is compared.
struct CoverageCell {
  PolicyCell policy;
  CredentialClass credential;
};
std::optional<CoverageCell> coverage_cell(const model::AccountState& before, const model::Request& request);

inline constexpr std::size_t k_cell_count =
    k_policy_cell_count * k_credential_kind_count * k_cell_role_count;

class CoverageMap {
 public:
  // Counts one request made in `before` (fixture steps are not requests).
  void record(const model::AccountState& before, const model::Request& request);
  void record(PolicyCell cell, CredentialClass credential);
  void record(const std::optional<CoverageCell>& cell) {
    if (cell) record(cell->policy, cell->credential);
  }

  long count(PolicyCell cell, CredentialClass credential) const;
  long policy_cell_visits(PolicyCell cell) const;
  // Does `cell` hold a reachable (kind, role) pair with no visit yet?
  bool kind_has_unvisited_role(PolicyCell cell, CredentialKind kind) const;
  std::size_t visited() const;            // cells with at least one request
  static std::size_t reachable_cells();  // cells the spec lets a request reach
  long requests() const { return m_requests; }

  void merge(const CoverageMap& other);
  friend bool operator==(const CoverageMap&, const CoverageMap&) = default;

 private:
  std::array<long, k_cell_count> m_counts{};
  long m_requests = 0;
};

// What generation asks of a coverage map, answered from a snapshot taken once
// (the map a batch leans on is fixed while the batch generates), each answer
// a lookup: the same answers as the map's own functions.
class CoverageBias {
 public:
  explicit CoverageBias(const CoverageMap& coverage);

  long policy_cell_visits(PolicyCell cell) const { return m_visits[index(cell)]; }
  bool kind_has_unvisited_role(PolicyCell cell, CredentialKind kind) const {
    return ((m_unvisited[index(cell)] >> (static_cast<unsigned>(kind) * k_cell_role_count)) & 0xFu) != 0;
  }
  // Reachable (cell_reachable) and never visited.
  bool unvisited(PolicyCell cell, CredentialClass credential) const {
    const unsigned bit = static_cast<unsigned>(credential.kind) * k_cell_role_count + static_cast<unsigned>(credential.role);
    return ((m_unvisited[index(cell)] >> bit) & 1u) != 0;
  }

 private:
  // policy_cell_index, inline: generation asks several times per command.
  static std::size_t index(PolicyCell c) {
    return (c.agreement ? 8u : 0u) + (c.token_access ? 4u : 0u) + (c.end_user_password_access ? 2u : 0u) +
           (c.two_factor_required ? 1u : 0u);
  }

  std::array<long, k_policy_cell_count> m_visits{};
  // Per policy cell, bit kind * k_cell_role_count + role: reachable and unvisited.
  std::array<std::uint64_t, k_policy_cell_count> m_unvisited{};
};

// {"cells_reachable": N, "cells_visited": M, "requests": R,
//  "policy_cells": [{"agreement":..,"token_access":..,"end_user_password_access":..,
//                    "two_factor_required":..,"requests":..,"cells_visited":..,"cells_reachable":..}],
//  "cells": [{...policy cell..., "credential": "token_live", "role": "agent", "requests": 12}]}
// `cells` lists visited cells only; `unvisited` lists reachable cells never visited.
nlohmann::json coverage_to_json(const CoverageMap& coverage);

}  // namespace authconform::runner
