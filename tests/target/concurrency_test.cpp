// Many clients at once: requests from several threads to several accounts
// give the same answers as they would one at a time.
#include "tests/target/support.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace authconform::target::testing {
namespace {

constexpr int k_accounts = 3;
constexpr int k_threads = 6;
constexpr int k_rounds = 15;

// One worker: with its own connection, generates a token in its account, then
// toggles it and checks that each probe agrees with the state it just set.
// Returns how many answers were not the expected ones.
int run_worker(const std::string& url, Sandbox& account) {
  Connection http(url);
  int wrong = 0;
  const auto expect = [&wrong](const Reply& reply, int status) { wrong += reply.status != status; };
  for (int round = 0; round < k_rounds; ++round) {
    const Reply created = http.send("POST", account.base() + "/api/v2/api_tokens.json",
                                    R"({"api_token":{"description":"worker"}})", account.admin());
    expect(created, 201);
    if (created.status != 201) continue;
    const std::string id = created.json["api_token"]["id"].dump();
    const std::string login = basic(account.admin_email() + "/token", created.json["api_token"]["token"].get<std::string>());
    expect(http.get(account.base() + "/api/v2/users/me.json", login), 200);
    expect(http.send("PUT", account.base() + "/api/v2/api_tokens/" + id + ".json", R"({"api_token":{"active":false}})",
                     account.admin()), 200);
    expect(http.get(account.base() + "/api/v2/users/me.json", login), 401);
    expect(http.send("DELETE", account.base() + "/api/v2/api_tokens/" + id + ".json", "", account.admin()), 204);
    expect(http.get(account.base() + "/api/v2/users/me.json", account.admin()), 200);
  }
  return wrong;
}

TEST(Concurrency, ThreadsOnSeveralAccounts_GetConsistentAnswers) {
  Served served;
  std::vector<std::unique_ptr<Sandbox>> accounts;
  for (int i = 0; i < k_accounts; ++i) {
    accounts.push_back(std::make_unique<Sandbox>(served.http()));
    accounts.back()->enable(true, false);
  }
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t)
    threads.emplace_back([&, t] { wrong += run_worker(served.url(), *accounts[t % k_accounts]); });
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);

  // Every token was deleted, and IDs were never handed out twice.
  for (const auto& account : accounts) {
    EXPECT_EQ(account->send("GET", "/api/v2/api_tokens.json", nullptr, account->admin()).json,
              Json::parse(R"({"api_tokens":[]})"));
    const Reply next = account->send("POST", "/api/v2/api_tokens.json", {{"api_token", {{"description", "last"}}}},
                                     account->admin());
    EXPECT_EQ(next.json["api_token"]["id"], k_rounds * (k_threads / k_accounts) + 1);
  }
}

TEST(Concurrency, AccountsCreatedInParallel_HaveDistinctIds) {
  Served served;
  std::vector<std::string> ids(k_threads);
  std::vector<std::thread> threads;
  for (int t = 0; t < k_threads; ++t)
    threads.emplace_back([&, t] {
      Connection http(served.url());
      ids[t] = Sandbox(http).id();
    });
  for (std::thread& thread : threads) thread.join();
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(std::adjacent_find(ids.begin(), ids.end()), ids.end());
}

}  // namespace
}  // namespace authconform::target::testing
