#include "runner/http_client.h"

#include "runner/http_transport.h"
#include "runner/http_io_thread.h"

#include "model/header.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace authconform::runner {
namespace {

using Clock = std::chrono::steady_clock;

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

[[noreturn]] void bad_url(std::string_view url, const std::string& why) {
  throw std::invalid_argument("invalid URL '" + std::string(url) + "': " + why);
}

int parse_port(std::string_view url, std::string_view text) {
  if (text.empty() || text.size() > 5 ||
      text.find_first_not_of("0123456789") != std::string_view::npos)
    bad_url(url, "the port must be a number from 1 to 65535");
  const int port = std::stoi(std::string(text));
  if (port < 1 || port > 65535) bad_url(url, "the port must be a number from 1 to 65535");
  return port;
}

// host[:port] or [v6]:port into `out`.
void parse_authority(std::string_view url, std::string_view authority, ParsedUrl& out) {
  if (authority.find('@') != std::string_view::npos)
    bad_url(url, "credentials in the URL are not supported");
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) bad_url(url, "an IPv6 address needs a closing ']'");
    out.host = std::string(authority.substr(1, close - 1));
    const std::string_view rest = authority.substr(close + 1);
    if (!rest.empty() && rest.front() != ':') bad_url(url, "unexpected text after ']'");
    if (!rest.empty()) port_text = rest.substr(1);
    if (!rest.empty() && port_text.empty()) bad_url(url, "the port is empty");
  } else {
    const auto colon = authority.find(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) bad_url(url, "the port is empty");
    }
  }
  if (out.host.empty()) bad_url(url, "the host is missing");
  out.port = port_text.empty() ? (out.scheme == "https" ? 443 : 80) : parse_port(url, port_text);
}


// What one attempt saw, filled by httplib's callbacks.
struct Progress {
  ReadState state;  // state.head.headers collects the headers; the body goes to `body`
  std::string body;
  bool too_large = false;
  bool deadline_passed = false;
};

// Bounds a whole request, head included: httplib's read timeout restarts with
// every byte, so a target that trickles its answer would never time out.
// While a request is armed, one thread waits for its deadline and then cuts
// the connection (httplib's Client::stop(), made for another thread), which
// ends the blocked read. The thread starts with the first request and is
// joined by the destructor, so no thread outlives the client.
class Watchdog {
 public:
  explicit Watchdog(httplib::Client& client) : m_client(client) {}
  ~Watchdog() {
    {
      const std::lock_guard lock(m_mutex);
      m_closing = true;
    }
    m_wake.notify_all();
    if (m_thread.joinable()) m_thread.join();
  }
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // Wakes the watcher only when it sleeps past `deadline` (or without one):
  // with a fixed request timeout each deadline is later than the one it
  // sleeps toward, so a stream of requests costs no thread switch each.
  void arm(Clock::time_point deadline) {
    const std::lock_guard lock(m_mutex);
    if (!m_thread.joinable()) m_thread = std::thread([this] { watch(); });
    m_deadline = deadline;
    m_fired = false;
    if (!m_sleeping_until || deadline < *m_sleeping_until) m_wake.notify_one();
  }
  // Ends the watch; true when the deadline passed and the connection was cut.
  bool disarm() {
    const std::lock_guard lock(m_mutex);
    m_deadline.reset();
    return m_fired;
  }

 private:
  // Sleeps toward the deadline it saw last, then looks again: the request may
  // have ended (disarmed) or a later one been armed meanwhile.
  void watch() {
    std::unique_lock lock(m_mutex);
    while (!m_closing) {
      if (!m_deadline) {
        m_sleeping_until.reset();
        m_wake.wait(lock);
        continue;
      }
      if (Clock::now() < *m_deadline) {
        m_sleeping_until = *m_deadline;
        m_wake.wait_until(lock, *m_sleeping_until);
        continue;
      }
      m_fired = true;
      m_deadline.reset();
      m_client.stop();
    }
  }

  httplib::Client& m_client;
  std::mutex m_mutex;  // guards what follows
  std::condition_variable m_wake;
  std::optional<Clock::time_point> m_deadline;
  std::optional<Clock::time_point> m_sleeping_until;  // the watcher's wake-up, while it sleeps toward one
  bool m_fired = false;
  bool m_closing = false;
  std::thread m_thread;
};

}  // namespace

std::string ParsedUrl::origin() const {
  const bool v6 = host.find(':') != std::string::npos;
  return scheme + "://" + (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

ParsedUrl parse_url(std::string_view url) {
  ParsedUrl out;
  const auto sep = url.find("://");
  if (sep == std::string_view::npos) bad_url(url, "it must start with http:// or https://");
  out.scheme = lower(url.substr(0, sep));
  if (out.scheme != "http" && out.scheme != "https")
    bad_url(url, "the scheme must be http or https, not '" + out.scheme + "'");
  const std::string_view rest = url.substr(sep + 3);
  const auto path_start = rest.find_first_of("/?#");
  parse_authority(url, rest.substr(0, path_start), out);
  if (path_start == std::string_view::npos) return out;
  const std::string_view path = rest.substr(path_start);
  if (path.find_first_of("?#") != std::string_view::npos)
    bad_url(url, "a base URL cannot have a query or a fragment");
  out.prefix = std::string(path);
  while (!out.prefix.empty() && out.prefix.back() == '/') out.prefix.pop_back();
  return out;
}

ParsedUrl resolve_url(const ParsedUrl& base, std::string_view reference) {
  const std::string scheme = lower(reference.substr(0, 8));
  if (scheme.rfind("http://", 0) == 0 || scheme.rfind("https://", 0) == 0) return parse_url(reference);
  if (reference.find_first_of("?#") != std::string_view::npos)
    bad_url(reference, "a base URL cannot have a query or a fragment");
  ParsedUrl out = base;
  if (reference.empty()) return out;
  out.prefix = reference.front() == '/' ? std::string(reference) : base.prefix + "/" + std::string(reference);
  while (!out.prefix.empty() && out.prefix.back() == '/') out.prefix.pop_back();
  return out;
}

// --- what both transports share ----------------------------------------------

double request_budget_s(const HttpOptions& options) { return options.request_timeout_s + options.connect_timeout_s; }

std::chrono::steady_clock::time_point request_deadline(std::chrono::steady_clock::time_point start,
                                                       const HttpOptions& options) {
  return start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(request_budget_s(options)));
}

std::pair<time_t, long> seconds_and_micros(double seconds) {
  const auto micros = static_cast<long long>(seconds * 1e6);
  return {static_cast<time_t>(micros / 1000000), static_cast<long>(micros % 1000000)};
}

const std::string* find_header(const HeaderList& headers, std::string_view name) {
  for (const auto& [header, value] : headers)
    if (model::iequals_ascii(header, name)) return &value;
  return nullptr;
}

std::optional<std::size_t> parse_decimal(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  std::size_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::size_t>(c - '0');
  }
  return value;
}

namespace http_failure {

using K = TargetError::Kind;

namespace {
// "0.5 s"
std::string format_seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", seconds);
  return text;
}

std::optional<HttpResponse> partial_of(const ReadState& state) {
  if (!state.got_head) return std::nullopt;
  return state.head;
}
}  // namespace

HttpFailure cannot_connect(const std::string& what) {
  return {K::unreachable, what + ": cannot connect (connection refused or host unreachable) after " +
                              std::to_string(k_connect_attempts) + " attempts", {}};
}

HttpFailure connect_timeout(const std::string& what, const HttpOptions& options) {
  return {K::timeout, what + ": connecting timed out after " + format_seconds(options.connect_timeout_s), {}};
}

HttpFailure write_failed(const std::string& what) {
  return {K::connection_reset, what + ": the connection closed while the request was sent", {}};
}

HttpFailure too_large(const std::string& what, const HttpOptions& options) {
  return {K::too_large, what + ": the response body is larger than " + std::to_string(options.max_body_bytes) +
                            " bytes (--max-body); reading stopped", {}};
}

HttpFailure deadline(const std::string& what, const ReadState& state, const HttpOptions& options) {
  const std::string where = state.got_head ? "after " + std::to_string(state.body_bytes) + " bytes of the body"
                                           : "before the response head was complete";
  return {K::timeout, what + ": the response did not complete within " + format_seconds(request_budget_s(options)) +
                          " (the request and connect timeouts together): it was still arriving, too slowly, " +
                          where, partial_of(state)};
}

HttpFailure stalled(const std::string& what, const ReadState& state, const HttpOptions& options) {
  const std::string timeout = format_seconds(options.request_timeout_s);
  if (!state.got_head) return {K::timeout, what + ": no response within " + timeout, {}};
  return {K::timeout, what + ": the body stalled after " + std::to_string(state.body_bytes) + " bytes (nothing for " +
                          timeout + ")", partial_of(state)};
}

HttpFailure ended(const std::string& what, const ReadState& state) {
  if (!state.got_head)
    return {K::connection_reset, what + ": the connection was closed or reset before a complete "
                                        "response head (or the head was not HTTP)", {}};
  const std::string got = std::to_string(state.body_bytes);
  if (state.declared_length)
    return {K::protocol, what + ": truncated body: the connection ended after " + got + " of the " +
                             std::to_string(*state.declared_length) + " bytes its Content-Length announced",
            partial_of(state)};
  return {K::connection_reset, what + ": the connection was closed or reset after " + got + " bytes of the body",
          partial_of(state)};
}

HttpFailure malformed(const std::string& what, const ReadState& state, const std::string& problem) {
  return {K::protocol, what + ": the answer is not valid HTTP/1.1: " + problem, partial_of(state)};
}

HttpFailure rate_limited(const std::string& what, int attempts, double waited_s, const HttpResponse& last) {
  const std::string times = " " + std::to_string(attempts) + " times (" + format_seconds(waited_s) +
                            " waited as Retry-After asked): ";
  if (last.status == 503)
    return {K::timeout, what + ": answered 503 Service Unavailable" + times + "the target says it cannot serve "
                            "requests now; run again when it can",
            last};
  return {K::timeout, what + ": answered 429 Too Many Requests" + times + "the target is limiting the "
                          "rate of requests; run with fewer --jobs, or raise its limit",
          last};
}

}  // namespace http_failure

// --- cpp-httplib: HTTPS, and http:// on request ------------------------------

namespace {

class HttplibTransport final : public HttpTransport {
 public:
  HttplibTransport(const ParsedUrl& origin, const HttpOptions& o) : m_options(o), m_client(origin.origin()) {
    m_client.set_keep_alive(!o.one_connection);
    m_client.set_tcp_nodelay(true);
    m_client.set_follow_location(false);
    const auto [cs, cu] = seconds_and_micros(o.connect_timeout_s);
    m_client.set_connection_timeout(cs, cu);
    const auto [rs, ru] = seconds_and_micros(o.request_timeout_s);
    m_client.set_read_timeout(rs, ru);
    m_client.set_write_timeout(rs, ru);
    if (origin.scheme == "https") {
      m_client.enable_server_certificate_verification(!o.insecure);
      if (!o.ca_file.empty()) m_client.set_ca_cert_path(o.ca_file);
    }
  }

  HttpResult send(const HttpRequest& request, const std::string& what) override;

 private:
  httplib::Request build(const HttpRequest& request, Progress& progress, Clock::time_point deadline);
  HttpFailure failure(httplib::Error error, const Progress& progress, double elapsed_s,
                      const std::string& what) const;

  HttpOptions m_options;
  httplib::Client m_client;
  Watchdog m_watchdog{m_client};  // declared after `m_client`: stopped before it goes
};

httplib::Request HttplibTransport::build(const HttpRequest& request, Progress& progress,
                                         Clock::time_point deadline) {
  httplib::Request req;
  req.method = request.method;
  req.path = request.path;
  for (const auto& [name, value] : request.headers) req.headers.emplace(name, value);
  req.body = request.body;
  const std::size_t limit = m_options.max_body_bytes;
  req.response_handler = [&progress, limit](const httplib::Response& r) {
    ReadState& state = progress.state;
    state.got_head = true;
    state.head.status = r.status;
    for (const auto& [name, value] : r.headers) state.head.headers.emplace_back(name, value);
    if (r.has_header("Content-Length") && !r.has_header("Content-Encoding")) {
      try {
        state.declared_length = std::stoull(r.get_header_value("Content-Length"));
      } catch (const std::exception&) {
        state.declared_length.reset();
      }
    }
    // Refuse before reading when the target announces too much.
    if (state.declared_length && *state.declared_length > limit) progress.too_large = true;
    return !progress.too_large;
  };
  req.content_receiver = [&progress, limit, deadline](const char* data, std::size_t n,
                                                      std::uint64_t, std::uint64_t) {
    if (progress.body.size() + n > limit) {
      progress.too_large = true;
      return false;
    }
    progress.body.append(data, n);
    progress.state.body_bytes = progress.body.size();
    // A body that trickles in resets the read timeout with every byte: the
    // deadline bounds the whole request.
    if (Clock::now() > deadline) progress.deadline_passed = true;
    return !progress.deadline_passed;
  };
  return req;
}

HttpFailure HttplibTransport::failure(httplib::Error error, const Progress& progress, double elapsed_s,
                                      const std::string& what) const {
  using E = httplib::Error;
  using K = TargetError::Kind;
  // The watchdog cut the connection: whatever httplib says, it was the deadline.
  if (progress.deadline_passed && !progress.too_large) return http_failure::deadline(what, progress.state, m_options);
  switch (error) {
    case E::Connection:
      return http_failure::cannot_connect(what);
    case E::ConnectionTimeout:
      return http_failure::connect_timeout(what, m_options);
    case E::SSLConnection:
      return {K::unreachable, what + ": the TLS handshake failed (is it an HTTPS server?)", {}};
    case E::SSLServerVerification:
      return {K::unreachable, what + ": the server's TLS certificate did not verify (give --ca-file "
                                     "with its CA; --insecure skips the check, for testing only)", {}};
    case E::SSLLoadingCerts:
      return {K::unreachable, what + ": cannot load the CA certificates '" + m_options.ca_file + "'", {}};
    case E::Write:
      return http_failure::write_failed(what);
    case E::Compression:
      return {K::protocol, what + ": the response body could not be decompressed", {}};
    case E::Canceled:
      if (progress.too_large) return http_failure::too_large(what, m_options);
      return http_failure::deadline(what, progress.state, m_options);
    case E::Read:
      // httplib reports a read timeout and a closed connection alike; the
      // time taken tells them apart.
      if (elapsed_s >= 0.9 * m_options.request_timeout_s) return http_failure::stalled(what, progress.state, m_options);
      return http_failure::ended(what, progress.state);
    default:
      return {K::unreachable, what + ": " + httplib::to_string(error), {}};
  }
}

HttpResult HttplibTransport::send(const HttpRequest& request, const std::string& what) {
  const auto start = Clock::now();
  for (int attempt = 1;; ++attempt) {
    Progress progress;
    const auto attempt_start = Clock::now();
    const auto deadline = request_deadline(attempt_start, m_options);
    httplib::Request req = build(request, progress, deadline);
    httplib::Response res;
    httplib::Error error = httplib::Error::Success;
    m_watchdog.arm(deadline);
    const bool sent = m_client.send(req, res, error);
    if (m_watchdog.disarm() && !sent) progress.deadline_passed = true;
    HttpResult result;
    result.elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    if (sent) {
      result.response = HttpResponse{res.status, std::move(progress.state.head.headers), std::move(progress.body)};
      return result;
    }
    // Nothing was sent when the connect failed, so trying again is safe.
    if (error == httplib::Error::Connection && attempt < k_connect_attempts && !progress.deadline_passed) {
      std::this_thread::sleep_for(k_connect_backoff[attempt - 1]);
      continue;
    }
    const double attempt_s = std::chrono::duration<double>(Clock::now() - attempt_start).count();
    result.failure = failure(error, progress, attempt_s, what);
    return result;
  }
}

}  // namespace

std::unique_ptr<HttpTransport> make_httplib_transport(const ParsedUrl& origin, const HttpOptions& options) {
  return std::make_unique<HttplibTransport>(origin, options);
}

// --- the client ---------------------------------------------------------------

HttpClient::HttpClient(ParsedUrl origin, const HttpOptions& options)
    : m_origin(std::move(origin)),
      m_origin_text(m_origin.origin()),
      m_transport(m_origin.scheme == "http" && options.engine == HttpEngine::builtin
                      ? make_plain_transport(m_origin, options)
                      : make_httplib_transport(m_origin, options)) {}

HttpClient::~HttpClient() = default;

namespace {

// Retry-After in seconds (RFC 9110 §10.2.3), capped; 1 s when it is absent
// or an HTTP date.
double retry_after_s(const HttpResponse& response) {
  const std::string* value = find_header(response.headers, "Retry-After");
  const auto seconds = value ? parse_decimal(*value) : std::nullopt;
  return seconds ? std::min(static_cast<double>(*seconds), k_max_retry_after_s) : 1.0;
}

// A 429, or a 503 with Retry-After (RFC 9110 §15.6.4: overload or
// maintenance, for that long): the request was not served. A 503 without it
// is a failing target.
bool not_served(const HttpResponse& response) {
  return response.status == 429 || (response.status == 503 && find_header(response.headers, "Retry-After"));
}

}  // namespace

// An answer that says the request was not served (not_served) is sent again
// (even a POST), after Retry-After, and a target still not serving it is a
// target error, never an answer to compare.
HttpResult HttpClient::send_now(const HttpRequest& request) {
  const std::string what = request.method + " " + m_origin_text + request.path;
  double waited_s = 0;
  for (int attempt = 1;; ++attempt) {
    HttpResult result = m_transport->send(request, what);
    if (!result.response || !not_served(*result.response)) return result;
    if (attempt == k_rate_limit_attempts)
      return {std::nullopt, http_failure::rate_limited(what, attempt, waited_s, *result.response), result.elapsed_ms};
    const double wait_s = retry_after_s(*result.response);
    std::this_thread::sleep_for(std::chrono::duration<double>(wait_s));
    waited_s += wait_s;
  }
}

bool HttpClient::closes_unannounced(double seconds) { return m_transport->closes_unannounced(seconds); }

HttpResult HttpClient::send(const HttpRequest& request) {
  // start + finish would hand back the oldest outstanding answer, not this one's.
  if (!m_queued.empty() || (m_io && m_io->outstanding() > 0))
    throw std::logic_error("HttpClient::send: requests are outstanding (finish or drop them first)");
  if (!m_io) return send_now(request);
  start(request);
  return finish();
}

void HttpClient::start(HttpRequest request) {
  if (m_io) m_io->post(std::move(request));
  else m_queued.push_back(std::move(request));
}

HttpResult HttpClient::finish() {
  if (m_io) return m_io->take();
  const HttpRequest request = std::move(m_queued.front());
  m_queued.erase(m_queued.begin());
  return send_now(request);
}

void HttpClient::drop_outstanding() {
  while (m_io && m_io->outstanding() > 0) (void)m_io->take();
  m_queued.clear();
}

void HttpClient::overlap_io(bool on) {
  if (on == static_cast<bool>(m_io)) return;
  if (!on) {
    m_io.reset();
    return;
  }
  m_io = std::make_unique<HttpIoThread>([this](const HttpRequest& request) { return send_now(request); });
}

}  // namespace authconform::runner
