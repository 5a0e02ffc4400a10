// The misbehaving front of a reference server started with a fault
// (fault.h). It owns the public socket and speaks HTTP/1.1 itself, byte by
// byte, so that it can do what a well-behaved HTTP library cannot: reset a
// connection, announce more body than it sends, trickle an answer. Every
// request on the fixture interface, and every API request before the fault
// starts, is forwarded unchanged to the in-process reference server on a
// loopback port; the other API requests get the fault.
#pragma once

#include <memory>
#include <string>

#include "target/fault.h"

namespace authconform::target {

struct FaultFrontOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: an ephemeral port
  FaultMode mode = FaultMode::none;
  long fault_after = 0;             // API requests answered correctly before the fault starts
  std::string variant = "zendesk";  // the users/me shape `other-account` writes
  int backend_port = 0;             // the reference server, on 127.0.0.1
};

class FaultFront {
 public:
  explicit FaultFront(FaultFrontOptions options);
  ~FaultFront();  // stops
  FaultFront(const FaultFront&) = delete;
  FaultFront& operator=(const FaultFront&) = delete;

  // Binds, starts the acceptor and a fixed pool of workers; returns the port.
  // Throws std::runtime_error when it cannot bind.
  int start();
  // Wakes every stalled or trickling answer, closes every connection and
  // joins every thread; idempotent. Never waits for a client.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace authconform::target
