#include "runner/interrupt.h"

#include <csignal>
#include <cstdlib>
#include <unistd.h>

namespace authconform::runner {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void on_signal(int) {
  if (g_stop.exchange(true)) _exit(130);
  constexpr char k_message[] = "\nauthconform: stopping after the current step (press Ctrl-C again to quit now)\n";
  [[maybe_unused]] auto written = write(STDERR_FILENO, k_message, sizeof k_message - 1);
}

}  // namespace

const std::atomic<bool>& install_interrupt_handler() {
  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  return g_stop;
}

void request_stop() { g_stop.store(true); }

}  // namespace authconform::runner
