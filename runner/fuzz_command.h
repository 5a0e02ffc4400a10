// `authconform fuzz`: stateful differential fuzzing of a target against the
// model (fuzz_engine.h). Registered in runner/cli.cpp's command table.
#pragma once

#include "runner/cli.h"

namespace authconform::runner {

int cmd_fuzz(CommandContext& context);

}  // namespace authconform::runner
