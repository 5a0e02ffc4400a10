// The HTTP routes of each variant, over the shared service. Each installs its
// fixture interface, its API, and the bodies of its HTTP-level errors.
#pragma once

#include "target/service.h"

#include <httplib.h>

namespace authconform::target {

// spec/wire.md, the default `zendesk` profile.
void install_zendesk_routes(httplib::Server& server, Service& service);
// The `acme` variant (docs/mutants.md, "The acme variant").
void install_acme_routes(httplib::Server& server, Service& service);

}  // namespace authconform::target
