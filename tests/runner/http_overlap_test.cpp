// Requests overlapped with the caller's work: the I/O thread that carries
// them (http_io_thread.h) and AccountSession::start/finish over HTTP, which
// must give exactly the outcomes of execute().
#include "runner/fuzz_generator.h"
#include "runner/fuzz_steps.h"
#include "runner/http_io_thread.h"
#include "runner/http_target.h"
#include "target/reference_server.h"
#include "tests/utils/test_utils.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace authconform::runner {
namespace {

using namespace std::chrono_literals;

HttpRequest get(std::string path) {
  HttpRequest r;
  r.method = "GET";
  r.path = std::move(path);
  return r;
}

HttpResult answer(int status) { return HttpResult{HttpResponse{status, {}, {}}, std::nullopt, 0}; }

// Waits (up to 10 s, so that a loaded machine does not fail it) for `done`.
bool eventually(const std::function<bool()>& done) {
  const auto until = std::chrono::steady_clock::now() + 10s;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

TEST(HttpIoThread, AnswersComeBackInOrderAndTheSecondGoesOutWithoutTheCaller) {
  std::mutex mutex;
  std::vector<std::string> sent;
  HttpIoThread io([&](const HttpRequest& r) {
    std::lock_guard lock(mutex);
    sent.push_back(r.path);
    return answer(r.path == "/a" ? 200 : 404);
  });
  io.post(get("/a"));
  io.post(get("/b"));
  EXPECT_EQ(io.outstanding(), 2u);
  // Both are sent before the caller takes anything.
  EXPECT_TRUE(eventually([&] {
    std::lock_guard lock(mutex);
    return sent.size() == 2;
  }));
  EXPECT_EQ(io.take().response->status, 200);
  EXPECT_EQ(io.take().response->status, 404);
  EXPECT_EQ(io.outstanding(), 0u);
  EXPECT_EQ(sent, (std::vector<std::string>{"/a", "/b"}));
}

TEST(HttpIoThread, AFailureFailsTheRequestQueuedBehindItButNotTheNextOnes) {
  std::atomic<int> sends{0};
  HttpIoThread io([&](const HttpRequest& r) {
    ++sends;
    if (r.path == "/broken") return HttpResult{std::nullopt, HttpFailure{TargetError::Kind::connection_reset, "reset", {}}, 0};
    return answer(200);
  });
  io.post(get("/broken"));
  io.post(get("/behind"));
  const HttpResult broken = io.take();
  const HttpResult behind = io.take();
  ASSERT_TRUE(broken.failure && behind.failure);
  EXPECT_EQ(behind.failure->message, "not sent: the request before it failed");
  EXPECT_EQ(sends.load(), 1);
  io.post(get("/later"));
  EXPECT_EQ(io.take().response->status, 200);
  EXPECT_EQ(sends.load(), 2);
}

TEST(HttpIoThread, BothSidesWakeFromSleepWhenTheOtherIsSlow) {
  HttpIoThread io([&](const HttpRequest&) {
    std::this_thread::sleep_for(20ms);  // past the spin: the caller sleeps in take()
    return answer(204);
  });
  for (int i = 0; i < 3; ++i) {
    std::this_thread::sleep_for(20ms);  // past the spin: the I/O thread sleeps for the next request
    io.post(get("/slow"));
    EXPECT_EQ(io.take().response->status, 204);
  }
}

TEST(HttpIoThread, DestroyedWithRequestsOutstandingSendsThem) {
  std::atomic<int> finished{0};
  {
    HttpIoThread io([&](const HttpRequest&) {
      std::this_thread::sleep_for(10ms);
      ++finished;
      return answer(200);
    });
    io.post(get("/x"));
    io.post(get("/y"));
  }
  EXPECT_EQ(finished.load(), 2);
}

// --- AccountSession::start/finish over HTTP ---------------------------------

Profile zendesk_profile() {
  ProfileLoad load = load_profile_file(testing::source_dir() + "/profiles/zendesk.yaml");
  EXPECT_TRUE(load.errors.empty());
  return std::move(*load.profile);
}

// One reference server for these tests, made on first use and stopped after
// the last test (its threads must not outlive the libraries they use at exit).
target::ReferenceServer* g_server = nullptr;

class ServerEnvironment : public ::testing::Environment {
 public:
  void TearDown() override {
    delete g_server;
    g_server = nullptr;
  }
};
[[maybe_unused]] const auto* const k_server_environment = ::testing::AddGlobalTestEnvironment(new ServerEnvironment);

std::unique_ptr<Target> http_target(bool overlap) {
  if (!g_server) {
    g_server = new target::ReferenceServer(target::ServerOptions{});
    g_server->start();
  }
  HttpOptions options;
  options.url = g_server->url();
  auto target = make_http_target(options, zendesk_profile());
  target->record_exchanges(false);
  target->overlap_requests(overlap);
  return target;
}

std::vector<model::Request> requests_of(const FuzzSequence& sequence) {
  std::vector<model::Request> out;
  for (const auto& command : sequence)
    for (const model::Request& r : as_fuzz_command(*command).requests()) out.push_back(r);
  return out;
}

// Every fuzzed sequence, each step started while the one before it is
// outstanding (as fuzzing does), gives the outcomes execute() gives one by one
// on another account: secrets and IDs a step needs from the answer before it
// included.
// Each step started while the one before it is outstanding, as fuzzing does.
std::vector<model::Outcome> started_behind(AccountSession& session, const std::vector<model::Request>& requests) {
  std::vector<model::Outcome> observed;
  for (std::size_t i = 0; i < requests.size(); ++i) {
    session.start(requests[i]);
    if (i > 0) observed.push_back(session.finish().outcome);
  }
  if (!requests.empty()) observed.push_back(session.finish().outcome);
  return observed;
}

RC_GTEST_PROP(HttpOverlap, StartAndFinishGiveTheOutcomesOfExecute, ()) {
  const FuzzSequence sequence = *fuzz_sequence_gen(model::PolicyConfig{}, nullptr);
  const std::vector<model::Request> requests = requests_of(sequence);
  const std::unique_ptr<Target> plain = http_target(false), overlapped = http_target(true);

  const auto one_by_one = plain->open_account(fuzz_cast());
  std::vector<model::Outcome> expected;
  for (const model::Request& r : requests) expected.push_back(one_by_one->execute(r).outcome);

  RC_ASSERT(started_behind(*overlapped->open_account(fuzz_cast()), requests) == expected);
  // Without the I/O thread the second waits in the client's queue: the same outcomes.
  RC_ASSERT(started_behind(*plain->open_account(fuzz_cast()), requests) == expected);
}

// A session given up with a request on the wire (a mismatch before it) reads
// that answer, so the pooled connection is in step for the next session.
// send() would otherwise hand back the answer to the request started before it.
TEST(HttpClientHalves, SendWhileARequestIsOutstanding_IsRefused) {
  HttpClient client(parse_url("http://127.0.0.1:9"), HttpOptions{});
  client.start(get("/first"));  // without the I/O thread: queued, not sent
  EXPECT_THROW(client.send(get("/second")), std::logic_error);
  client.drop_outstanding();
  HttpOptions quick;
  quick.connect_timeout_s = 0.2;
  HttpClient unreachable(parse_url("http://127.0.0.1:9"), quick);
  EXPECT_TRUE(unreachable.send(get("/")).failure);  // nothing outstanding: sent (and refused by the port)
}

TEST(HttpOverlap, ASessionDroppedWithRequestsOutstandingLeavesItsConnectionInStep) {
  const auto target = http_target(true);
  const model::Request me{model::ProbeOp{model::Probe::me}, model::NoCredential{}};
  for (int round = 0; round < 3; ++round) {
    auto session = target->open_account(fuzz_cast());
    session->start(me);
    session->start(me);
    EXPECT_EQ(session->finish().outcome, model::Outcome::anonymous());
    session.reset();  // the second answer is outstanding
  }
  auto session = target->open_account(fuzz_cast());
  EXPECT_EQ(session->execute(me).outcome, model::Outcome::anonymous());
  const model::Request bad_token{model::ProbeOp{model::Probe::me}, model::TokenCredential{"${email:eve}", "t9"}};
  EXPECT_EQ(session->execute(bad_token).outcome, model::Outcome::unauthorized());
}

}  // namespace
}  // namespace authconform::runner
