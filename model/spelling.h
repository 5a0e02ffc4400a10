// "Did you mean ...?": the closest candidate by edit distance. Pure text, so
// that every layer's error messages (runner, target) suggest the same way.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace authconform::model {

std::size_t edit_distance(std::string_view a, std::string_view b);

// The closest candidate, or "" when none is close enough to suggest (within
// a third of the word's length, at least 2 edits).
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace authconform::model
