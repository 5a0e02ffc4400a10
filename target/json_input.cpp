#include "target/json_input.h"

#include <algorithm>
#include <charconv>
#include <limits>

namespace authconform::target {

std::optional<Json> parse_object(std::string_view body) {
  Json parsed = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) return std::nullopt;
  return parsed;
}

std::string unknown_key_error(const Json& object, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string message = "unknown key '" + key + "' (allowed:";
    for (std::string_view a : allowed) message += " " + std::string(a);
    return message + ")";
  }
  return {};
}

std::optional<bool> read_bool(const Json& value, bool allow_strings) {
  if (value.is_boolean()) return value.get<bool>();
  if (allow_strings && value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    if (text == "true") return true;
    if (text == "false") return false;
  }
  return std::nullopt;
}

std::optional<int> read_id(const Json& value) {
  if (!value.is_number_integer()) return std::nullopt;
  if (value.is_number_unsigned()) {
    const auto n = value.get<std::uint64_t>();
    if (n < 1 || n > static_cast<std::uint64_t>(std::numeric_limits<int>::max())) return std::nullopt;
    return static_cast<int>(n);
  }
  const auto n = value.get<std::int64_t>();
  if (n < 1 || n > std::numeric_limits<int>::max()) return std::nullopt;
  return static_cast<int>(n);
}

std::optional<int> parse_id(std::string_view text) {
  int n = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (error != std::errc() || end != text.data() + text.size() || n < 1) return std::nullopt;
  return n;
}

std::string dump_json(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

}  // namespace authconform::target
