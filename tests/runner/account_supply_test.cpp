// AccountSupply: fresh accounts, prepared ahead on a helper thread or opened
// in place, errors where the account is taken, and nothing left undeleted.
#include "runner/account_supply.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

namespace authconform::runner {
namespace {

using Kind = TargetError::Kind;

// Counts the accounts it opens and deletes, and on which threads it opens
// them; open number `fail_at` (1-based) throws.
class CountingTarget final : public Target {
 public:
  explicit CountingTarget(bool remote = true, int fail_at = 0) : m_remote(remote), m_fail_at(fail_at) {}

  std::unique_ptr<AccountSession> open_account(const std::vector<ScenarioUser>& users) override {
    std::lock_guard lock(m_mutex);
    ++m_opened;
    m_openers.insert(std::this_thread::get_id());
    m_users_seen = users.size();
    m_changed.notify_all();
    if (m_opened == m_fail_at) throw TargetError(Kind::unreachable, "account " + std::to_string(m_opened) + " refused");
    return std::make_unique<Session>(*this, m_opened);
  }
  std::string describe() const override { return "counting"; }
  bool accounts_are_remote() const override { return m_remote; }

  int opened() {
    std::lock_guard lock(m_mutex);
    return m_opened;
  }
  int deleted() {
    std::lock_guard lock(m_mutex);
    return m_deleted;
  }
  std::set<std::thread::id> openers() {
    std::lock_guard lock(m_mutex);
    return m_openers;
  }
  std::size_t users_seen() {
    std::lock_guard lock(m_mutex);
    return m_users_seen;
  }
  // Blocks until `n` accounts have been opened (no time limit: a missing
  // open shows as a hang that ctest's timeout reports).
  void wait_for_opened(int n) {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [&] { return m_opened >= n; });
  }

 private:
  class Session final : public AccountSession {
   public:
    Session(CountingTarget& target, int number) : m_target(target), m_number(number) {}
    ~Session() override {
      std::lock_guard lock(m_target.m_mutex);
      ++m_target.m_deleted;
    }
    Observation execute(const model::Request&) override {
      return {model::Outcome::as_user(std::to_string(m_number)), {}};
    }

   private:
    CountingTarget& m_target;
    int m_number;
  };

  const bool m_remote;
  const int m_fail_at;
  std::mutex m_mutex;
  std::condition_variable m_changed;
  int m_opened = 0, m_deleted = 0;
  std::size_t m_users_seen = 0;
  std::set<std::thread::id> m_openers;
};

const std::vector<ScenarioUser> k_cast = {{"al", "", model::Role::agent, "pw-al", false},
                                          {"eu", "", model::Role::end_user, "pw-eu", false}};

// Which account it is: its sessions answer as the user named by its number.
std::string number_of(AccountSession& session) {
  return model::to_string(session.execute({model::ProbeOp{}, model::NoCredential{}}).outcome);
}

TEST(AccountSupply, AheadEveryAccountIsFreshAndEveryOneIsDeleted) {
  CountingTarget target;
  {
    AccountSupply supply(target, k_cast, true);
    std::set<std::string> seen;
    for (int i = 0; i < 20; ++i) {
      auto session = supply.take();
      EXPECT_TRUE(seen.insert(number_of(*session)).second) << "account handed out twice";
      supply.retire(std::move(session));
    }
  }
  EXPECT_GE(target.opened(), 20);
  EXPECT_LE(target.opened(), 21);  // at most the one prepared for a 21st take
  EXPECT_EQ(target.deleted(), target.opened());
  EXPECT_EQ(target.users_seen(), k_cast.size());
}

TEST(AccountSupply, AheadTheNextAccountIsOpenedOnTheHelperWhileTheFirstIsUsed) {
  CountingTarget target;
  AccountSupply supply(target, k_cast, true);
  auto first = supply.take();
  target.wait_for_opened(2);  // prepared without another take()
  EXPECT_EQ(target.openers().count(std::this_thread::get_id()), 0u) << "opened on the job's thread";
  EXPECT_EQ(number_of(*supply.take()), model::to_string(model::Outcome::as_user("2")));
}

TEST(AccountSupply, InPlaceOpensAndDeletesOnTheCallersThread) {
  CountingTarget target;
  AccountSupply supply(target, k_cast, false);
  auto session = supply.take();
  EXPECT_EQ(target.opened(), 1);
  EXPECT_EQ(target.openers(), std::set<std::thread::id>{std::this_thread::get_id()});
  supply.retire(std::move(session));
  EXPECT_EQ(target.deleted(), 1);
}

TEST(AccountSupply, AnOpeningErrorIsThrownByTheTakeOfThatAccountAndNothingMoreIsOpened) {
  for (const bool ahead : {true, false}) {
    SCOPED_TRACE(ahead ? "ahead" : "in place");
    CountingTarget target(true, 2);
    {
      AccountSupply supply(target, k_cast, ahead);
      supply.retire(supply.take());
      try {
        (void)supply.take();
        ADD_FAILURE() << "no error";
      } catch (const TargetError& e) {
        EXPECT_STREQ(e.what(), "account 2 refused");
        EXPECT_EQ(e.kind(), Kind::unreachable);
      }
    }
    EXPECT_EQ(target.opened(), 2);
    EXPECT_EQ(target.deleted(), 1);
  }
}

TEST(AccountSupply, APreparedAccountNobodyTakesIsDeleted) {
  CountingTarget target;
  std::unique_ptr<AccountSession> taken;
  {
    AccountSupply supply(target, k_cast, true);
    taken = supply.take();
    target.wait_for_opened(2);
  }
  EXPECT_EQ(target.opened(), 2);
  EXPECT_EQ(target.deleted(), 1);  // the prepared one; the taken one is its holder's
  taken.reset();
  EXPECT_EQ(target.deleted(), 2);
}

TEST(AccountSupply, PreparedAheadOnlyForRemoteAccountsAndWhileACoreIsSpare) {
  CountingTarget remote(true), local(false);
  EXPECT_FALSE(prepare_accounts_ahead(local, 1, false, 16));
  // Requests overlapped (two cores a job): a third core per job for the helper.
  EXPECT_FALSE(prepare_accounts_ahead(remote, 1, true, 2));
  EXPECT_TRUE(prepare_accounts_ahead(remote, 1, true, 3));
  EXPECT_TRUE(prepare_accounts_ahead(remote, 2, true, 6));
  EXPECT_FALSE(prepare_accounts_ahead(remote, 2, true, 5));
  // Not overlapped: while any core is spare.
  EXPECT_TRUE(prepare_accounts_ahead(remote, 1, false, 2));
  EXPECT_TRUE(prepare_accounts_ahead(remote, 3, false, 4));
  EXPECT_FALSE(prepare_accounts_ahead(remote, 4, false, 4));
  EXPECT_FALSE(prepare_accounts_ahead(remote, 8, false, 2));
}

TEST(AccountSupply, RequestsOverlappedWithTwoCoresPerJob) {
  EXPECT_TRUE(overlap_fuzz_requests(1, 2));
  EXPECT_FALSE(overlap_fuzz_requests(1, 1));
  EXPECT_TRUE(overlap_fuzz_requests(4, 8));
  EXPECT_FALSE(overlap_fuzz_requests(5, 8));
  EXPECT_FALSE(overlap_fuzz_requests(8, 2));
}

}  // namespace
}  // namespace authconform::runner
