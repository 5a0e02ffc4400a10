// A request to one account: the credential it carries and the operation it asks
// for. Users, API tokens and OAuth tokens are named symbolically (`eve`, `t1`,
// `o1`) so that one sequence can run against any target: a target maps names to
// its own IDs and secrets.
#pragma once

#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace authconform::model {

enum class Role : unsigned char { end_user, agent, admin };
std::string_view role_name(Role role);  // "end-user", "agent", "admin"
std::optional<Role> parse_role(std::string_view name);

inline constexpr std::string_view k_admin_name = "admin";

// --- credentials (the Authorization header, abstractly) -------------------

struct NoCredential {
  friend bool operator==(const NoCredential&, const NoCredential&) = default;
};
// Basic base64("{email}:{password}"). `email` may be "${email:USER}" (the
// email of a named user, which only the target knows for the built-in admin).
struct PasswordCredential {
  std::string email;
  std::string password;
  friend bool operator==(const PasswordCredential&, const PasswordCredential&) = default;
};
// Basic base64("{email}/token:{secret of token}"). A token name that was never
// generated stands for a made-up secret. `email` as for PasswordCredential.
struct TokenCredential {
  std::string email;
  std::string token;
  friend bool operator==(const TokenCredential&, const TokenCredential&) = default;
};
// Bearer {secret of oauth token}; an unknown name stands for a made-up secret.
struct OAuthCredential {
  std::string oauth;
  friend bool operator==(const OAuthCredential&, const OAuthCredential&) = default;
};
// A header value written by hand (malformed headers, odd casing, ...). It is a
// template: ${token:NAME}, ${oauth:NAME} and ${email:USER} stand for a token's
// secret, an OAuth token's secret and a user's email; ${base64:TEXT} encodes
// TEXT (after its own placeholders are filled). Everything else is literal.
struct RawCredential {
  std::string header;
  friend bool operator==(const RawCredential&, const RawCredential&) = default;
};

using Credential =
    std::variant<NoCredential, PasswordCredential, TokenCredential, OAuthCredential, RawCredential>;

// --- operations ------------------------------------------------------------

enum class Probe : unsigned char { me, tickets };
struct ProbeOp {
  Probe probe = Probe::me;
  friend bool operator==(const ProbeOp&, const ProbeOp&) = default;
};
struct ReadSettingsOp {
  friend bool operator==(const ReadSettingsOp&, const ReadSettingsOp&) = default;
};
// PUT settings: each key present or not. `malformed` sends a body the target
// must refuse with 400 (a value that is neither a bool nor "true"/"false").
struct UpdateSettingsOp {
  std::optional<bool> accepted_api_agreement;
  std::optional<bool> token_access;
  std::optional<bool> end_user_password_access;
  bool malformed = false;
  // Send the values as the strings "true"/"false", which wire.md also allows
  // (where the profile says the target takes them); decided as the bools.
  bool as_strings = false;
  friend bool operator==(const UpdateSettingsOp&, const UpdateSettingsOp&) = default;
};
struct ListTokensOp {
  friend bool operator==(const ListTokensOp&, const ListTokensOp&) = default;
};
struct GenerateTokenOp {
  std::string name;  // the symbolic name the new token gets
  friend bool operator==(const GenerateTokenOp&, const GenerateTokenOp&) = default;
};
struct SetTokenActiveOp {
  std::string token;
  bool active = true;
  friend bool operator==(const SetTokenActiveOp&, const SetTokenActiveOp&) = default;
};
struct DeleteTokenOp {
  std::string token;
  friend bool operator==(const DeleteTokenOp&, const DeleteTokenOp&) = default;
};
struct IssueOAuthOp {
  std::string name;  // symbolic name of the new OAuth token
  std::string user;  // owner
  bool read = true;
  bool write = true;
  friend bool operator==(const IssueOAuthOp&, const IssueOAuthOp&) = default;
};
struct RevokeOAuthOp {
  std::string oauth;
  friend bool operator==(const RevokeOAuthOp&, const RevokeOAuthOp&) = default;
};

// Fixture operations: set-up through the fixture interface, not the API under
// test. They carry no credential and always succeed on a well-formed request.
struct AddUserOp {
  std::string name;
  std::string email;
  Role role = Role::end_user;
  std::string password;
  bool two_factor_enrolled = false;
  friend bool operator==(const AddUserOp&, const AddUserOp&) = default;
};
struct SetPasswordOp {
  std::string user;
  std::string password;
  friend bool operator==(const SetPasswordOp&, const SetPasswordOp&) = default;
};
struct SetTwoFactorEnrolledOp {
  std::string user;
  bool enrolled = true;
  friend bool operator==(const SetTwoFactorEnrolledOp&, const SetTwoFactorEnrolledOp&) = default;
};
struct SetTwoFactorRequiredOp {
  bool required = true;
  friend bool operator==(const SetTwoFactorRequiredOp&, const SetTwoFactorRequiredOp&) = default;
};
struct SetAgentPasswordAccessOp {
  bool on = true;
  friend bool operator==(const SetAgentPasswordAccessOp&, const SetAgentPasswordAccessOp&) = default;
};

using Operation = std::variant<ProbeOp, ReadSettingsOp, UpdateSettingsOp, ListTokensOp,
                               GenerateTokenOp, SetTokenActiveOp, DeleteTokenOp, IssueOAuthOp,
                               RevokeOAuthOp, AddUserOp, SetPasswordOp, SetTwoFactorEnrolledOp,
                               SetTwoFactorRequiredOp, SetAgentPasswordAccessOp>;

bool is_fixture(const Operation& op);
// GET operations need the `read` scope, the others `write` (OAU-3).
bool is_read_only(const Operation& op);
// A short name of the operation kind ("probe", "update_settings", ...).
std::string_view operation_name(const Operation& op);

struct Request {
  Operation op;
  Credential credential;  // ignored for fixture operations
  friend bool operator==(const Request&, const Request&) = default;
};

}  // namespace authconform::model
