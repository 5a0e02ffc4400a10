// A live service as a target: every model operation goes over HTTP as the
// profile says, and every answer is classified back into a model::Outcome.
// Each account session keeps its own persistent connection and the mapping
// between the scenario's symbolic names and the target's IDs and secrets.
#pragma once

#include "runner/http_client.h"
#include "runner/profile.h"
#include "runner/target.h"

#include <memory>

namespace authconform::runner {

// Throws std::invalid_argument when options.url is not an http(s) URL. The
// target may be shared by threads; each session is used by one.
std::unique_ptr<Target> make_http_target(HttpOptions options, Profile profile);

}  // namespace authconform::runner
