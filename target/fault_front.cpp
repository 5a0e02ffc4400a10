#include "target/fault_front.h"

#include <httplib.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <stdexcept>
#include <thread>
#include <utility>
#include <vector>

namespace authconform::target {
namespace {

using namespace std::chrono_literals;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

// A pool fixed at start(): the process's thread count does not grow with the
// connections, and a stalled connection holds one worker, as in httplib.
constexpr std::size_t k_workers = 32;
constexpr std::size_t k_max_head_bytes = 64 * 1024;
constexpr std::size_t k_max_request_body_bytes = 16 << 20;
// An idle keep-alive connection is closed after this, as httplib's server does.
constexpr auto k_idle_timeout = 5s;
// How often a blocked worker looks at the stop flag and at its client.
constexpr auto k_poll_slice = 50ms;

struct RawRequest {
  std::string method, target;
  HeaderList headers;
  std::string body;
  bool close = false;  // the client sent `Connection: close`
};

struct Answer {
  int status = 0;
  HeaderList headers;
  std::string body;
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 413:
      return "Payload Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 502:
      return "Bad Gateway";
    default:
      return "Status";
  }
}

// Headers the front writes itself (framing) or must not pass on. `Host` is
// passed on: the server builds the accounts' base URLs from it, and they must
// point at the front.
bool hop_by_hop(const std::string& name) {
  const std::string n = lower(name);
  return n == "content-length" || n == "transfer-encoding" || n == "connection" ||
         n == "keep-alive" || n == "content-encoding" || n == "accept-encoding" || n == "te" ||
         n == "upgrade";
}

// The bytes of an answer. `declared` overrides the Content-Length (short-body);
// `padding` is a header line put first (slow-bytes).
std::string serialize(const Answer& a, bool keep_alive,
                      std::optional<std::size_t> declared = std::nullopt,
                      std::string_view padding = {}) {
  std::string out =
      "HTTP/1.1 " + std::to_string(a.status) + " " + std::string(reason_phrase(a.status)) + "\r\n";
  out += padding;
  for (const auto& [name, value] : a.headers)
    if (!hop_by_hop(name)) out += name + ": " + value + "\r\n";
  const bool bodiless = a.status == 204 || a.status == 304 || a.status < 200;
  if (!bodiless || declared)
    out += "Content-Length: " + std::to_string(declared.value_or(a.body.size())) + "\r\n";
  out += keep_alive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
  return out + a.body;
}

Answer json_answer(int status, const nlohmann::json& body) {
  return {status, {{"Content-Type", "application/json; charset=utf-8"}}, body.dump()};
}

bool is_me_path(std::string_view target) {
  const std::string_view path = target.substr(0, target.find('?'));
  const auto ends_with = [path](std::string_view tail) {
    return path.size() >= tail.size() && path.substr(path.size() - tail.size()) == tail;
  };
  return ends_with("/users/me.json") || ends_with("/whoami");
}

nlohmann::json foreign_user(const std::string& variant) {
  if (variant == "acme")
    return {{"member", {{"id", k_foreign_user_id}, {"email", k_foreign_user_email}}}};
  return {{"user",
           {{"id", k_foreign_user_id},
            {"name", "Intruder"},
            {"email", k_foreign_user_email},
            {"role", "agent"}}}};
}

// Binds a listening TCP socket; returns it and its port.
std::pair<int, int> listen_on(const std::string& host, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  if (::getaddrinfo(host.c_str(), service.c_str(), &hints, &found) != 0 || found == nullptr)
    throw std::runtime_error("cannot bind " + host + ":" + service + " (not a local address?)");
  int fd = -1;
  for (addrinfo* ai = found; ai != nullptr && fd < 0; ai = ai->ai_next) {
    fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0) continue;
    const int yes = 1;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    if (::bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 || ::listen(fd, 128) != 0) {
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  if (fd < 0)
    throw std::runtime_error("cannot bind " + host + ":" + service +
                             " (in use, or not a local address?)");
  sockaddr_storage bound{};
  socklen_t length = sizeof bound;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length);
  const int bound_port = bound.ss_family == AF_INET6
                             ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                             : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  return {fd, bound_port};
}

}  // namespace

struct FaultFront::Impl {
  FaultFrontOptions options;
  int listen_fd = -1;
  int port = 0;
  std::atomic<long> api_requests{0};

  std::mutex mutex;  // guards what follows
  std::condition_variable wake;
  bool started = false;
  bool stopping = false;
  std::deque<int> pending;  // accepted, not yet served
  std::set<int> active;     // being served: shut down by stop()

  std::mutex join_mutex;  // one thread joins
  std::thread acceptor;
  std::vector<std::thread> workers;

  explicit Impl(FaultFrontOptions o) : options(std::move(o)) {}

  bool is_stopping() {
    const std::lock_guard lock(mutex);
    return stopping;
  }
  // Waits `d` unless the server stops first; false when it stops.
  bool pause(std::chrono::milliseconds d) {
    std::unique_lock lock(mutex);
    return !wake.wait_for(lock, d, [this] { return stopping; });
  }

  void accept_loop();
  void worker_loop();
  void serve(int fd);
  bool faulted(const RawRequest& r) {
    if (options.mode == FaultMode::none || is_fixture_path(r.target)) return false;
    return api_requests.fetch_add(1) >= options.fault_after;
  }
  bool apply_fault(int fd, httplib::Client& backend, const RawRequest& r);
  bool trickle(int fd, const std::string& bytes);
  void hold(int fd);
  std::optional<RawRequest> read_request(int fd, std::string& buffer);
  bool fill(int fd, std::string& buffer);
};

// --- socket helpers ----------------------------------------------------------------

namespace {

bool write_all(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

// The client closed its end (or the socket broke).
bool peer_gone(int fd) {
  pollfd p{fd, POLLIN | POLLRDHUP, 0};
  if (::poll(&p, 1, 0) <= 0) return false;
  if (p.revents & (POLLRDHUP | POLLHUP | POLLERR | POLLNVAL)) return true;
  char byte;
  return ::recv(fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

void reset_on_close(int fd) {
  const linger hard{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
}

std::optional<std::size_t> content_length(const HeaderList& headers) {
  for (const auto& [name, value] : headers) {
    if (lower(name) != "content-length") continue;
    if (value.empty() || value.size() > 12 ||
        value.find_first_not_of("0123456789") != std::string::npos)
      return std::nullopt;
    return std::stoull(value);
  }
  return 0;
}

// The head of a request, without its final CRLF CRLF; nullopt if malformed.
std::optional<RawRequest> parse_head(std::string_view head) {
  RawRequest r;
  const auto line_end = head.find("\r\n");
  const std::string_view line = head.substr(0, line_end);
  const auto sp1 = line.find(' ');
  const auto sp2 = line.rfind(' ');
  if (sp1 == std::string_view::npos || sp2 == sp1) return std::nullopt;
  r.method = std::string(line.substr(0, sp1));
  r.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
  for (auto at = line_end; at != std::string_view::npos && at + 2 < head.size();) {
    const auto next = head.find("\r\n", at + 2);
    const std::string_view header =
        head.substr(at + 2, next == std::string_view::npos ? next : next - at - 2);
    const auto colon = header.find(':');
    if (colon == std::string_view::npos) return std::nullopt;
    r.headers.emplace_back(std::string(trim(header.substr(0, colon))),
                           std::string(trim(header.substr(colon + 1))));
    if (lower(r.headers.back().first) == "connection" && lower(r.headers.back().second) == "close")
      r.close = true;
    at = next;
  }
  return r;
}

}  // namespace

// --- threads -----------------------------------------------------------------------

void FaultFront::Impl::accept_loop() {
  while (!is_stopping()) {
    pollfd p{listen_fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(k_poll_slice.count())) <= 0) continue;
    const int fd = ::accept4(listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    const int yes = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
    const std::lock_guard lock(mutex);
    if (stopping) {
      ::close(fd);
      break;
    }
    pending.push_back(fd);
    wake.notify_all();
  }
}

void FaultFront::Impl::worker_loop() {
  while (true) {
    int fd = -1;
    {
      std::unique_lock lock(mutex);
      wake.wait(lock, [this] { return stopping || !pending.empty(); });
      if (stopping) return;
      fd = pending.front();
      pending.pop_front();
      active.insert(fd);
    }
    serve(fd);
    {
      const std::lock_guard lock(mutex);
      active.erase(fd);
    }
    ::close(fd);
  }
}

// --- one connection ----------------------------------------------------------------

// Reads more bytes; false at end of stream, on error, when the server stops
// or after k_idle_timeout without a byte.
bool FaultFront::Impl::fill(int fd, std::string& buffer) {
  for (auto waited = 0ms; waited < k_idle_timeout; waited += k_poll_slice) {
    if (is_stopping()) return false;
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(k_poll_slice.count()));
    if (ready < 0 && errno != EINTR) return false;
    if (ready <= 0) continue;
    char chunk[16 * 1024];
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return false;
    buffer.append(chunk, static_cast<std::size_t>(n));
    return true;
  }
  return false;
}

std::optional<RawRequest> FaultFront::Impl::read_request(int fd, std::string& buffer) {
  std::size_t head_end;
  while ((head_end = buffer.find("\r\n\r\n")) == std::string::npos) {
    if (buffer.size() > k_max_head_bytes || !fill(fd, buffer)) return std::nullopt;
  }
  auto request = parse_head(std::string_view(buffer).substr(0, head_end));
  const auto length = request ? content_length(request->headers) : std::nullopt;
  // Framing the front does not speak (chunked requests) closes the connection:
  // the harness never sends them.
  bool chunked = false;
  if (request)
    for (const auto& [name, value] : request->headers)
      chunked = chunked || lower(name) == "transfer-encoding";
  if (!request || !length || *length > k_max_request_body_bytes || chunked) {
    write_all(fd, serialize(json_answer(400, {{"error", "InvalidRequest"},
                                              {"description", "unsupported framing"}}),
                            false));
    return std::nullopt;
  }
  const std::size_t body_start = head_end + 4;
  while (buffer.size() < body_start + *length)
    if (!fill(fd, buffer)) return std::nullopt;
  request->body = buffer.substr(body_start, *length);
  buffer.erase(0, body_start + *length);
  return request;
}

namespace {

Answer forward(httplib::Client& backend, const RawRequest& r) {
  httplib::Request req;
  req.method = r.method;
  req.path = r.target;
  for (const auto& [name, value] : r.headers)
    if (!hop_by_hop(name)) req.headers.emplace(name, value);
  req.body = r.body;
  httplib::Response res;
  httplib::Error error = httplib::Error::Success;
  if (!backend.send(req, res, error))
    return json_answer(
        502, {{"error", "BadGateway"}, {"description", "the reference server did not answer"}});
  Answer a{res.status, {}, std::move(res.body)};
  for (const auto& [name, value] : res.headers) a.headers.emplace_back(name, value);
  return a;
}

}  // namespace

void FaultFront::Impl::serve(int fd) {
  httplib::Client backend("127.0.0.1", options.backend_port);
  backend.set_keep_alive(true);
  backend.set_tcp_nodelay(true);
  backend.set_url_encode(false);
  backend.set_read_timeout(30, 0);
  std::string buffer;
  while (auto request = read_request(fd, buffer)) {
    if (faulted(*request)) {
      if (!apply_fault(fd, backend, *request)) return;
      continue;
    }
    if (!write_all(fd, serialize(forward(backend, *request), !request->close)) || request->close)
      return;
  }
}

// Stall: nothing is sent until the client gives up or the server stops.
void FaultFront::Impl::hold(int fd) {
  while (!peer_gone(fd) && pause(k_poll_slice)) {
  }
}

// One byte at a time; false when the client left or the server stops.
bool FaultFront::Impl::trickle(int fd, const std::string& bytes) {
  for (const char byte : bytes) {
    if (!write_all(fd, std::string_view(&byte, 1))) return false;
    if (!pause(std::chrono::milliseconds(k_slow_byte_interval_ms))) return false;
  }
  return true;
}

// Answers `r` with the fault; true when the connection stays usable.
bool FaultFront::Impl::apply_fault(int fd, httplib::Client& backend, const RawRequest& r) {
  switch (options.mode) {
    case FaultMode::stall:
      hold(fd);
      return false;
    case FaultMode::reset:
      reset_on_close(fd);
      return false;
    case FaultMode::non_json:
      return write_all(fd, serialize({200,
                                      {{"Content-Type", "text/html; charset=utf-8"}},
                                      "<html><body><h1>Service Unavailable</h1></body></html>"},
                                     true));
    case FaultMode::oversize: {
      const std::string head = R"({"padding":")";
      const std::string body =
          head + std::string(k_oversize_body_bytes - head.size() - 2, 'x') + "\"}";
      write_all(
          fd, serialize({200, {{"Content-Type", "application/json; charset=utf-8"}}, body}, false));
      return false;
    }
    case FaultMode::short_body: {
      const Answer a = forward(backend, r);
      write_all(fd, serialize(a, false, a.body.size() + k_short_body_missing_bytes));
      return false;
    }
    case FaultMode::status_500:
      return write_all(
          fd, serialize(json_answer(500, {{"error", "InternalServerError"},
                                          {"description", "an injected fault (status-500)"}}),
                        true));
    case FaultMode::slow_bytes:
      trickle(fd, serialize(forward(backend, r), false, std::nullopt,
                            "X-Fault-Padding: " + std::string(k_slow_padding_bytes, '.') + "\r\n"));
      return false;
    case FaultMode::other_account: {
      Answer a = forward(backend, r);
      if (a.status == 200 && is_me_path(r.target))
        a = json_answer(200, foreign_user(options.variant));
      return write_all(fd, serialize(a, !r.close)) && !r.close;
    }
    case FaultMode::none:
      break;
  }
  return write_all(fd, serialize(forward(backend, r), !r.close)) && !r.close;
}

// --- the front -----------------------------------------------------------------------

FaultFront::FaultFront(FaultFrontOptions options)
    : m_impl(std::make_unique<Impl>(std::move(options))) {}

FaultFront::~FaultFront() {
  stop();
}

int FaultFront::start() {
  Impl& impl = *m_impl;
  {
    const std::lock_guard lock(impl.mutex);
    if (impl.started) throw std::logic_error("the fault front was already started");
  }
  std::tie(impl.listen_fd, impl.port) = listen_on(impl.options.host, impl.options.port);
  {
    const std::lock_guard lock(impl.mutex);
    impl.started = true;
  }
  for (std::size_t i = 0; i < k_workers; ++i)
    impl.workers.emplace_back([&impl] { impl.worker_loop(); });
  impl.acceptor = std::thread([&impl] { impl.accept_loop(); });
  return impl.port;
}

void FaultFront::stop() {
  Impl& impl = *m_impl;
  {
    const std::lock_guard lock(impl.mutex);
    impl.stopping = true;
    // Unblocks a worker inside send() to a client that stopped reading.
    for (const int fd : impl.active) ::shutdown(fd, SHUT_RDWR);
    impl.wake.notify_all();
  }
  const std::lock_guard lock(impl.join_mutex);
  if (impl.acceptor.joinable()) impl.acceptor.join();
  for (std::thread& t : impl.workers)
    if (t.joinable()) t.join();
  impl.workers.clear();
  const std::lock_guard state_lock(impl.mutex);
  for (const int fd : impl.pending) ::close(fd);
  impl.pending.clear();
  if (impl.listen_fd >= 0) ::close(impl.listen_fd);
  impl.listen_fd = -1;
}

}  // namespace authconform::target
