#include "model/request.h"

#include "model/overloaded.h"

namespace authconform::model {

std::string_view role_name(Role role) {
  switch (role) {
    case Role::end_user: return "end-user";
    case Role::agent: return "agent";
    case Role::admin: return "admin";
  }
  return "end-user";
}

std::optional<Role> parse_role(std::string_view name) {
  if (name == "end-user") return Role::end_user;
  if (name == "agent") return Role::agent;
  if (name == "admin") return Role::admin;
  return std::nullopt;
}

bool is_fixture(const Operation& op) {
  return std::holds_alternative<AddUserOp>(op) || std::holds_alternative<SetPasswordOp>(op) ||
         std::holds_alternative<SetTwoFactorEnrolledOp>(op) ||
         std::holds_alternative<SetTwoFactorRequiredOp>(op) ||
         std::holds_alternative<SetAgentPasswordAccessOp>(op);
}

bool is_read_only(const Operation& op) {
  return std::holds_alternative<ProbeOp>(op) || std::holds_alternative<ReadSettingsOp>(op) ||
         std::holds_alternative<ListTokensOp>(op);
}

std::string_view operation_name(const Operation& op) {
  return std::visit(
      Overloaded{
          [](const ProbeOp& p) -> std::string_view { return p.probe == Probe::me ? "me" : "tickets"; },
          [](const ReadSettingsOp&) -> std::string_view { return "read_settings"; },
          [](const UpdateSettingsOp&) -> std::string_view { return "update_settings"; },
          [](const ListTokensOp&) -> std::string_view { return "list_tokens"; },
          [](const GenerateTokenOp&) -> std::string_view { return "generate_token"; },
          [](const SetTokenActiveOp& o) -> std::string_view {
            return o.active ? "activate_token" : "deactivate_token";
          },
          [](const DeleteTokenOp&) -> std::string_view { return "delete_token"; },
          [](const IssueOAuthOp&) -> std::string_view { return "issue_oauth"; },
          [](const RevokeOAuthOp&) -> std::string_view { return "revoke_oauth"; },
          [](const AddUserOp&) -> std::string_view { return "add_user"; },
          [](const SetPasswordOp&) -> std::string_view { return "set_password"; },
          [](const SetTwoFactorEnrolledOp&) -> std::string_view { return "enroll_2fa"; },
          [](const SetTwoFactorRequiredOp&) -> std::string_view { return "require_2fa"; },
          [](const SetAgentPasswordAccessOp&) -> std::string_view { return "agent_password_access"; },
      },
      op);
}

}  // namespace authconform::model
