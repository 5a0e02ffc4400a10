#include "runner/account_supply.h"

namespace authconform::runner {

AccountSupply::AccountSupply(Target& target, std::vector<ScenarioUser> users, bool ahead)
    : m_target(target), m_users(std::move(users)) {
  if (ahead) m_helper = std::thread([this] { help(); });
}

AccountSupply::~AccountSupply() {
  if (!m_helper.joinable()) return;
  {
    const std::lock_guard lock(m_mutex);
    m_stopping = true;
  }
  m_changed.notify_all();
  m_helper.join();
  // A prepared account nobody took is deleted with m_next, here.
}

std::unique_ptr<AccountSession> AccountSupply::open_now() { return m_target.open_account(m_users); }

std::unique_ptr<AccountSession> AccountSupply::take() {
  if (!m_helper.joinable()) return open_now();
  std::unique_lock lock(m_mutex);
  m_wanted = true;  // no-op when the helper is already on it
  m_changed.notify_all();
  m_changed.wait(lock, [this] { return m_ready; });
  m_ready = false;
  std::unique_ptr<AccountSession> session = std::move(m_next);
  const std::exception_ptr error = std::exchange(m_next_error, nullptr);
  // The next account is prepared while this one is used; after a failure
  // the job stops, so none is.
  m_wanted = !error;
  lock.unlock();
  m_changed.notify_all();
  if (error) std::rethrow_exception(error);
  return session;
}

void AccountSupply::retire(std::unique_ptr<AccountSession> session) {
  if (!m_helper.joinable()) return session.reset();
  {
    const std::lock_guard lock(m_mutex);
    m_retired.push_back(std::move(session));
  }
  m_changed.notify_all();
}

// Preparing comes first (a job may be waiting for it), deleting after.
void AccountSupply::help() {
  std::unique_lock lock(m_mutex);
  for (;;) {
    m_changed.wait(lock, [this] { return m_stopping || (m_wanted && !m_ready) || !m_retired.empty(); });
    if (m_wanted && !m_ready && !m_stopping) {
      m_wanted = false;
      lock.unlock();
      std::unique_ptr<AccountSession> next;
      std::exception_ptr error;
      try {
        next = open_now();
      } catch (...) {
        error = std::current_exception();
      }
      lock.lock();
      m_next = std::move(next);
      m_next_error = error;
      m_ready = true;
      m_changed.notify_all();
    } else if (!m_retired.empty()) {
      std::unique_ptr<AccountSession> finished = std::move(m_retired.front());
      m_retired.pop_front();
      lock.unlock();
      finished.reset();  // deletes the account on the target
      lock.lock();
    } else {
      return;  // stopping, and nothing left to delete
    }
  }
}

bool overlap_fuzz_requests(int jobs, unsigned cores) { return 2 * static_cast<unsigned>(jobs) <= cores; }

bool prepare_accounts_ahead(const Target& target, int jobs, bool overlapped, unsigned cores) {
  const auto n = static_cast<unsigned>(jobs);
  return target.accounts_are_remote() && (overlapped ? 3 * n <= cores : n < cores);
}

}  // namespace authconform::runner
