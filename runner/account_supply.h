#pragma once

#include "runner/target.h"

#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace authconform::runner {

// One fuzz job's supply of fresh accounts holding the same users.
//
// With `ahead` on, a helper thread opens the next account while a sequence
// runs on the current one, and deletes each finished account after it: on a
// remote target both are round trips that a single job would otherwise wait
// for between two sequences (~10 % of the requests at the default length).
// With `ahead` off, take() opens and retire() deletes in the caller's thread.
//
// Contract either way: every account take() returns is fresh; take() throws
// what opening that account threw (a TargetError), as if it had been opened
// there; every account opened is deleted (retired, or prepared and not
// taken) before the destructor returns. take() and retire() are called from
// one thread, the job's.
class AccountSupply {
 public:
  AccountSupply(Target& target, std::vector<ScenarioUser> users, bool ahead);
  ~AccountSupply();
  AccountSupply(const AccountSupply&) = delete;
  AccountSupply& operator=(const AccountSupply&) = delete;

  std::unique_ptr<AccountSession> take();
  void retire(std::unique_ptr<AccountSession> session);

 private:
  void help();  // the helper thread
  std::unique_ptr<AccountSession> open_now();

  Target& m_target;
  const std::vector<ScenarioUser> m_users;

  std::mutex m_mutex;  // guards what follows
  std::condition_variable m_changed;
  bool m_wanted = false;  // take() will want another account: prepare one
  bool m_ready = false;   // m_next or m_next_error holds the prepared account
  std::unique_ptr<AccountSession> m_next;
  std::exception_ptr m_next_error;
  std::deque<std::unique_ptr<AccountSession>> m_retired;  // to delete
  bool m_stopping = false;
  std::thread m_helper;  // last: started once the state above exists
};

// How fuzzing uses the cores its jobs leave (docs/fuzzing.md, "Spare cores").
// A thread that waits by spinning or wakes often takes a core from the target
// and the jobs unless it has one of its own, so each use needs a core per job:
// - with two cores per job, each job's requests overlap its work
//   (Target::overlap_requests: the job's thread, and the I/O thread that
//   shares a core with the target's worker);
// - accounts are prepared ahead with a core per job more than that, or,
//   without overlap, while any core is spare.
bool overlap_fuzz_requests(int jobs, unsigned cores = std::thread::hardware_concurrency());
// `overlapped`: whether the run overlaps its requests.
bool prepare_accounts_ahead(const Target& target, int jobs, bool overlapped,
                            unsigned cores = std::thread::hardware_concurrency());

}  // namespace authconform::runner
