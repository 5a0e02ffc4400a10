#include "runner/fuzz_coverage.h"

#include "model/header.h"

#include <algorithm>

namespace authconform::runner {
namespace {

constexpr std::array<std::string_view, k_credential_kind_count> k_kind_names{
    "none",          "malformed",      "password_right", "password_wrong",
    "token_live",    "token_inactive", "token_deleted",  "token_made_up",
    "oauth_live",    "oauth_revoked",  "oauth_made_up"};
constexpr std::array<std::string_view, k_cell_role_count> k_role_names{"none", "end-user", "agent",
                                                                       "admin"};

CellRole cell_role(const model::User* user) {
  if (user == nullptr) return CellRole::none;
  switch (user->role) {
    case model::Role::end_user: return CellRole::end_user;
    case model::Role::agent: return CellRole::agent;
    case model::Role::admin: return CellRole::admin;
  }
  return CellRole::none;
}


CredentialClass classify_bearer(const model::AccountState& s, std::string_view name) {
  const model::OAuthToken* token = name.empty() ? nullptr : s.find_oauth(name);
  if (token == nullptr) return {CredentialKind::oauth_made_up, CellRole::none};
  const CellRole role = cell_role(s.find_user_by_name(token->owner));
  return {token->revoked ? CredentialKind::oauth_revoked : CredentialKind::oauth_live, role};
}

CredentialClass classify_token(const model::AccountState& s, const model::User* user, std::string_view name) {
  const CellRole role = cell_role(user);
  const model::ApiToken* token = name.empty() ? nullptr : s.find_token(name);
  if (token == nullptr) return {CredentialKind::token_made_up, role};
  if (token->deleted) return {CredentialKind::token_deleted, role};
  return {token->active ? CredentialKind::token_live : CredentialKind::token_inactive, role};
}

CredentialClass classify_password(const model::AccountState&, const model::User* user, std::string_view password) {
  const bool right = user != nullptr && !password.empty() && user->password != model::k_unknowable_password &&
                     user->password == password;
  return {right ? CredentialKind::password_right : CredentialKind::password_wrong, cell_role(user)};
}

std::size_t cell_index(PolicyCell cell, CredentialClass c) {
  return (policy_cell_index(cell) * k_credential_kind_count + static_cast<std::size_t>(c.kind)) *
             k_cell_role_count +
         static_cast<std::size_t>(c.role);
}

nlohmann::json policy_cell_json(PolicyCell cell) {
  return {{"agreement", cell.agreement},
          {"token_access", cell.token_access},
          {"end_user_password_access", cell.end_user_password_access},
          {"two_factor_required", cell.two_factor_required}};
}

// Calls `visit(cell, credential)` for every reachable cell, in index order.
template <class Visit>
void for_each_reachable(Visit&& visit) {
  for (std::size_t p = 0; p < k_policy_cell_count; ++p) {
    const PolicyCell cell = policy_cell_at(p);
    for (std::size_t k = 0; k < k_credential_kind_count; ++k)
      for (std::size_t r = 0; r < k_cell_role_count; ++r) {
        const CredentialClass c{static_cast<CredentialKind>(k), static_cast<CellRole>(r)};
        if (cell_reachable(cell, c)) visit(cell, c);
      }
  }
}

}  // namespace

std::string_view credential_kind_name(CredentialKind kind) {
  return k_kind_names[static_cast<std::size_t>(kind)];
}

std::string_view cell_role_name(CellRole role) { return k_role_names[static_cast<std::size_t>(role)]; }

PolicyCell policy_cell_of(const model::AccountState& s) {
  return {s.agreement_accepted, s.token_access, s.end_user_password_access, s.two_factor_required};
}

std::size_t policy_cell_index(PolicyCell c) {
  return (c.agreement ? 8u : 0u) + (c.token_access ? 4u : 0u) +
         (c.end_user_password_access ? 2u : 0u) + (c.two_factor_required ? 1u : 0u);
}

PolicyCell policy_cell_at(std::size_t index) {
  return {(index & 8u) != 0, (index & 4u) != 0, (index & 2u) != 0, (index & 1u) != 0};
}

bool policy_cell_reachable(PolicyCell cell) {
  return cell.agreement || (!cell.token_access && !cell.end_user_password_access);
}

// The user a login names without rendering it: "${email:NAME}" by name, a
// plain email by email. False when only rendering can tell (templates, or text
// that would not split or decode as written).
bool direct_login(const model::AccountState& s, std::string_view login, std::string_view secret,
                  const model::User*& user) {
  if (const std::optional<std::string_view> name = model::lone_email_placeholder(login)) {
    user = s.find_user_by_name(*name);
    if (user == nullptr) return false;
  } else {
    if (login.find("${") != std::string_view::npos || login.find(':') != std::string_view::npos ||
        login.ends_with(model::k_token_suffix))
      return false;
    user = s.find_user_by_email(login);
  }
  return model::is_valid_utf8(login) && model::is_valid_utf8(secret);
}

// The cheap path for structured credentials; nullopt where rendering must decide.
std::optional<CredentialClass> classify_directly(const model::AccountState& s, const model::Credential& c) {
  const model::User* user = nullptr;
  if (const auto* p = std::get_if<model::PasswordCredential>(&c)) {
    if (!direct_login(s, p->email, p->password, user)) return std::nullopt;
    return classify_password(s, user, p->password);
  }
  if (const auto* t = std::get_if<model::TokenCredential>(&c)) {
    if (!direct_login(s, t->email, t->token, user)) return std::nullopt;
    return classify_token(s, user, t->token);
  }
  if (const auto* o = std::get_if<model::OAuthCredential>(&c)) return classify_bearer(s, o->oauth);
  return std::nullopt;
}

CredentialClass classify_credential(const model::AccountState& s, const model::Credential& credential) {
  if (std::holds_alternative<model::NoCredential>(credential)) return {};
  if (auto direct = classify_directly(s, credential)) return *direct;
  // The model's own reading of symbolic names (policy_model.cpp).
  const model::SecretResolver resolve = [&](std::string_view kind, std::string_view name) {
    if (kind == "email") {
      const model::User* u = s.find_user_by_name(name);
      return u ? u->email : std::string(name) + "@unknown.test";
    }
    return model::symbolic_secret(kind, name);
  };
  const auto parsed = model::parse_credential(credential, resolve);
  if (!parsed) return {CredentialKind::malformed, CellRole::none};
  switch (parsed->kind) {
    case model::ParsedHeader::Kind::bearer: return classify_bearer(s, model::symbolic_secret_name(parsed->secret, "oauth"));
    case model::ParsedHeader::Kind::token:
      return classify_token(s, s.find_user_by_email(parsed->login), model::symbolic_secret_name(parsed->secret, "token"));
    case model::ParsedHeader::Kind::password:
      return classify_password(s, s.find_user_by_email(parsed->login), parsed->secret);
  }
  return {CredentialKind::malformed, CellRole::none};
}

bool cell_reachable(PolicyCell cell, CredentialClass c) {
  if (!policy_cell_reachable(cell)) return false;
  switch (c.kind) {
    case CredentialKind::none:
    case CredentialKind::malformed:
    case CredentialKind::oauth_made_up: return c.role == CellRole::none;
    case CredentialKind::password_right:
    case CredentialKind::oauth_live:
    case CredentialKind::oauth_revoked: return c.role != CellRole::none;
    case CredentialKind::token_live:
    case CredentialKind::token_inactive:
    case CredentialKind::token_deleted: return cell.agreement;
    case CredentialKind::password_wrong:
    case CredentialKind::token_made_up: return true;
  }
  return false;
}

std::optional<CoverageCell> coverage_cell(const model::AccountState& before, const model::Request& request) {
  if (model::is_fixture(request.op)) return std::nullopt;
  return CoverageCell{policy_cell_of(before), classify_credential(before, request.credential)};
}

void CoverageMap::record(const model::AccountState& before, const model::Request& request) {
  record(coverage_cell(before, request));
}

void CoverageMap::record(PolicyCell cell, CredentialClass credential) {
  ++m_counts[cell_index(cell, credential)];
  ++m_requests;
}

long CoverageMap::count(PolicyCell cell, CredentialClass credential) const {
  return m_counts[cell_index(cell, credential)];
}

long CoverageMap::policy_cell_visits(PolicyCell cell) const {
  const std::size_t first = cell_index(cell, {});
  const auto begin = m_counts.begin() + static_cast<std::ptrdiff_t>(first);
  long total = 0;
  for (auto it = begin; it != begin + k_credential_kind_count * k_cell_role_count; ++it) total += *it;
  return total;
}

bool CoverageMap::kind_has_unvisited_role(PolicyCell cell, CredentialKind kind) const {
  for (std::size_t r = 0; r < k_cell_role_count; ++r) {
    const CredentialClass c{kind, static_cast<CellRole>(r)};
    if (cell_reachable(cell, c) && count(cell, c) == 0) return true;
  }
  return false;
}

std::size_t CoverageMap::visited() const {
  return static_cast<std::size_t>(
      std::count_if(m_counts.begin(), m_counts.end(), [](long n) { return n > 0; }));
}

std::size_t CoverageMap::reachable_cells() {
  static const std::size_t k_reachable = [] {
    std::size_t n = 0;
    for_each_reachable([&](PolicyCell, CredentialClass) { ++n; });
    return n;
  }();
  return k_reachable;
}

void CoverageMap::merge(const CoverageMap& other) {
  for (std::size_t i = 0; i < k_cell_count; ++i) m_counts[i] += other.m_counts[i];
  m_requests += other.m_requests;
}

static_assert(k_credential_kind_count * k_cell_role_count <= 64, "a policy cell's bits fit one word");

CoverageBias::CoverageBias(const CoverageMap& coverage) {
  for (std::size_t p = 0; p < k_policy_cell_count; ++p) {
    const PolicyCell cell = policy_cell_at(p);
    m_visits[p] = coverage.policy_cell_visits(cell);
    for (std::size_t k = 0; k < k_credential_kind_count; ++k)
      for (std::size_t r = 0; r < k_cell_role_count; ++r) {
        const CredentialClass c{static_cast<CredentialKind>(k), static_cast<CellRole>(r)};
        if (cell_reachable(cell, c) && coverage.count(cell, c) == 0)
          m_unvisited[p] |= std::uint64_t{1} << (k * k_cell_role_count + r);
      }
  }
}

nlohmann::json coverage_to_json(const CoverageMap& coverage) {
  nlohmann::json cells = nlohmann::json::array();
  nlohmann::json unvisited = nlohmann::json::array();
  std::array<std::size_t, k_policy_cell_count> reachable{}, visited{};
  for_each_reachable([&](PolicyCell cell, CredentialClass c) {
    nlohmann::json entry = policy_cell_json(cell);
    entry["credential"] = credential_kind_name(c.kind);
    entry["role"] = cell_role_name(c.role);
    const long n = coverage.count(cell, c);
    const std::size_t p = policy_cell_index(cell);
    ++reachable[p];
    if (n > 0) ++visited[p];
    if (n == 0) {
      unvisited.push_back(std::move(entry));
      return;
    }
    entry["requests"] = n;
    cells.push_back(std::move(entry));
  });
  nlohmann::json policy_cells = nlohmann::json::array();
  for (std::size_t p = 0; p < k_policy_cell_count; ++p) {
    const PolicyCell cell = policy_cell_at(p);
    if (!policy_cell_reachable(cell)) continue;
    nlohmann::json entry = policy_cell_json(cell);
    entry["requests"] = coverage.policy_cell_visits(cell);
    entry["cells_visited"] = visited[p];
    entry["cells_reachable"] = reachable[p];
    policy_cells.push_back(std::move(entry));
  }
  return {{"cells_reachable", CoverageMap::reachable_cells()},
          {"cells_visited", coverage.visited()},
          {"requests", coverage.requests()},
          {"policy_cells", std::move(policy_cells)},
          {"cells", std::move(cells)},
          {"unvisited", std::move(unvisited)}};
}

}  // namespace authconform::runner
