// The server-side half of the mutants: which steps of deciding a request each
// one replaces (decider.h).
#pragma once

#include "target/decider.h"

#include <string_view>

namespace authconform::target {

// The behaviour of mutant `name`; "" is the correct server. Throws
// std::invalid_argument for an unknown name (the message lists the valid ones).
Behaviour behaviour_for(std::string_view name);

}  // namespace authconform::target
