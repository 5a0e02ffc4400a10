// A profile: how the model's operations travel over HTTP for one kind of
// target, as data (docs/profiles.md). It maps every operation to a request
// (method, path template, headers, JSON body template) and maps the answers
// back to outcomes, naming the JSON pointers where results are read.
// profiles/zendesk.yaml describes ../shared/spec/wire.md and is the default.
#pragma once

#include "model/outcome.h"
#include "model/request.h"
#include "runner/load_error.h"

#include <nlohmann/json.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace authconform::runner {

// Which URL an operation's path is relative to.
enum class UrlBase : unsigned char {
  root,     // the target's root URL (account creation and deletion)
  account,  // the account's base URL, as the target returned it
};

// Statuses by exact code and by class ("4xx" is class 4). Exact codes of one
// operation take precedence over classes when a response is classified.
struct StatusSet {
  std::vector<int> codes;
  std::vector<int> classes;
  bool has_code(int status) const;
  bool has_class(int status) const;
  bool empty() const { return codes.empty() && classes.empty(); }
  std::string describe() const;  // "200, 201" / "2xx" for messages
};

// How the answers to one operation are classified.
struct ResponseRules {
  StatusSet ok;
  StatusSet unauthorized;
  StatusSet forbidden;
  StatusSet not_found;
  StatusSet invalid;
  // Where a 403 body names the reason ("" when the target gives none).
  std::string forbidden_reason;
};

struct ProfileOperation {
  std::string name;  // a profile_operation_names() entry
  SourcePos pos;     // of the operation's key in the file
  std::string method;  // GET, POST, PUT, PATCH or DELETE
  std::string path;    // template: {var} placeholders, filled percent-encoded
  UrlBase base = UrlBase::account;
  // Sent besides Authorization and Content-Type; values are text templates
  // (${var} filled as text). The profile's defaults come first.
  std::vector<std::pair<std::string, std::string>> headers;
  // JSON templates: a string that is exactly "${var}" becomes the variable's
  // typed value (bool, number, string, list, object) and is dropped from its
  // object or list when the variable is unset; "${var}" inside a longer
  // string is filled as text.
  std::optional<nlohmann::ordered_json> body;
  std::optional<nlohmann::ordered_json> invalid_body;  // update_settings: sent when the op is malformed
  // update_settings: the target also takes "true"/"false" strings (`string_values: true`).
  bool string_values = false;
  std::optional<nlohmann::ordered_json> user_item;     // create_account: one element of ${users}
  ResponseRules responses;
  // Result field -> JSON pointer into the success body (fields by operation:
  // docs/profiles.md). For create_account, user_id and user_email are
  // relative to each element of the `users` array.
  std::map<std::string, std::string, std::less<>> read;

  bool reads(std::string_view field) const { return read.find(field) != read.end(); }
  // Does the body template use the variable (as "${name}" anywhere)?
  bool body_uses(std::string_view variable) const;
};

struct Profile {
  std::string name;         // `profile:`
  std::string description;  // `description:`
  std::string file;         // where it was loaded from
  // Text of a 403 reason field -> the model's reason. Holds every model
  // reason name for itself, plus the profile's `reasons:` aliases.
  std::map<std::string, model::Reason, std::less<>> reasons;
  std::map<std::string, ProfileOperation, std::less<>> operations;

  // Every name of profile_operation_names() is present once loaded; throws
  // std::out_of_range for an unknown name.
  const ProfileOperation& operation(std::string_view name) const;
  // Reason::none for a reason text the profile does not know.
  model::Reason reason_for(std::string_view text) const;
};

// Every operation a profile must map: the model's operation names
// (model::operation_name) plus create_account and delete_account.
const std::vector<std::string>& profile_operation_names();

// `profile` is set exactly when `errors` is empty. Nothing here throws.
struct ProfileLoad {
  std::optional<Profile> profile;
  std::vector<LoadError> errors;  // sorted by position
};

ProfileLoad load_profile_file(const std::string& path);
ProfileLoad load_profile_text(std::string_view yaml, const std::string& file_name);

// AUTHCONFORM_SOURCE_DIR "/profiles/zendesk.yaml", or zendesk.yaml in the
// folder named by the environment variable AUTHCONFORM_PROFILE_DIR when set.
std::string default_profile_path();

}  // namespace authconform::runner
