// Strict reading of JSON request bodies: objects with known keys only, and the
// value types wire.md allows.
#pragma once

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace authconform::target {

using Json = nlohmann::json;

// The body as a JSON object; nullopt for anything else (not JSON, an array, ...).
std::optional<Json> parse_object(std::string_view body);

// "" when every key of `object` is in `allowed`; else a message naming the
// first unknown key and the allowed ones.
std::string unknown_key_error(const Json& object, std::initializer_list<std::string_view> allowed);

// A JSON boolean; with `allow_strings`, also the strings "true" and "false".
std::optional<bool> read_bool(const Json& value, bool allow_strings = false);

// A positive integer that fits an int (IDs); nullopt otherwise.
std::optional<int> read_id(const Json& value);
std::optional<int> parse_id(std::string_view text);

// Serializes for a response; invalid UTF-8 cannot occur (inputs were parsed as
// JSON) but is replaced rather than thrown on.
std::string dump_json(const Json& value);

}  // namespace authconform::target
