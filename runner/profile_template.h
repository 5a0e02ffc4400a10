// Filling a profile's templates (docs/profiles.md): paths with {var},
// header values and JSON bodies with ${var}. Unset variables are allowed:
// a path or text gets "", a JSON value that is exactly "${var}" is dropped.
#pragma once

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace authconform::runner {

using TemplateVars = std::map<std::string, nlohmann::ordered_json, std::less<>>;

// The text form of a value in a path or a string: strings as they are,
// integers in decimal, other values as compact JSON.
std::string template_text(const nlohmann::ordered_json& value);

// Fills {var} placeholders; each value is percent-encoded (RFC 3986 unreserved
// characters kept).
std::string render_path(std::string_view path, const TemplateVars& vars);

// Fills ${var} placeholders in text.
std::string render_text(std::string_view text, const TemplateVars& vars);

// Fills a JSON template (see ProfileOperation::body).
nlohmann::ordered_json render_json(const nlohmann::ordered_json& tmpl, const TemplateVars& vars);

// The variables a template names, in order of appearance (duplicates kept).
// A malformed placeholder (unclosed, empty name) is reported through `error`.
std::vector<std::string> path_variables(std::string_view path, std::string* error);
std::vector<std::string> text_variables(std::string_view text, std::string* error);
std::vector<std::string> json_variables(const nlohmann::ordered_json& tmpl, std::string* error);

}  // namespace authconform::runner
