// The reference target: serves spec/wire.md (or the `acme` variant) for many
// sandbox accounts at once, deciding every request with the reference model,
// optionally with one injected bug (a mutant, see mutants.h).
#pragma once

#include "model/policy_model.h"
#include "target/mutants.h"

#include <cstddef>
#include <memory>
#include <string>

namespace authconform::target {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 0;  // 0: an ephemeral port
  model::PolicyConfig policy{};
  std::string mutant;                // "": the correct server; else a name from all_mutants()
  std::string variant = "zendesk";   // "zendesk" (wire.md) or "acme"
  std::size_t max_body_bytes = 64 * 1024;  // larger request bodies get 413
  // "": none; else a name from all_faults() (fault.h): the API misbehaves that
  // way, after `fault_after` API requests answered correctly. The fixture
  // interface is never faulted.
  std::string fault;
  long fault_after = 0;
};

class ReferenceServer {
 public:
  // Throws std::invalid_argument for an unknown mutant, variant or fault (the
  // message lists the valid names), or a negative fault_after.
  explicit ReferenceServer(ServerOptions options);
  ~ReferenceServer();  // stops
  ReferenceServer(const ReferenceServer&) = delete;
  ReferenceServer& operator=(const ReferenceServer&) = delete;

  // Binds and serves on background threads; returns the port. Throws
  // std::runtime_error when it cannot bind, std::logic_error when started twice.
  int start();
  // Stops serving and joins the threads; idempotent. A stalled or trickling
  // fault answer does not delay it.
  void stop();
  // "http://HOST:PORT" (valid after start()).
  std::string url() const;
  // Blocks until the server stops (from stop() on another thread).
  void wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace authconform::target
