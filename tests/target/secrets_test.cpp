// The reference server's secrets: the prefix and the hex of CSPRNG bytes,
// never the same twice, on one thread or several; digests of known text.
#include "target/secrets.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

namespace authconform::target {
namespace {

bool is_hex(std::string_view text) { return text.find_first_not_of("0123456789abcdef") == std::string_view::npos; }

TEST(RandomSecret, IsThePrefixAndTwiceTheBytesInHex) {
  const std::string secret = random_secret("tok_", 20);
  ASSERT_EQ(secret.size(), 4u + 40u);
  EXPECT_EQ(secret.substr(0, 4), "tok_");
  EXPECT_TRUE(is_hex(secret.substr(4))) << secret;
}

// Small secrets in numbers, and a large one whose 20-byte runs all differ.
TEST(RandomSecret, NeverRepeats) {
  std::set<std::string> seen;
  for (int i = 0; i < 500; ++i) ASSERT_TRUE(seen.insert(random_secret("", 20)).second) << "repeated at " << i;
  const std::string big = random_secret("", 3000);
  EXPECT_EQ(big.size(), 6000u);
  std::set<std::string> chunks;  // no 20-byte run of the big one repeats another
  for (std::size_t at = 0; at + 40 <= big.size(); at += 40) EXPECT_TRUE(chunks.insert(big.substr(at, 40)).second) << at;
}

TEST(RandomSecret, ThreadsDrawDifferentBytes) {
  std::vector<std::vector<std::string>> drawn(4);
  std::vector<std::thread> threads;
  for (auto& mine : drawn)
    threads.emplace_back([&mine] {
      for (int i = 0; i < 200; ++i) mine.push_back(random_secret("", 20));
    });
  for (auto& t : threads) t.join();
  std::set<std::string> all;
  for (const auto& mine : drawn)
    for (const auto& secret : mine) EXPECT_TRUE(all.insert(secret).second) << secret;
  EXPECT_EQ(all.size(), 800u);
}

TEST(Sha256, MatchesTheKnownDigest) {
  EXPECT_EQ(to_hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_TRUE(same_digest(sha256("x"), sha256("x")));
  EXPECT_FALSE(same_digest(sha256("x"), sha256("y")));
}

}  // namespace
}  // namespace authconform::target
