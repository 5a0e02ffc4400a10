#include "runner/profile.h"

#include "runner/profile_schema.h"
#include "runner/profile_template.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>

namespace authconform::runner {

bool StatusSet::has_code(int status) const {
  return std::find(codes.begin(), codes.end(), status) != codes.end();
}

bool StatusSet::has_class(int status) const {
  return std::find(classes.begin(), classes.end(), status / 100) != classes.end();
}

std::string StatusSet::describe() const {
  std::string out;
  for (const int code : codes) out += (out.empty() ? "" : ", ") + std::to_string(code);
  for (const int c : classes) out += (out.empty() ? "" : ", ") + std::to_string(c) + "xx";
  return out;
}

bool ProfileOperation::body_uses(std::string_view variable) const {
  if (!body) return false;
  const auto names = json_variables(*body, nullptr);
  return std::find(names.begin(), names.end(), variable) != names.end();
}

const ProfileOperation& Profile::operation(std::string_view operation_name) const {
  const auto it = operations.find(operation_name);
  if (it == operations.end())
    throw std::out_of_range("the profile maps no operation '" + std::string(operation_name) + "'");
  return it->second;
}

model::Reason Profile::reason_for(std::string_view text) const {
  const auto it = reasons.find(text);
  return it == reasons.end() ? model::Reason::none : it->second;
}

const std::vector<std::string>& profile_operation_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const OperationSchema& s : operation_schemas()) out.emplace_back(s.name);
    return out;
  }();
  return names;
}

std::string default_profile_path() {
  if (const char* dir = std::getenv("AUTHCONFORM_PROFILE_DIR"); dir && *dir)
    return std::string(dir) + "/zendesk.yaml";
  return AUTHCONFORM_SOURCE_DIR "/profiles/zendesk.yaml";
}

}  // namespace authconform::runner
