#include "runner/response_classifier.h"

#include <algorithm>
#include <array>
#include <string>
#include <string_view>
#include <vector>
#include <utility>

namespace authconform::runner {
namespace {

using Kind = model::OutcomeKind;

const nlohmann::ordered_json* child(const nlohmann::ordered_json& value, const std::string& token) {
  if (value.is_object()) {
    const auto it = value.find(token);
    return it == value.end() ? nullptr : &*it;
  }
  const bool index = !token.empty() && token.size() < 10 &&
                     token.find_first_not_of("0123456789") == std::string::npos &&
                     (token == "0" || token[0] != '0');
  if (!value.is_array() || !index) return nullptr;
  const std::size_t i = std::stoul(token);
  return i < value.size() ? &value[i] : nullptr;
}

std::array<std::pair<Kind, const StatusSet*>, 5> status_sets(const ResponseRules& rules) {
  return {{{Kind::ok, &rules.ok},
           {Kind::unauthorized, &rules.unauthorized},
           {Kind::forbidden, &rules.forbidden},
           {Kind::not_found, &rules.not_found},
           {Kind::invalid, &rules.invalid}}};
}

}  // namespace

std::optional<model::OutcomeKind> classify_status(const ResponseRules& rules, int status) {
  const auto sets = status_sets(rules);
  for (const auto& [kind, set] : sets)
    if (set->has_code(status)) return kind;
  for (const auto& [kind, set] : sets)
    if (set->has_class(status)) return kind;
  return std::nullopt;
}

std::string describe_rules(const ResponseRules& rules) {
  std::string out;
  for (const auto& [kind, set] : status_sets(rules)) {
    if (set->empty()) continue;
    if (!out.empty()) out += "; ";
    out += std::string(model::outcome_kind_name(kind)) + ": " + set->describe();
  }
  return out;
}

namespace {

// RFC 6901: "" or "/" followed by tokens, where '~' only starts "~0" or "~1".
bool is_json_pointer(std::string_view pointer) {
  if (!pointer.empty() && pointer.front() != '/') return false;
  for (std::size_t i = pointer.find('~'); i != std::string_view::npos; i = pointer.find('~', i + 1))
    if (i + 1 == pointer.size() || (pointer[i + 1] != '0' && pointer[i + 1] != '1')) return false;
  return true;
}

// A pointer's token with "~1" read as '/' and "~0" as '~'.
void unescape_token(std::string_view raw, std::string& token) {
  token.clear();
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw[i] != '~') {
      token += raw[i];
      continue;
    }
    token += raw[i + 1] == '1' ? '/' : '~';
    ++i;
  }
}

}  // namespace

// Walks the pointer's tokens in place (nlohmann's json_pointer allocates a
// vector and copies it per step: a tenth of a request's client cost).
const nlohmann::ordered_json* find_at(const nlohmann::ordered_json& body, const std::string& pointer) {
  static const nlohmann::ordered_json k_null;
  if (!is_json_pointer(pointer)) return nullptr;
  const std::string_view text = pointer;
  const nlohmann::ordered_json* at = &body;
  std::string token;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = std::min(text.find('/', start + 1), text.size());
    // One step at a time: a null met on the way reads as null, so that
    // {"member": null} gives null at /member/id.
    if (at->is_null()) return &k_null;
    unescape_token(text.substr(start + 1, end - start - 1), token);
    at = child(*at, token);
    if (!at) return nullptr;
    start = end;
  }
  return at;
}

model::Reason read_reason(const Profile& profile, const ResponseRules& rules,
                          const nlohmann::ordered_json* body, std::string* raw) {
  const auto note = [&](std::string text) {
    if (raw) *raw = std::move(text);
    return model::Reason::none;
  };
  if (rules.forbidden_reason.empty()) return note("(the profile reads no reason)");
  if (!body) return note("(the body is not JSON)");
  const nlohmann::ordered_json* value = find_at(*body, rules.forbidden_reason);
  if (!value) return note("(no reason at " + rules.forbidden_reason + ")");
  if (!value->is_string()) return note(value->dump());
  const std::string& text = value->get_ref<const std::string&>();
  if (raw) *raw = text;
  return profile.reason_for(text);
}

std::optional<std::string> id_text(const nlohmann::ordered_json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_number_integer()) return value.dump();
  // 7.0 is the integer 7 written by a JSON encoder that only knows doubles.
  if (value.is_number_float()) {
    const double d = value.get<double>();
    const bool integral = d > -9e15 && d < 9e15 && d == static_cast<double>(static_cast<long long>(d));
    if (integral) return std::to_string(static_cast<long long>(d));
  }
  return std::nullopt;
}

}  // namespace authconform::runner
