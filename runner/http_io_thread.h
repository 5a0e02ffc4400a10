// The thread that carries an HttpClient's requests when fuzzing overlaps its
// work with the target's (HttpClient::overlap_io, docs/performance.md,
// "Overlapping the client's work").
//
// The caller posts requests and takes their results in order; at most two
// are outstanding: one on the wire and the next, which goes out as soon as the
// answer before it is read, without waiting for the caller. After a failed
// request the ones queued behind it are not sent (they fail too): a broken
// connection is not silently replaced under a sequence.
//
// Both sides wait by spinning for a short while before they sleep. On
// loopback an answer comes within tens of microseconds, and a thread that
// sleeps for it pays a wake-up that costs as much as the target's work (more
// on a virtual machine, where an idle core halts); a spinning caller keeps its
// core, and the I/O thread and the target's worker hand the one core between
// them. It is used only while a core is spare (fuzzing with fewer jobs than
// cores), so the spinning takes nothing from the target.
#pragma once

#include "runner/http_client.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <thread>

namespace authconform::runner {

class HttpIoThread {
 public:
  using Send = std::function<HttpResult(const HttpRequest&)>;
  explicit HttpIoThread(Send send);
  ~HttpIoThread();  // sends what is outstanding and drops the answers
  HttpIoThread(const HttpIoThread&) = delete;
  HttpIoThread& operator=(const HttpIoThread&) = delete;

  static constexpr std::uint32_t k_capacity = 2;
  // Requires outstanding() < k_capacity.
  void post(HttpRequest request);
  // The result of the oldest outstanding request, once it is there. Requires outstanding() > 0.
  HttpResult take();
  std::uint32_t outstanding() const { return m_posted.load(std::memory_order_relaxed) - m_taken; }

 private:
  void run();

  struct Slot {
    HttpRequest request;
    HttpResult result;
  };
  Send m_send;
  std::array<Slot, k_capacity> m_slots;
  // Counts since the start: requests posted (written by the caller), results
  // ready (by the I/O thread); their difference is what the other side waits on.
  std::atomic<std::uint32_t> m_posted{0};
  std::atomic<std::uint32_t> m_done{0};
  std::atomic<bool> m_stop{false};
  std::uint32_t m_taken = 0;  // the caller's own
  std::thread m_thread;
};

}  // namespace authconform::runner
