#include "runner/profile_schema.h"

#include <algorithm>

namespace authconform::runner {

const std::vector<OperationSchema>& operation_schemas() {
  using B = UrlBase;
  static const std::vector<OperationSchema> table = {
      {"create_account", B::root, {"users"},
       {{"account_id", true}, {"base_url", false}, {"admin_id", true}, {"admin_email", true},
        {"admin_oauth", true}, {"admin_oauth_id", false}, {"users", false}, {"user_id", false},
        {"user_email", false}}},
      {"delete_account", B::root, {}, {}},
      {"add_user", B::account, {"name", "email", "role", "password", "two_factor_enrolled"},
       {{"user_id", true}}},
      {"set_password", B::account, {"user", "user_id", "password"}, {}},
      {"enroll_2fa", B::account, {"user", "user_id", "enrolled"}, {}},
      {"require_2fa", B::account, {"required"}, {}},
      {"agent_password_access", B::account, {"on"}, {}},
      {"me", B::account, {}, {{"user_id", false}, {"user_email", false}}},
      {"tickets", B::account, {}, {}},
      {"read_settings", B::account, {}, {}},
      {"update_settings", B::account,
       {"accepted_api_agreement", "token_access", "end_user_password_access"}, {}},
      {"list_tokens", B::account, {}, {}},
      {"generate_token", B::account, {"name"}, {{"token_id", true}, {"token_secret", true}}},
      {"activate_token", B::account, {"token", "token_id", "active"}, {}},
      {"deactivate_token", B::account, {"token", "token_id", "active"}, {}},
      {"delete_token", B::account, {"token", "token_id"}, {}},
      {"issue_oauth", B::account, {"name", "user", "user_id", "scopes", "scopes_text", "read", "write"},
       {{"oauth_id", true}, {"oauth_secret", true}}},
      {"revoke_oauth", B::account, {"oauth", "oauth_id"}, {}},
  };
  return table;
}

const OperationSchema* find_operation_schema(std::string_view name) {
  const auto& table = operation_schemas();
  const auto it = std::find_if(table.begin(), table.end(),
                               [&](const OperationSchema& s) { return s.name == name; });
  return it == table.end() ? nullptr : &*it;
}

const std::vector<std::string_view>& user_item_variables() {
  static const std::vector<std::string_view> names = {"name", "email", "role", "password",
                                                      "two_factor_enrolled"};
  return names;
}

bool is_secret_variable(std::string_view name) { return name == "password"; }

}  // namespace authconform::runner
