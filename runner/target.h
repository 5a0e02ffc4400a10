// A target is what scenarios and fuzzing run against: the model itself, or a
// live service over HTTP through a profile. Each scenario (each fuzzed
// sequence) runs in an account of its own.
#pragma once

#include "model/outcome.h"
#include "model/request.h"
#include "reports/results.h"
#include "runner/scenario.h"

#include <deque>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace authconform::runner {

using reports::Exchange;

struct Observation {
  model::Outcome outcome;
  Exchange exchange;
};

// The target broke: it could not be reached or answered something the profile
// cannot classify. Never a verdict on conformance: runs stop and exit 3.
class TargetError : public std::runtime_error {
 public:
  enum class Kind { unreachable, timeout, connection_reset, protocol, unclassifiable, too_large };
  TargetError(Kind kind, std::string message, Exchange exchange = {})
      : std::runtime_error(std::move(message)), m_kind(kind), m_exchange(std::move(exchange)) {}
  Kind kind() const { return m_kind; }
  const Exchange& exchange() const { return m_exchange; }

 private:
  Kind m_kind;
  Exchange m_exchange;
};

// One sandbox account on a target. Not thread-safe; one per worker.
class AccountSession {
 public:
  virtual ~AccountSession() = default;  // deletes the account where the target can
  // Sends one request and classifies the answer. Throws TargetError. Not
  // between start() and finish(): what is outstanding is dropped first.
  virtual Observation execute(const model::Request& request) = 0;

  // The same in two halves, so that a caller can prepare its next step while
  // the target works: start() sends (or queues) a request, with at most one
  // other outstanding; finish() classifies the answer to the oldest, in
  // order, throwing TargetError as execute() does. The outcomes are those of
  // execute() in the same order. A session destroyed with requests
  // outstanding reads and drops their answers. By default finish() executes
  // the oldest request then; the HTTP target sends a request while the one
  // before it is outstanding (Target::overlap_requests).
  virtual void start(const model::Request& request) { m_started.push_back(request); }
  virtual Observation finish() {
    const model::Request request = std::move(m_started.front());
    m_started.pop_front();
    return execute(request);
  }

 private:
  std::deque<model::Request> m_started;
};

class Target {
 public:
  virtual ~Target() = default;
  // Creates a new account holding `users` besides the built-in admin. Throws TargetError.
  virtual std::unique_ptr<AccountSession> open_account(const std::vector<ScenarioUser>& users) = 0;
  // "model", or the URL, for reports.
  virtual std::string describe() const = 0;
  // Whether sessions opened from now on fill Observation::exchange (the
  // redacted request and answer, for reports). On by default. Fuzzing turns
  // it off: it compares outcomes only, and redacting every exchange would be
  // the harness's largest cost per request. A TargetError still carries the
  // method, URL, status and redacted answer (and, when the connection failed,
  // the redacted request). Call before sessions are opened on other threads.
  virtual void record_exchanges(bool on) { (void)on; }
  // Whether sessions opened from now on carry their started requests on a
  // thread of their own, so that the caller's work overlaps the target's
  // (AccountSession::start). Off by default; fuzzing turns it on when cores
  // are spare. Returns whether they will (a target without requests to
  // overlap, such as the model, never does). Call before sessions are opened
  // on other threads.
  virtual bool overlap_requests(bool on) {
    (void)on;
    return false;
  }
  // Whether opening and deleting an account are requests to a remote target
  // (worth preparing ahead, AccountSupply) rather than in-process work.
  virtual bool accounts_are_remote() const { return false; }
};

}  // namespace authconform::runner
