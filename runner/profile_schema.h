// What a profile may say about each operation: the variables its templates
// can use and the result fields it can read (docs/profiles.md lists the same).
#pragma once

#include "runner/profile.h"

#include <string_view>
#include <vector>

namespace authconform::runner {

struct ReadFieldSchema {
  std::string_view name;
  bool required = false;
};

struct OperationSchema {
  std::string_view name;
  UrlBase base = UrlBase::account;
  // Variables of path, headers and body. Every operation but create_account
  // also has `account_id`.
  std::vector<std::string_view> variables;
  std::vector<ReadFieldSchema> reads;
};

// In the order of docs/profiles.md.
const std::vector<OperationSchema>& operation_schemas();
const OperationSchema* find_operation_schema(std::string_view name);

// Variables of one element of ${users} (create_account's user_item), the same
// as add_user's.
const std::vector<std::string_view>& user_item_variables();

// Variables whose values are secrets: never shown unredacted.
bool is_secret_variable(std::string_view name);

}  // namespace authconform::runner
