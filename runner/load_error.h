// An input error (scenario, profile, waivers): where it is and what to do.
#pragma once

#include "runner/scenario.h"

#include <string>
#include <vector>

namespace authconform::runner {

struct LoadError {
  std::string file;
  SourcePos pos;         // 0:0 when the error is about the whole file
  std::string message;   // quotes the offending value; ends with a suggestion where one fits

  // "FILE:LINE:COL: message" (or "FILE: message" without a position).
  std::string format() const {
    if (pos.line == 0) return file + ": " + message;
    return file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) + ": " + message;
  }
};

// The closest candidate by edit distance, or "" when none is close enough to
// suggest ("did you mean 'accept_agreement'?").
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace authconform::runner
