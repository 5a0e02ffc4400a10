#include "runner/load_error.h"

#include "model/spelling.h"

namespace authconform::runner {

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  return model::closest_match(word, candidates);
}

}  // namespace authconform::runner
