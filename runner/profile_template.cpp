#include "runner/profile_template.h"

#include <optional>

namespace authconform::runner {
namespace {

bool is_name_char(char c, bool first) {
  const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  return first ? alpha : alpha || (c >= '0' && c <= '9');
}

bool is_name(std::string_view s) {
  if (s.empty()) return false;
  for (std::size_t i = 0; i < s.size(); ++i)
    if (!is_name_char(s[i], i == 0)) return false;
  return true;
}

// One pass over `text` for placeholders opened by `open` ("${" or "{") and
// closed by '}'. Literal pieces go to `on_text`, names to `on_var`.
template <class OnText, class OnVar>
bool scan(std::string_view text, std::string_view open, OnText on_text, OnVar on_var,
          std::string* error) {
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t at = text.find(open, i);
    if (at == std::string_view::npos) {
      on_text(text.substr(i));
      return true;
    }
    on_text(text.substr(i, at - i));
    const std::size_t close = text.find('}', at + open.size());
    const std::string_view name =
        close == std::string_view::npos ? "" : text.substr(at + open.size(), close - at - open.size());
    if (close == std::string_view::npos || !is_name(name)) {
      if (error)
        *error = "bad placeholder in '" + std::string(text) + "' (write " + std::string(open) +
                 "name}, the name made of letters, digits and '_')";
      return false;
    }
    on_var(name);
    i = close + 1;
  }
  return true;
}

const nlohmann::ordered_json* find_var(const TemplateVars& vars, std::string_view name) {
  const auto it = vars.find(name);
  return it == vars.end() ? nullptr : &it->second;
}

std::string fill(std::string_view text, std::string_view open, const TemplateVars& vars,
                 bool percent_encode);

std::string percent_encoded(std::string_view text) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const bool unreserved = is_name_char(c, false) || c == '-' || c == '.' || c == '~';
    if (unreserved) {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += {'%', k_hex[byte >> 4], k_hex[byte & 15]};
    }
  }
  return out;
}

std::string fill(std::string_view text, std::string_view open, const TemplateVars& vars,
                 bool percent_encode) {
  std::string out;
  scan(
      text, open, [&](std::string_view piece) { out += piece; },
      [&](std::string_view name) {
        const nlohmann::ordered_json* value = find_var(vars, name);
        if (!value) return;
        const std::string t = template_text(*value);
        out += percent_encode ? percent_encoded(t) : t;
      },
      nullptr);
  return out;
}

// The variable a string stands for entirely ("${name}"), or "".
std::string_view whole_variable(std::string_view s) {
  if (s.size() < 4 || s.substr(0, 2) != "${" || s.back() != '}') return {};
  const std::string_view name = s.substr(2, s.size() - 3);
  return is_name(name) ? name : std::string_view{};
}

// nullopt: the value is dropped (an unset whole-string variable).
std::optional<nlohmann::ordered_json> fill_json(const nlohmann::ordered_json& tmpl, const TemplateVars& vars) {
  if (tmpl.is_string()) {
    const std::string& s = tmpl.get_ref<const std::string&>();
    if (const std::string_view name = whole_variable(s); !name.empty()) {
      const nlohmann::ordered_json* value = find_var(vars, name);
      if (!value) return std::nullopt;
      return *value;
    }
    return nlohmann::ordered_json(fill(s, "${", vars, false));
  }
  if (tmpl.is_object()) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const auto& [key, value] : tmpl.items())
      if (auto filled = fill_json(value, vars)) out[key] = std::move(*filled);
    return out;
  }
  if (tmpl.is_array()) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const auto& value : tmpl)
      if (auto filled = fill_json(value, vars)) out.push_back(std::move(*filled));
    return out;
  }
  return tmpl;
}

void collect_json(const nlohmann::ordered_json& tmpl, std::vector<std::string>& names, std::string* error) {
  if (tmpl.is_string()) {
    auto found = text_variables(tmpl.get_ref<const std::string&>(), error);
    names.insert(names.end(), found.begin(), found.end());
  } else if (tmpl.is_structured()) {
    for (const auto& value : tmpl) collect_json(value, names, error);
  }
}

std::vector<std::string> variables(std::string_view text, std::string_view open, std::string* error) {
  std::vector<std::string> names;
  scan(
      text, open, [](std::string_view) {},
      [&](std::string_view name) { names.emplace_back(name); }, error);
  return names;
}

}  // namespace

std::string template_text(const nlohmann::ordered_json& value) {
  if (value.is_string()) return value.get<std::string>();
  // Scenario strings may hold bytes that are not UTF-8 (YAML passes them
  // through); a strict dump would throw on them inside a list or object.
  return value.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string render_path(std::string_view path, const TemplateVars& vars) {
  return fill(path, "{", vars, true);
}

std::string render_text(std::string_view text, const TemplateVars& vars) {
  return fill(text, "${", vars, false);
}

nlohmann::ordered_json render_json(const nlohmann::ordered_json& tmpl, const TemplateVars& vars) {
  return fill_json(tmpl, vars).value_or(nlohmann::ordered_json());
}

std::vector<std::string> path_variables(std::string_view path, std::string* error) {
  return variables(path, "{", error);
}

std::vector<std::string> text_variables(std::string_view text, std::string* error) {
  return variables(text, "${", error);
}

std::vector<std::string> json_variables(const nlohmann::ordered_json& tmpl, std::string* error) {
  std::vector<std::string> names;
  collect_json(tmpl, names, error);
  return names;
}

}  // namespace authconform::runner
