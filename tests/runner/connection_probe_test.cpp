// A target that serves one connection at a time, or closes connections
// without saying so, is found out by the probe and then spoken to with one
// connection per request, by both HTTP engines; a target that serves
// connections side by side, or closes each after an answer that says so, is
// left with kept-alive connections; a probe that cannot tell says so.
#include "runner/connection_probe.h"

#include "runner/target_factory.h"
#include "tests/utils/raw_server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

namespace authconform::runner {
namespace {

using testing::http_response;
using testing::RawReply;
using testing::RawRequest;
using testing::RawServer;
using Connections = RawServer::Connections;

constexpr double k_probe_s = 0.3;

RawReply ok(const RawRequest&) { return {http_response(200, "{}")}; }

HttpOptions options_for(const RawServer& server) {
  HttpOptions options;
  options.url = server.url();
  options.connect_timeout_s = 1;
  options.request_timeout_s = 2;
  return options;
}

TEST(ConnectionProbe, AServerWithAThreadPerConnection_ServesThemSideBySide) {
  RawServer server(ok);
  EXPECT_EQ(probe_connection_sharing(options_for(server), k_probe_s), ConnectionSharing::side_by_side);
  EXPECT_EQ(server.connections(), 2);
}

TEST(ConnectionProbe, AServerWithoutThreads_ServesOneAtATime) {
  RawServer server(ok, Connections::one_at_a_time);
  EXPECT_EQ(probe_connection_sharing(options_for(server), k_probe_s), ConnectionSharing::one_at_a_time);
  EXPECT_EQ(server.connections(), 3);  // the third, once the first was closed
}

// A server that says it closes each connection after its answer holds
// nothing open, and the client never reuses what it closes: no harm done.
TEST(ConnectionProbe, AServerClosingEachConnectionAsItSays_IsNotHeldUp) {
  RawServer server(
      [](const RawRequest&) {
        return RawReply{http_response(200, "{}", "Connection: close\r\n"), RawReply::After::close};
      },
      Connections::one_at_a_time);
  EXPECT_EQ(probe_connection_sharing(options_for(server), k_probe_s), ConnectionSharing::side_by_side);
}

// One that closes it without saying so (an HTTP/1.1 answer, no
// `Connection: close`): a request sent as the close arrives would be lost.
TEST(ConnectionProbe, AServerClosingEachConnectionUnannounced_IsFound) {
  RawServer server([](const RawRequest&) { return RawReply{http_response(200, "{}"), RawReply::After::close}; });
  EXPECT_EQ(probe_connection_sharing(options_for(server), k_probe_s), ConnectionSharing::closes_unannounced);
  EXPECT_EQ(server.connections(), 1);
}

TEST(ConnectionProbe, NoAnswerAtAll_CannotTell) {
  RawServer server([](const RawRequest&) { return RawReply{"", RawReply::After::keep, true}; });
  EXPECT_EQ(probe_connection_sharing(options_for(server), k_probe_s), ConnectionSharing::unknown);
  EXPECT_EQ(server.connections(), 1);  // it gave up after the first
}

// Only a second connection that times out points at a server without
// threads; one that is reset says something else about the target.
TEST(ConnectionProbe, ASecondConnectionReset_CannotTell) {
  std::atomic<int> requests{0};
  RawServer server([&](const RawRequest&) {
    return ++requests == 2 ? RawReply{"", RawReply::After::reset} : RawReply{http_response(200, "{}")};
  });
  EXPECT_EQ(probe_connection_sharing(options_for(server), k_probe_s), ConnectionSharing::unknown);
}

TEST(ConnectionProbe, ProbesTheRootUrlsPath) {
  std::mutex mutex;
  std::vector<std::string> paths;
  RawServer server([&](const RawRequest& r) {
    const std::lock_guard lock(mutex);
    paths.push_back(r.path);
    return RawReply{http_response(404, "{}")};  // any answer will do
  });
  HttpOptions options = options_for(server);
  options.url += "/api/root";
  EXPECT_EQ(probe_connection_sharing(options, k_probe_s), ConnectionSharing::side_by_side);
  EXPECT_EQ(paths, (std::vector<std::string>{"/api/root", "/api/root"}));
}

// --- opening a target ------------------------------------------------------------

struct Opened {
  std::string err;          // what open_target said
  std::string description;  // the target's name in reports
};

Opened open_against(const RawServer& server, bool one_connection = false) {
  TargetOptions options;
  options.target = server.url();
  options.http.one_connection = one_connection;
  std::ostringstream err;
  const TargetHandle handle = open_target(options, err);
  return {err.str(), handle.description};
}

TEST(OpenTarget, ATargetServingOneConnectionAtATime_IsToldAndNamedSo) {
  RawServer server(ok, Connections::one_at_a_time);
  const Opened opened = open_against(server);
  EXPECT_EQ(opened.err, "note: " + server.url() +
                            " answered a second connection only once the first was closed: it serves one "
                            "connection at a time, so each request now goes on a connection of its own (as with "
                            "--one-connection)\n");
  EXPECT_EQ(opened.description, server.url() + " (one connection per request)");
}

TEST(OpenTarget, ATargetClosingConnectionsUnannounced_IsToldAndNamedSo) {
  RawServer server([](const RawRequest&) { return RawReply{http_response(404, "{}"), RawReply::After::close}; });
  const Opened opened = open_against(server);
  EXPECT_EQ(opened.err, "note: " + server.url() +
                            " closed the connection after its answer without saying so (Connection: close), so "
                            "each request now goes on a connection of its own (as with --one-connection), never "
                            "into a connection that is closing\n");
  EXPECT_EQ(opened.description, server.url() + " (one connection per request)");
}

TEST(OpenTarget, ATargetServingConnectionsSideBySide_IsLeftAsItIs) {
  RawServer server(ok);
  const Opened opened = open_against(server);
  EXPECT_EQ(opened.err, "");
  EXPECT_EQ(opened.description, server.url());
}

// Asked for, it is not probed for: nothing is sent before the first request.
TEST(OpenTarget, OneConnectionAskedFor_IsNotProbed) {
  RawServer server(ok);
  const Opened opened = open_against(server, true);
  EXPECT_EQ(opened.err, "");
  EXPECT_EQ(opened.description, server.url() + " (one connection per request)");
  EXPECT_EQ(server.connections(), 0);
}

// --- one connection per request ------------------------------------------------------

class OneConnection : public ::testing::TestWithParam<HttpEngine> {};

TEST_P(OneConnection, EachRequestGoesOnAConnectionOfItsOwnAndSaysSo) {
  std::mutex mutex;
  std::vector<std::string> heads;
  RawServer server(
      [&](const RawRequest& r) {
        const std::lock_guard lock(mutex);
        heads.push_back(r.head);
        return RawReply{http_response(200, "{}")};  // the server would keep it alive
      },
      Connections::one_at_a_time);
  HttpOptions options = options_for(server);
  options.engine = GetParam();
  options.one_connection = true;
  HttpClient first(parse_url(server.url()), options), second(parse_url(server.url()), options);
  // Two clients in turn, as two sessions would be: neither holds the server.
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(first.send({"GET", "/a", {}, ""}).response) << i;
    ASSERT_TRUE(second.send({"POST", "/b", {}, "{}"}).response) << i;
  }
  EXPECT_EQ(server.connections(), 4);
  ASSERT_EQ(heads.size(), 4u);
  for (const std::string& head : heads) EXPECT_NE(head.find("Connection: close\r\n"), std::string::npos) << head;
}

INSTANTIATE_TEST_SUITE_P(BothEngines, OneConnection, ::testing::Values(HttpEngine::builtin, HttpEngine::httplib),
                         [](const ::testing::TestParamInfo<HttpEngine>& engine) {
                           return engine.param == HttpEngine::builtin ? "builtin" : "httplib";
                         });

TEST(OneConnection, AConnectionHeaderTheProfileSetsIsNotDoubled) {
  std::string head;
  RawServer server([&](const RawRequest& r) {
    head = r.head;
    return RawReply{http_response(200, "{}")};
  });
  HttpOptions options = options_for(server);
  options.one_connection = true;
  HttpClient client(parse_url(server.url()), options);
  ASSERT_TRUE(client.send({"GET", "/a", {{"Connection", "close"}}, ""}).response);
  EXPECT_EQ(head.find("Connection"), head.rfind("Connection")) << head;
}

TEST(OneConnection, WithoutIt_TheConnectionIsKeptAlive) {
  RawServer server(ok);
  HttpClient client(parse_url(server.url()), options_for(server));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(client.send({"GET", "/a", {}, ""}).response);
  EXPECT_EQ(server.connections(), 1);
}

}  // namespace
}  // namespace authconform::runner
