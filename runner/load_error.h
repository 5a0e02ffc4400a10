// An input error (scenario, profile, waivers): where it is and what to do.
#pragma once

#include "model/spelling.h"
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

// "did you mean ...?" suggestions: one implementation for every layer.
using model::closest_match;

}  // namespace authconform::runner
