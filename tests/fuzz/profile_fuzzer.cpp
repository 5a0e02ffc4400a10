// libFuzzer target: the profile loader (runner/profile.h, profile_loader.cpp).
//
// Input encoding: the bytes are the text of one profile file, as given to
// load_profile_text (any bytes: YAML, broken YAML, binary).
//
// The loader reports every problem as a LoadError and throws nothing, so
// this target catches nothing: an exception, crash, hang or sanitizer report
// is a bug. It checks the contract of runner/profile.h (a profile exactly
// when there are no errors; errors sorted, positioned, naming the file) and
// then uses an accepted profile the way the HTTP target does: every
// operation is looked up, its templates filled, statuses classified and
// its read pointers followed.
#include "runner/profile.h"
#include "runner/profile_schema.h"
#include "runner/profile_template.h"
#include "runner/response_classifier.h"
#include "tests/fuzz/fuzz_support.h"

#include <climits>
#include <cstddef>
#include <cstdint>
#include <string>

namespace {

using namespace authconform;
using Json = nlohmann::ordered_json;

const std::string k_file = "fuzz.yaml";

// Values of every kind a template may meet, with characters that need
// percent-encoding or JSON escaping.
// `shift` rotates the kinds, so that over four calls every variable gets each.
runner::TemplateVars variables_for(const runner::OperationSchema& schema, int shift) {
  runner::TemplateVars vars;
  int i = shift;
  for (std::string_view name : schema.variables) {
    switch (i++ % 4) {
      case 0: vars[std::string(name)] = "v a/l%ue?#\"\\\xc3\xa9"; break;
      case 1: vars[std::string(name)] = 12345678901234LL; break;
      case 2: vars[std::string(name)] = true; break;
      // Scenario strings reach templates as they are, and YAML lets a
      // scenario hold bytes that are not UTF-8.
      default: vars[std::string(name)] = Json::array({"read", Json{{"email", "\xff@x.test"}}}); break;
    }
  }
  vars["account_id"] = "acc-1";
  return vars;
}

void fill_templates(const runner::ProfileOperation& op, const runner::TemplateVars& vars) {
  (void)runner::render_path(op.path, vars);
  for (const auto& header : op.headers) (void)runner::render_text(header.second, vars);
  for (const auto* tmpl : {&op.body, &op.invalid_body, &op.user_item})
    if (*tmpl) (void)runner::render_json(**tmpl, vars).dump(-1, ' ', false, Json::error_handler_t::replace);
}

// A body with something at common pointers, and the answers the HTTP target reads.
void read_answers(const runner::Profile& profile, const runner::ProfileOperation& op) {
  static const Json body = Json::parse(
      R"({"reason":"token_access_disabled","user":{"id":7,"email":"a@b.test"},"a":[0,{"b":null}],"":1})");
  for (const int status : {INT_MIN, -1, 0, 100, 200, 201, 204, 302, 400, 401, 403, 404, 418, 500, 599, INT_MAX})
    (void)runner::classify_status(op.responses, status);
  (void)runner::describe_rules(op.responses);
  std::string raw;
  (void)runner::read_reason(profile, op.responses, &body, &raw);
  (void)runner::read_reason(profile, op.responses, nullptr, &raw);
  for (const auto& [field, pointer] : op.read)
    if (const Json* value = runner::find_at(body, pointer)) (void)runner::id_text(*value);
  (void)op.body_uses("users");
}

void use_profile(const runner::Profile& profile) {
  for (const std::string& name : runner::profile_operation_names()) {
    const auto it = profile.operations.find(name);
    if (it == profile.operations.end()) fuzz::contract_broken("loaded profile lacks operation '" + name + "'");
    const runner::OperationSchema* schema = runner::find_operation_schema(name);
    if (!schema) fuzz::contract_broken("no schema for operation '" + name + "'");
    for (int shift = 0; shift < 4; ++shift) fill_templates(it->second, variables_for(*schema, shift));
    fill_templates(it->second, {});
    read_answers(profile, it->second);
  }
  for (const auto& [text, reason] : profile.reasons)
    if (profile.reason_for(text) != reason) fuzz::contract_broken("reason_for disagrees with reasons");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const runner::ProfileLoad load = runner::load_profile_text(fuzz::as_text(data, size), k_file);
  fuzz::check_errors(load.profile.has_value(), load.errors, k_file, {});
  if (load.profile) use_profile(*load.profile);
  return 0;
}
