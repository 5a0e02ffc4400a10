// Reading an HTTP answer as the profile says: which outcome its status means,
// and the JSON values it holds at the profile's pointers.
#pragma once

#include "runner/profile.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace authconform::runner {

// The outcome kind a status means for one operation (ok, unauthorized,
// forbidden, not_found or invalid); exact codes first, then classes.
// nullopt: the profile does not map the status.
std::optional<model::OutcomeKind> classify_status(const ResponseRules& rules, int status);

// "ok: 2xx; unauthorized: 401; ..." for messages about unmapped statuses.
std::string describe_rules(const ResponseRules& rules);

// A 403's reason: the text at the profile's pointer, mapped by the profile.
// Anything unreadable or unknown gives Reason::none; `raw` receives the text
// found (or a note of what was missing).
model::Reason read_reason(const Profile& profile, const ResponseRules& rules,
                          const nlohmann::ordered_json* body, std::string* raw = nullptr);

// The value at `pointer` in `body`, or nullptr when absent. A null met
// before the pointer's end reads as null ({"member": null} at /member/id).
const nlohmann::ordered_json* find_at(const nlohmann::ordered_json& body, const std::string& pointer);

// An ID as text: integers in decimal, strings as they are (so 7 and "7" are
// the same ID); nullopt for any other JSON value.
std::optional<std::string> id_text(const nlohmann::ordered_json& value);

}  // namespace authconform::runner
