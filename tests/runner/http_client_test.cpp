// The HTTP client at the wire: how answers are framed, when a connection is
// reused, and what each malformed answer is called. The builtin engine (our
// own HTTP/1.1 client, the default for http://) is checked against exact
// expectations and, where both can read an answer, against cpp-httplib's.
#include "runner/http_client.h"

#include "tests/utils/raw_server.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>
#include <vector>

namespace authconform::runner {
namespace {

using testing::http_response;
using testing::RawReply;
using testing::RawRequest;
using testing::RawServer;
using Kind = TargetError::Kind;

HttpOptions options_for(const RawServer& server, HttpEngine engine = HttpEngine::builtin) {
  HttpOptions options;
  options.url = server.url();
  options.request_timeout_s = 0.5;
  options.connect_timeout_s = 0.5;
  options.engine = engine;
  return options;
}

HttpRequest get(std::string path = "/x") { return {"GET", std::move(path), {}, ""}; }

HttpResult send_once(const RawReply& reply, HttpEngine engine = HttpEngine::builtin, std::size_t max_body = 1 << 20,
                     HttpRequest request = get()) {
  RawServer server([reply](const RawRequest&) { return reply; });
  HttpOptions options = options_for(server, engine);
  options.max_body_bytes = max_body;
  HttpClient client(parse_url(server.url()), options);
  return client.send(request);
}

std::string header(const HttpResponse& response, const std::string& name) {
  for (const auto& [n, v] : response.headers)
    if (n == name) return v;
  return "(none)";
}

// --- answers both engines read alike -----------------------------------------------

struct Framed {
  const char* name;
  RawReply reply;
  int status;
  std::string body;
};

std::vector<Framed> framed_answers() {
  using After = RawReply::After;
  return {
      {"content_length", {http_response(200, R"({"a":1})")}, 200, R"({"a":1})"},
      {"chunked_with_extension",
       {"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n"},
       201, R"({"a":1})"},
      {"close_delimited", {"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n{\"b\":2}", After::close}, 200, R"({"b":2})"},
      {"no_content", {"HTTP/1.1 204 No Content\r\n\r\n"}, 204, ""},
      {"http_1_0", {"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}", After::close}, 200, "{}"},
      {"interim_100_first", {"HTTP/1.1 100 Continue\r\n\r\n" + http_response(403, "{}")}, 403, "{}"},
      {"header_names_in_any_case", {"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nCONTENT-TYPE: x\r\n\r\n[]"}, 200, "[]"},
  };
}

class HttpClientFraming : public ::testing::TestWithParam<Framed> {};

TEST_P(HttpClientFraming, BothEnginesReadTheSameStatusAndBody) {
  for (HttpEngine engine : {HttpEngine::builtin, HttpEngine::httplib}) {
    const HttpResult result = send_once(GetParam().reply, engine);
    ASSERT_TRUE(result.response) << result.failure->message;
    EXPECT_EQ(result.response->status, GetParam().status);
    EXPECT_EQ(result.response->body, GetParam().body);
  }
}

INSTANTIATE_TEST_SUITE_P(Answers, HttpClientFraming, ::testing::ValuesIn(framed_answers()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

// --- answers only the builtin engine reads (it is the more lenient reader) ---------

TEST(HttpClientBuiltin, BareLineFeedsAFoldedHeaderAndNoReasonPhraseAreRead) {
  const HttpResult result = send_once({"HTTP/1.1 200\nX-Long: a\n b\nContent-Length: 2\n\n{}"});
  ASSERT_TRUE(result.response) << result.failure->message;
  EXPECT_EQ(result.response->status, 200);
  EXPECT_EQ(result.response->body, "{}");
  EXPECT_EQ(header(*result.response, "X-Long"), "a b");
}

TEST(HttpClientBuiltin, ChunkedTrailerFieldsAreReadAndDropped) {
  // cpp-httplib 0.11 refuses trailers; RFC 9112 section 7.1.2 allows them.
  const HttpResult result =
      send_once({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\nT: v\r\n\r\n"});
  ASSERT_TRUE(result.response) << result.failure->message;
  EXPECT_EQ(result.response->body, "{}");
}

TEST(HttpClientBuiltin, AHeadersValueIsTrimmedAndItsNameKeptAsSent) {
  const HttpResult result = send_once({"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nX-Id:\t 42 \r\n\r\n"});
  ASSERT_TRUE(result.response);
  EXPECT_EQ(header(*result.response, "X-Id"), "42");
}

// The body comes out whole however it is framed and however TCP cuts it:
// the head, a chunk size line or the CRLF after a chunk may end any read.
RC_GTEST_PROP(HttpClientBuiltinProperty, ABodyArrivesWholeHoweverItIsFramedAndCut, ()) {
  const std::string body = *rc::gen::container<std::string>(rc::gen::inRange<char>(32, 127));
  const int framing = *rc::gen::inRange(0, 3);  // Content-Length, chunked, to the close
  RawReply reply;
  reply.piece = *rc::gen::inRange<std::size_t>(1, 48);
  if (framing == 0) reply.bytes = http_response(200, body);
  if (framing == 2) reply = {"HTTP/1.1 200 OK\r\n\r\n" + body, RawReply::After::close, false, reply.piece};
  if (framing == 1) {
    reply.bytes = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (std::size_t at = 0; at < body.size();) {
      const auto n = std::min<std::size_t>(*rc::gen::inRange<std::size_t>(1, 20), body.size() - at);
      char size[16];
      std::snprintf(size, sizeof size, "%zx", n);
      reply.bytes += std::string(size) + "\r\n" + body.substr(at, n) + "\r\n";
      at += n;
    }
    reply.bytes += "0\r\n\r\n";
  }
  const HttpResult result = send_once(reply);
  RC_ASSERT(result.response.has_value());
  RC_ASSERT(result.response->body == body);
}

// Whatever bytes come back, the client answers with a response or a failure,
// never a crash or a wait past the close.
RC_GTEST_PROP(HttpClientBuiltinProperty, AnyBytesGiveAResponseOrAFailure, ()) {
  const std::vector<std::string> starts = {"HTTP/1.1 200 OK\r\n", "HTTP/1.0 404 X\n", "HTTP/1.1 100 Continue\r\n\r\n",
                                           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                                           "HTTP/1.1 204 OK\r\nContent-Length: 5\r\n\r\n", ""};
  const auto pieces = *rc::gen::container<std::vector<std::string>>(rc::gen::oneOf(
      rc::gen::element<std::string>("\r\n", "\n", ":", " ", "0", "5", "ff", ";", "Content-Length: ",
                                    "Transfer-Encoding: chunked", "Connection: close", "\r\n\r\n", "HTTP/1.1 "),
      rc::gen::arbitrary<std::string>()));
  std::string bytes = *rc::gen::elementOf(starts);
  for (const std::string& piece : pieces) bytes += piece;
  const HttpResult result = send_once({bytes, RawReply::After::close});
  RC_ASSERT(result.response.has_value() != result.failure.has_value());
  if (result.failure) RC_ASSERT(!result.failure->message.empty());
}

// --- the request on the wire ------------------------------------------------------

TEST(HttpClientBuiltin, TheRequestCarriesHostLengthAndTheGivenHeadersAndBody) {
  std::mutex mutex;
  std::vector<RawRequest> seen;
  RawServer server([&](const RawRequest& r) {
    const std::lock_guard lock(mutex);
    seen.push_back(r);
    return RawReply{http_response(200, "{}")};
  });
  HttpClient client(parse_url(server.url()), options_for(server));
  ASSERT_TRUE(client.send({"POST", "/a?b=1", {{"Content-Type", "application/json"}}, R"({"k":"v"})"}).response);
  ASSERT_TRUE(client.send({"DELETE", "/c", {{"Authorization", "Bearer t"}}, ""}).response);
  ASSERT_TRUE(client.send({"PUT", "/d", {}, ""}).response);
  const std::lock_guard lock(mutex);
  ASSERT_EQ(seen.size(), 3u);
  const std::string port = server.url().substr(server.url().rfind(':') + 1);
  EXPECT_EQ(seen[0].head, "POST /a?b=1 HTTP/1.1\r\nContent-Type: application/json\r\nHost: 127.0.0.1:" + port +
                              "\r\nAccept: */*\r\nUser-Agent: authconform\r\nAccept-Encoding: identity\r\n"
                              "Content-Length: 9\r\n\r\n");
  EXPECT_EQ(seen[0].body, R"({"k":"v"})");
  EXPECT_EQ(seen[1].head.find("Content-Length"), std::string::npos);  // a bodiless DELETE says nothing
  EXPECT_NE(seen[1].head.find("\r\nAuthorization: Bearer t\r\n"), std::string::npos);
  EXPECT_NE(seen[2].head.find("\r\nContent-Length: 0\r\n"), std::string::npos);  // a bodiless PUT says 0
}

// --- connections ---------------------------------------------------------------------

TEST(HttpClientBuiltin, OneConnectionServesRequestsWhileTheTargetKeepsItOpen) {
  RawServer server([](const RawRequest&) { return RawReply{http_response(200, "{}")}; });
  HttpClient client(parse_url(server.url()), options_for(server));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(client.send(get()).response);
  EXPECT_EQ(server.connections(), 1);
}

TEST(HttpClientBuiltin, ConnectionCloseAndHttp10OpenANewConnectionForTheNextRequest) {
  std::atomic<int> n{0};
  RawServer server([&n](const RawRequest&) {
    const int k = ++n;
    return k % 2 ? RawReply{http_response(200, "{}", "Connection: close\r\n"), RawReply::After::close}
                 : RawReply{"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}", RawReply::After::close};
  });
  HttpClient client(parse_url(server.url()), options_for(server));
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(client.send(get()).response) << i;
  EXPECT_EQ(server.connections(), 4);
}

TEST(HttpClientBuiltin, AConnectionTheTargetClosedWhileIdleIsNotUsedAgain) {
  // The target closes after each answer without saying so (an idle timeout
  // that struck between two requests): the next request goes on a new one.
  RawServer server([](const RawRequest&) { return RawReply{http_response(200, "{}"), RawReply::After::close}; });
  HttpClient client(parse_url(server.url()), options_for(server));
  for (int i = 0; i < 3; ++i) {
    const HttpResult result = client.send(get());
    ASSERT_TRUE(result.response) << i << ": " << result.failure->message;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the close arrives
  }
  EXPECT_EQ(server.connections(), 3);
}

// The second request finds its kept-alive connection closed by the target
// with no answer (as when its idle timeout races the request).
RawServer::Script closes_second_request(std::atomic<int>& n) {
  return [&n](const RawRequest&) {
    return ++n == 2 ? RawReply{"", RawReply::After::close} : RawReply{http_response(200, "{}")};
  };
}

TEST(HttpClientBuiltin, ASafeRequestMetByAClosedKeptAliveConnectionIsSentAgainOnANewOne) {
  std::atomic<int> n{0};
  RawServer server(closes_second_request(n));
  HttpClient client(parse_url(server.url()), options_for(server));
  ASSERT_TRUE(client.send(get()).response);
  const HttpResult second = client.send(get());
  ASSERT_TRUE(second.response) << second.failure->message;
  EXPECT_EQ(n.load(), 3);
  EXPECT_EQ(server.connections(), 2);
}

TEST(HttpClientBuiltin, APostMetByAClosedKeptAliveConnectionIsNotSentTwice) {
  std::atomic<int> n{0};
  RawServer server(closes_second_request(n));
  HttpClient client(parse_url(server.url()), options_for(server));
  const HttpRequest post{"POST", "/tokens", {}, "{}"};
  ASSERT_TRUE(client.send(post).response);
  const HttpResult second = client.send(post);
  ASSERT_TRUE(second.failure);
  EXPECT_EQ(second.failure->kind, Kind::connection_reset);
  EXPECT_EQ(n.load(), 2);  // the target may have acted on it: it is not sent again
}

TEST(HttpClientBuiltin, ARefusedConnectionIsUnreachableAfterThreeAttempts) {
  int port = 0;
  {
    RawServer gone([](const RawRequest&) { return RawReply{}; });
    port = std::stoi(gone.url().substr(gone.url().rfind(':') + 1));
  }
  HttpOptions options;
  options.url = "http://127.0.0.1:" + std::to_string(port);
  HttpClient client(parse_url(options.url), options);
  const HttpResult result = client.send(get("/p"));
  ASSERT_TRUE(result.failure);
  EXPECT_EQ(result.failure->kind, Kind::unreachable);
  EXPECT_EQ(result.failure->message, "GET " + options.url +
                                         "/p: cannot connect (connection refused or host unreachable) after 3 attempts");
}

// --- answers that cannot be framed ------------------------------------------------

struct Broken {
  const char* name;
  RawReply reply;
  Kind kind;
  std::string message;  // after "GET http://127.0.0.1:PORT/x: "
};

std::vector<Broken> broken_answers() {
  using After = RawReply::After;
  const std::string big_head = "HTTP/1.1 200 OK\r\nX: " + std::string(70 * 1024, 'h') + "\r\n\r\n";
  return {
      {"not_http", {"<html>hello</html>\r\n\r\n", After::close}, Kind::protocol,
       "the answer is not valid HTTP/1.1: the status line is '<html>hello</html>'"},
      {"bad_content_length", {"HTTP/1.1 200 OK\r\nContent-Length: 12abc\r\n\r\n{}"}, Kind::protocol,
       "the answer is not valid HTTP/1.1: Content-Length '12abc' is not a number"},
      {"two_content_lengths", {"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}"}, Kind::protocol,
       "the answer is not valid HTTP/1.1: two different Content-Length values"},
      {"bad_chunk_size", {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"}, Kind::protocol,
       "the answer is not valid HTTP/1.1: the chunk size line is 'zz'"},
      {"chunk_longer_than_said", {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n{}\r\n0\r\n\r\n"},
       Kind::protocol, "the answer is not valid HTTP/1.1: a chunk is longer than its size line says"},
      {"unframeable_encoding", {"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n{}"}, Kind::protocol,
       "the answer is not valid HTTP/1.1: Transfer-Encoding 'gzip' is not chunked, so the body cannot be framed"},
      {"header_without_colon", {"HTTP/1.1 200 OK\r\nno colon here\r\nContent-Length: 0\r\n\r\n"}, Kind::protocol,
       "the answer is not valid HTTP/1.1: the header line 'no colon here' has no 'name:'"},
      {"head_too_large", {big_head}, Kind::protocol,
       "the answer is not valid HTTP/1.1: the response head is larger than 65536 bytes"},
      {"switching_protocols", {"HTTP/1.1 101 Switching Protocols\r\n\r\n"}, Kind::protocol,
       "the answer is not valid HTTP/1.1: it switched protocols (101), which a request of this client never asks for"},
      {"chunked_cut_short", {"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{\"a\"", After::close},
       Kind::connection_reset, "the connection was closed or reset after 4 bytes of the body"},
      {"reset_before_head", {"HTTP/1.1 200 OK\r\nContent-", After::reset}, Kind::connection_reset,
       "the connection was closed or reset before a complete response head (or the head was not HTTP)"},
      {"truncated", {"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"tickets\"", After::close}, Kind::protocol,
       "truncated body: the connection ended after 10 of the 100 bytes its Content-Length announced"},
      {"stall", {"", After::keep, true}, Kind::timeout, "no response within 0.5 s"},
      {"body_stalls", {"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"tickets\"", After::hold}, Kind::timeout,
       "the body stalled after 10 bytes (nothing for 0.5 s)"},
  };
}

class HttpClientBroken : public ::testing::TestWithParam<Broken> {};

TEST_P(HttpClientBroken, IsATargetErrorThatSaysWhatWasWrong) {
  RawServer server([reply = GetParam().reply](const RawRequest&) { return reply; });
  HttpClient client(parse_url(server.url()), options_for(server));
  const HttpResult result = client.send(get());
  ASSERT_TRUE(result.failure) << "status " << result.response->status;
  EXPECT_EQ(result.failure->kind, GetParam().kind);
  EXPECT_EQ(result.failure->message, "GET " + server.url() + "/x: " + GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(Answers, HttpClientBroken, ::testing::ValuesIn(broken_answers()),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

TEST(HttpClientBuiltin, AfterABrokenAnswerTheNextRequestStartsAFreshConnection) {
  std::atomic<int> n{0};
  RawServer server([&n](const RawRequest&) {
    return ++n == 1 ? RawReply{"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n"} : RawReply{http_response(200, "{}")};
  });
  HttpClient client(parse_url(server.url()), options_for(server));
  EXPECT_TRUE(client.send(get()).failure);
  const HttpResult second = client.send(get());
  ASSERT_TRUE(second.response) << second.failure->message;
  EXPECT_EQ(server.connections(), 2);
}

TEST(HttpClientBuiltin, BodiesOverTheLimitAreRefusedHoweverTheyAreFramed) {
  const std::string big = std::string(2000, 'x');
  const std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n7d0\r\n" + big + "\r\n0\r\n\r\n";
  for (const RawReply& reply : {RawReply{http_response(200, big)}, RawReply{chunked},
                                RawReply{"HTTP/1.1 200 OK\r\n\r\n" + big, RawReply::After::close}}) {
    const HttpResult result = send_once(reply, HttpEngine::builtin, 1024);
    ASSERT_TRUE(result.failure);
    EXPECT_EQ(result.failure->kind, Kind::too_large) << result.failure->message;
  }
}

TEST(HttpClientBuiltin, AFailureAfterTheHeadKeepsTheStatusForTheReport) {
  const HttpResult result = send_once({"HTTP/1.1 201 OK\r\nContent-Length: 100\r\n\r\n{", RawReply::After::close});
  ASSERT_TRUE(result.failure);
  ASSERT_TRUE(result.failure->partial);
  EXPECT_EQ(result.failure->partial->status, 201);
}

// --- 429 Too Many Requests ------------------------------------------------------

// RFC 6585: a 429 was not served, so even a POST is sent again after
// Retry-After, by both engines.
TEST(HttpClientRateLimit, A429IsSentAgainAfterRetryAfterUntilServed) {
  for (HttpEngine engine : {HttpEngine::builtin, HttpEngine::httplib}) {
    std::atomic<int> requests{0};
    RawServer server([&](const RawRequest&) {
      return ++requests < 3 ? RawReply{http_response(429, "{}", "Retry-After: 0\r\n")} : RawReply{http_response(201, "{}")};
    });
    HttpClient client(parse_url(server.url()), options_for(server, engine));
    const HttpResult result = client.send({"POST", "/x", {}, "{}"});
    ASSERT_TRUE(result.response);
    EXPECT_EQ(result.response->status, 201);
    EXPECT_EQ(requests.load(), 3);
  }
}

// A target that keeps limiting is a target error (inconclusive), never an
// answer compared with the model.
TEST(HttpClientRateLimit, StillLimitingAfterFourTries_IsATargetErrorThatSaysSo) {
  std::atomic<int> requests{0};
  RawServer server([&](const RawRequest&) {
    ++requests;
    return RawReply{http_response(429, "{}", "Retry-After: 0\r\n")};
  });
  HttpClient client(parse_url(server.url()), options_for(server));
  const HttpResult result = client.send({"POST", "/x", {}, "{}"});
  ASSERT_TRUE(result.failure);
  EXPECT_EQ(result.failure->kind, Kind::timeout);
  EXPECT_EQ(result.failure->message, "POST " + server.url() +
                                         "/x: answered 429 Too Many Requests 4 times (0 s waited as Retry-After "
                                         "asked): the target is limiting the rate of requests; run with fewer "
                                         "--jobs, or raise its limit");
  ASSERT_TRUE(result.failure->partial);
  EXPECT_EQ(result.failure->partial->status, 429);
  EXPECT_EQ(requests.load(), 4);
}

// A 503 with Retry-After (overload or maintenance) was not served either; a
// 503 without it is the answer of a failing target, returned as it is.
TEST(HttpClientRateLimit, A503WithRetryAfterIsSentAgain_WithoutItIsReturned) {
  std::atomic<int> requests{0};
  RawServer server([&](const RawRequest& r) {
    ++requests;
    if (r.head.rfind("GET /plain ", 0) == 0) return RawReply{http_response(503, "{}")};
    return requests < 3 ? RawReply{http_response(503, "{}", "Retry-After: 0\r\n")} : RawReply{http_response(200, "{}")};
  });
  HttpClient client(parse_url(server.url()), options_for(server));
  const HttpResult served = client.send({"PUT", "/x", {}, "{}"});
  ASSERT_TRUE(served.response);
  EXPECT_EQ(served.response->status, 200);
  EXPECT_EQ(requests.load(), 3);
  const HttpResult failing = client.send({"GET", "/plain", {}, ""});
  ASSERT_TRUE(failing.response);
  EXPECT_EQ(failing.response->status, 503);
  EXPECT_EQ(requests.load(), 4);
}

TEST(HttpClientRateLimit, StillUnavailableAfterFourTries_IsATargetErrorThatSaysSo) {
  RawServer server([&](const RawRequest&) { return RawReply{http_response(503, "{}", "Retry-After: 0\r\n")}; });
  HttpClient client(parse_url(server.url()), options_for(server));
  const HttpResult result = client.send({"POST", "/x", {}, "{}"});
  ASSERT_TRUE(result.failure);
  EXPECT_EQ(result.failure->kind, Kind::timeout);
  EXPECT_EQ(result.failure->message, "POST " + server.url() +
                                         "/x: answered 503 Service Unavailable 4 times (0 s waited as Retry-After "
                                         "asked): the target says it cannot serve requests now; run again when it can");
}

}  // namespace
}  // namespace authconform::runner
