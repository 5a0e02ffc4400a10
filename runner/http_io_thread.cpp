#include "runner/http_io_thread.h"

#include <chrono>
#include <utility>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace authconform::runner {
namespace {

// Long enough for a loopback answer (~50 µs) or the caller's work between two
// requests (~10 µs); a remote target's answer takes longer, and the side
// waiting for it then sleeps after spending at most this.
constexpr auto k_spin = std::chrono::microseconds(200);

void relax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#endif
}

// Waits until `counter` differs from `seen`.
void wait_past(const std::atomic<std::uint32_t>& counter, std::uint32_t seen) {
  const auto until = std::chrono::steady_clock::now() + k_spin;
  for (int i = 0; counter.load(std::memory_order_acquire) == seen; ++i) {
    if ((i & 63) == 63 && std::chrono::steady_clock::now() > until) {
      counter.wait(seen, std::memory_order_acquire);  // returns at once when it already changed
      continue;
    }
    relax();
  }
}

}  // namespace

HttpIoThread::HttpIoThread(Send send) : m_send(std::move(send)), m_thread([this] { run(); }) {}

HttpIoThread::~HttpIoThread() {
  while (outstanding() > 0) (void)take();
  m_stop.store(true, std::memory_order_release);
  // Wakes the thread whether it sleeps on m_posted or spins: a changed count
  // with m_stop set ends its loop (nothing is outstanding any more).
  m_posted.fetch_add(1, std::memory_order_acq_rel);
  m_posted.notify_one();
  m_thread.join();
}

void HttpIoThread::post(HttpRequest request) {
  const std::uint32_t n = m_posted.load(std::memory_order_relaxed);
  m_slots[n % k_capacity].request = std::move(request);
  m_posted.store(n + 1, std::memory_order_release);
  m_posted.notify_one();
}

HttpResult HttpIoThread::take() {
  wait_past(m_done, m_taken);
  HttpResult result = std::move(m_slots[m_taken % k_capacity].result);
  ++m_taken;
  return result;
}

void HttpIoThread::run() {
  // Requests posted before a failure was handed back were queued behind it.
  std::uint32_t failed_below = 0;
  for (std::uint32_t n = 0;; ++n) {
    wait_past(m_posted, n);
    if (m_stop.load(std::memory_order_acquire)) return;
    Slot& slot = m_slots[n % k_capacity];
    if (n < failed_below) {
      slot.result = HttpResult{std::nullopt,
                               HttpFailure{TargetError::Kind::connection_reset,
                                           "not sent: the request before it failed", std::nullopt},
                               0};
    } else {
      slot.result = m_send(slot.request);
      if (slot.result.failure) failed_below = m_posted.load(std::memory_order_acquire);
    }
    m_done.store(n + 1, std::memory_order_release);
    m_done.notify_one();
  }
}

}  // namespace authconform::runner
