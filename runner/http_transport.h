// Inside HttpClient: the two ways a request reaches the wire, and the failure
// messages they share, so a target that misbehaves reads the same whichever
// carried the request.
//
// - http:// goes through our own HTTP/1.1 client (http_plain.cpp): one
//   send() and usually one recv() per request, where cpp-httplib's client
//   spends a poll() before every read and write and a std::regex per status
//   line (docs/performance.md). It is a strict reader: what it cannot frame
//   is a target error, never a guess.
// - https:// (and http:// with HttpEngine::httplib) goes through cpp-httplib
//   (http_client.cpp), which brings TLS.
#pragma once

#include "runner/http_client.h"

#include <chrono>
#include <ctime>
#include <memory>
#include <string>
#include <utility>

namespace authconform::runner {

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // `what` ("GET http://host:port/path") starts every failure message.
  virtual HttpResult send(const HttpRequest& request, const std::string& what) = 0;
  // Whether the target, within `seconds`, closes the connection the last
  // answer left open (one it did not say it would close). False when it
  // cannot tell (cpp-httplib keeps its socket to itself).
  virtual bool closes_unannounced(double /*seconds*/) { return false; }
};

std::unique_ptr<HttpTransport> make_plain_transport(const ParsedUrl& origin, const HttpOptions& options);
std::unique_ptr<HttpTransport> make_httplib_transport(const ParsedUrl& origin, const HttpOptions& options);

// A request answered 429 Too Many Requests (RFC 6585: not served, ask again
// later) is sent again after its Retry-After, up to this many times in all;
// a wait is at most k_max_retry_after_s (1 s when Retry-After is absent or a
// date).
inline constexpr int k_rate_limit_attempts = 4;
inline constexpr double k_max_retry_after_s = 5;

// Connect attempts (only a refused or unreachable connect is tried again:
// nothing was sent) and the pauses between them.
inline constexpr int k_connect_attempts = 3;
inline constexpr std::chrono::milliseconds k_connect_backoff[] = {std::chrono::milliseconds(100),
                                                                  std::chrono::milliseconds(250)};

// The most one request may take, its answer included: the request and connect
// timeouts together, so that bytes trickling in forever are cut.
double request_budget_s(const HttpOptions& options);
std::chrono::steady_clock::time_point request_deadline(std::chrono::steady_clock::time_point start,
                                                       const HttpOptions& options);
// Digits only, no sign, no overflow: Content-Length, Retry-After and the like.
std::optional<std::size_t> parse_decimal(std::string_view text);
// `seconds` as whole seconds and microseconds, as socket and cpp-httplib timeouts take them.
std::pair<time_t, long> seconds_and_micros(double seconds);

// What one request saw when it failed, for the messages below.
struct ReadState {
  bool got_head = false;
  HttpResponse head;  // status and headers, once got_head
  std::size_t body_bytes = 0;
  std::optional<std::size_t> declared_length;  // Content-Length, when the head had one
};

// The messages, one per way of failing; each starts with `what`.
namespace http_failure {
HttpFailure cannot_connect(const std::string& what);
HttpFailure connect_timeout(const std::string& what, const HttpOptions& options);
HttpFailure write_failed(const std::string& what);
HttpFailure too_large(const std::string& what, const HttpOptions& options);
// The whole answer took longer than the request and connect timeouts together.
HttpFailure deadline(const std::string& what, const ReadState& state, const HttpOptions& options);
// No byte for the request timeout.
HttpFailure stalled(const std::string& what, const ReadState& state, const HttpOptions& options);
// The connection ended (closed or reset) before the answer was complete.
HttpFailure ended(const std::string& what, const ReadState& state);
// The bytes are not an HTTP/1.x answer that can be framed.
HttpFailure malformed(const std::string& what, const ReadState& state, const std::string& problem);
// Still 429 Too Many Requests after `attempts` tries and `waited_s` of waiting.
HttpFailure rate_limited(const std::string& what, int attempts, double waited_s, const HttpResponse& last);
}  // namespace http_failure

}  // namespace authconform::runner
