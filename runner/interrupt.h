// Ctrl-C: the first SIGINT/SIGTERM asks the run to stop after the current
// step (reports are still written, marked incomplete); a second one exits.
#pragma once

#include <atomic>

namespace authconform::runner {

const std::atomic<bool>& install_interrupt_handler();
void request_stop();  // what the handler does; for tests

}  // namespace authconform::runner
