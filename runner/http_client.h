// One persistent HTTP/1.1 (or HTTPS) connection to one origin, with the
// limits a checker needs against a target that misbehaves: connect and read
// timeouts, a total deadline, a cap on the body, and failures told apart
// (refused, timed out, reset, truncated, too large, not HTTP). Only a failed
// connect is retried. http:// goes through our own HTTP/1.1 client, https://
// through cpp-httplib (http_transport.h says why).
#pragma once

#include "runner/target.h"

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace authconform::runner {

// Who carries plain http:// requests: our own client (the default, fast) or
// cpp-httplib (as https:// always is; for comparison and as a fallback).
enum class HttpEngine { builtin, httplib };

struct HttpOptions {
  std::string url;  // target root, http:// or https://
  double connect_timeout_s = 5, request_timeout_s = 10;
  std::size_t max_body_bytes = 1 << 20;
  std::string ca_file;
  bool insecure = false;  // HTTPS verification is on unless this is set
  HttpEngine engine = HttpEngine::builtin;  // for http:// only
  // Each request on a connection of its own, closed after the answer
  // (`Connection: close`): for a target that serves one connection at a time,
  // which an idle kept-alive connection would hold, or that closes
  // connections without saying so (connection_probe.h).
  bool one_connection = false;
};

// An absolute http(s) URL taken apart. `prefix` is the path without a
// trailing '/' ("" for the root).
struct ParsedUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // without brackets for IPv6
  int port = 0;
  std::string prefix;

  std::string origin() const;  // "http://host:port"
  std::string text() const { return origin() + prefix; }
};

// Throws std::invalid_argument naming the URL and what is wrong with it.
ParsedUrl parse_url(std::string_view url);
// `reference` as an absolute URL: itself when absolute, else relative to the
// origin of `base` ("/x") or to `base` itself ("x").
ParsedUrl resolve_url(const ParsedUrl& base, std::string_view reference);

using HeaderList = std::vector<std::pair<std::string, std::string>>;
// The value of the first header named `name` (in any case), or nullptr.
const std::string* find_header(const HeaderList& headers, std::string_view name);

struct HttpRequest {
  std::string method;
  std::string path;  // absolute path on the origin, query included
  HeaderList headers;
  std::string body;  // sent when not empty, with the Content-Type of `headers`
};

struct HttpResponse {
  int status = 0;
  HeaderList headers;
  std::string body;
};

// What went wrong, as a value: the caller adds the exchange and throws.
struct HttpFailure {
  TargetError::Kind kind = TargetError::Kind::protocol;
  std::string message;  // names the URL and what happened
  std::optional<HttpResponse> partial;  // status and headers when they arrived
};

struct HttpResult {
  std::optional<HttpResponse> response;  // set exactly when `failure` is not
  std::optional<HttpFailure> failure;
  double elapsed_ms = 0;
};

class HttpTransport;  // http_transport.h
class HttpIoThread;   // http_io_thread.h

class HttpClient {
 public:
  // Connects lazily on the first request and keeps the connection alive.
  HttpClient(ParsedUrl origin, const HttpOptions& options);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // One request and its answer; only with nothing outstanding (below), else
  // std::logic_error.
  HttpResult send(const HttpRequest& request);

  // Requests in two halves, so that the caller can work while one is on the
  // wire: start() queues a request (at most two outstanding), finish() gives
  // the result of the oldest, in order. With overlap_io on, a thread of this
  // client sends them (the second right after the first's answer);
  // otherwise finish() sends the oldest itself.
  void start(HttpRequest request);
  HttpResult finish();
  // Gives up what is outstanding: answers already asked for are read and
  // dropped (the connection stays in step), requests not sent are not sent.
  void drop_outstanding();
  // Starts or stops the I/O thread. Only with nothing outstanding.
  void overlap_io(bool on);
  // HttpTransport::closes_unannounced, for the connection the last send left open.
  bool closes_unannounced(double seconds);
  const ParsedUrl& origin() const { return m_origin; }
  const std::string& origin_text() const { return m_origin_text; }  // origin().origin(), computed once

 private:
  HttpResult send_now(const HttpRequest& request);  // on this thread

  ParsedUrl m_origin;
  std::string m_origin_text;  // m_origin.origin(), for messages
  std::unique_ptr<HttpTransport> m_transport;
  std::unique_ptr<HttpIoThread> m_io;   // while overlap_io is on
  std::vector<HttpRequest> m_queued;    // started and not yet sent, without m_io
};

}  // namespace authconform::runner
