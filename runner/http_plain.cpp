// Our own HTTP/1.1 client for http:// targets (http_transport.h says why).
//
// One blocking socket per client, kept alive between requests. A request is
// one send(); an answer is read with recv() under SO_RCVTIMEO (the request
// timeout: no byte for that long is a stall) and a total deadline (the
// request and connect timeouts together: bytes that trickle in forever are
// cut). Framing follows RFC 9112 section 6: no body for HEAD, 1xx, 204 and
// 304; Transfer-Encoding chunked; Content-Length; else the body runs to the
// end of the connection. Interim 1xx answers are skipped. Anything that
// cannot be framed is a protocol error, and the connection is not reused
// after an answer it cannot trust the end of.
//
// Retries: a failed connect (nothing was sent); and, on a kept-alive
// connection the target closed just as the request went out (its idle
// timeout racing the request: the close arrives with no byte of an answer),
// a request nothing of which was written, or a GET, HEAD or OPTIONS, which
// are safe to send twice. Other requests are never sent twice.
#include "runner/http_transport.h"

#include "model/header.h"

#include <arpa/inet.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <thread>
#include <unistd.h>

namespace authconform::runner {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t k_max_head_bytes = 64 * 1024;
constexpr std::size_t k_read_chunk = 16 * 1024;

using model::iequals_ascii;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

timeval timeval_of(double seconds) {
  const auto [whole, micros] = seconds_and_micros(std::max(seconds, 0.001));  // 0 would mean "no timeout"
  return {whole, static_cast<suseconds_t>(micros)};
}

std::optional<std::size_t> parse_hex(std::string_view text) {
  if (text.empty() || text.size() > 15) return std::nullopt;
  std::size_t value = 0;
  for (char c : text) {
    int digit = -1;
    if (c >= '0' && c <= '9') digit = c - '0';
    if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    if (c >= 'A' && c <= 'F') digit = c - 'A' + 10;
    if (digit < 0) return std::nullopt;
    value = value * 16 + static_cast<std::size_t>(digit);
  }
  return value;
}

// A short, printable quote of bytes that are not what was expected.
std::string quote(std::string_view bytes) {
  std::string out = "'";
  for (char c : bytes.substr(0, 40)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7f) ? std::string(1, c) : (c == '\r' ? "\\r" : c == '\n' ? "\\n" : "?");
  }
  return out + (bytes.size() > 40 ? "...'" : "'");
}

// Why a read ended: it stops the answer, and says which message fits.
enum class ReadEnd { data, closed, stalled, deadline, too_large, malformed };

// One connection, one answer at a time. Not thread-safe (HttpClient is used
// by one thread at a time).
class PlainTransport final : public HttpTransport {
 public:
  PlainTransport(const ParsedUrl& origin, const HttpOptions& options) : m_origin(origin), m_options(options) {
    const bool default_port = origin.port == 80;
    const bool v6 = origin.host.find(':') != std::string::npos;
    m_host_header = (v6 ? "[" + origin.host + "]" : origin.host) + (default_port ? "" : ":" + std::to_string(origin.port));
  }
  ~PlainTransport() override { disconnect(); }

  HttpResult send(const HttpRequest& request, const std::string& what) override;
  bool closes_unannounced(double seconds) override;

 private:
  // The connection, made ready for a request; nullopt when it is, else the failure.
  std::optional<HttpFailure> ready(const std::string& what);
  std::optional<HttpFailure> connect_once(const std::string& what, bool& refused);
  bool kept_connection_is_usable() const;
  void disconnect();
  void compose(const HttpRequest& request);
  bool write_all();
  // What is known of an answer while it is read.
  struct Answer {
    ReadState state;
    std::string body;
    bool keep_alive = true;  // the connection may carry the next request
    std::string problem;     // why it is malformed, when it is
  };
  ReadEnd read_final_head(Answer& a);
  ReadEnd read_body(const HttpRequest& request, Answer& a);
  HttpResult exchange(const HttpRequest& request, const std::string& what);
  bool may_send_again(const HttpRequest& request, const HttpResult& failed) const;

  ReadEnd read_more();
  ReadEnd read_head(std::size_t& head_end);
  std::optional<std::string> parse_head(std::string_view head, ReadState& state, bool& keep_alive);
  ReadEnd read_fixed(std::size_t length, std::string& body);
  ReadEnd read_chunked(std::string& body, std::string& problem);
  ReadEnd read_to_close(std::string& body);
  ReadEnd read_line(std::string& line);
  HttpFailure failure_of(ReadEnd end, const std::string& what, const ReadState& state,
                         const std::string& problem) const;

  const ParsedUrl m_origin;
  const HttpOptions m_options;
  std::string m_host_header;
  int m_fd = -1;
  std::string m_out;    // the request's bytes
  std::string m_in;     // bytes received and not yet consumed
  std::size_t m_limit = 0;  // body bytes allowed
  Clock::time_point m_deadline;
  bool m_timeout_lowered = false;  // SO_RCVTIMEO set below the request timeout for the deadline
  bool m_reused = false;         // the request went on a connection an earlier answer came on
  std::size_t m_written = 0;     // bytes of the request written
  bool m_heard = false;          // a byte of the answer arrived
};

void PlainTransport::disconnect() {
  if (m_fd >= 0) ::close(m_fd);
  m_fd = -1;
  m_in.clear();
  m_timeout_lowered = false;
}

// A kept-alive connection the target has closed (or written to unasked)
// since the last answer is not used again: that is how a target's idle
// timeout shows, and sending into it would lose the request.
bool PlainTransport::kept_connection_is_usable() const {
  char byte;
  const ssize_t n = ::recv(m_fd, &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

bool PlainTransport::closes_unannounced(double seconds) {
  if (m_fd < 0) return false;  // closed as the answer said (or failed)
  pollfd p{m_fd, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(seconds * 1000)) <= 0) return false;
  return !kept_connection_is_usable();  // readable: the close (or bytes nobody asked for)
}

std::optional<HttpFailure> PlainTransport::connect_once(const std::string& what, bool& refused) {
  refused = true;
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (::getaddrinfo(m_origin.host.c_str(), std::to_string(m_origin.port).c_str(), &hints, &found) != 0)
    return http_failure::cannot_connect(what);
  bool timed_out = false;
  for (addrinfo* a = found; a && m_fd < 0; a = a->ai_next) {
    const int fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
    if (fd < 0) continue;
    int error = ::connect(fd, a->ai_addr, a->ai_addrlen) == 0 ? 0 : errno;
    if (error == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      const int ready = ::poll(&p, 1, static_cast<int>(m_options.connect_timeout_s * 1000));
      socklen_t length = sizeof error;
      if (ready == 0) error = ETIMEDOUT, timed_out = true;
      else if (ready < 0 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
    }
    if (error != 0) {
      ::close(fd);
      continue;
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    const int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    const timeval timeout = timeval_of(m_options.request_timeout_s);
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    m_fd = fd;
  }
  ::freeaddrinfo(found);
  if (m_fd >= 0) return std::nullopt;
  refused = !timed_out;
  return timed_out ? http_failure::connect_timeout(what, m_options) : http_failure::cannot_connect(what);
}

std::optional<HttpFailure> PlainTransport::ready(const std::string& what) {
  m_reused = m_fd >= 0 && kept_connection_is_usable();
  if (m_reused) return std::nullopt;
  disconnect();
  for (int attempt = 1;; ++attempt) {
    bool refused = false;
    std::optional<HttpFailure> failure = connect_once(what, refused);
    // Nothing was sent when the connect failed, so trying again is safe.
    if (!failure || !refused || attempt == k_connect_attempts) return failure;
    std::this_thread::sleep_for(k_connect_backoff[attempt - 1]);
  }
}

// The request line and headers as given, then Host, Content-Length (always
// for a body, and 0 for a bodiless POST, PUT or PATCH: some servers refuse
// those without it), Accept, User-Agent and `Accept-Encoding: identity` unless
// given (without it any coding is acceptable, RFC 9110 §12.5.3, and this
// client decodes none), and `Connection: close` when each request has a
// connection of its own.
void PlainTransport::compose(const HttpRequest& request) {
  m_out.clear();
  m_out.append(request.method).append(" ").append(request.path.empty() ? "/" : request.path).append(" HTTP/1.1\r\n");
  bool has_host = false, has_accept = false, has_agent = false, has_encoding = false;
  for (const auto& [name, value] : request.headers) {
    m_out.append(name).append(": ").append(value).append("\r\n");
    has_host = has_host || iequals_ascii(name, "Host");
    has_accept = has_accept || iequals_ascii(name, "Accept");
    has_agent = has_agent || iequals_ascii(name, "User-Agent");
    has_encoding = has_encoding || iequals_ascii(name, "Accept-Encoding");
  }
  if (!has_host) m_out.append("Host: ").append(m_host_header).append("\r\n");
  if (!has_accept) m_out.append("Accept: */*\r\n");
  if (!has_agent) m_out.append("User-Agent: authconform\r\n");
  if (!has_encoding) m_out.append("Accept-Encoding: identity\r\n");
  if (m_options.one_connection && !find_header(request.headers, "Connection")) m_out.append("Connection: close\r\n");
  const bool may_have_body = request.method == "POST" || request.method == "PUT" || request.method == "PATCH";
  if (!request.body.empty() || may_have_body)
    m_out.append("Content-Length: ").append(std::to_string(request.body.size())).append("\r\n");
  m_out.append("\r\n").append(request.body);
}

bool PlainTransport::write_all() {
  for (m_written = 0; m_written < m_out.size();) {
    const ssize_t n = ::send(m_fd, m_out.data() + m_written, m_out.size() - m_written, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    m_written += static_cast<std::size_t>(n);
  }
  return true;
}

// Appends what arrives to m_in. The socket's timeout is the request
// timeout, lowered to what is left when the deadline comes sooner.
ReadEnd PlainTransport::read_more() {
  const auto left = std::chrono::duration<double>(m_deadline - Clock::now()).count();
  if (left <= 0) return ReadEnd::deadline;
  const bool deadline_first = left < m_options.request_timeout_s;
  if (deadline_first || m_timeout_lowered) {
    const timeval timeout = timeval_of(deadline_first ? left : m_options.request_timeout_s);
    ::setsockopt(m_fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    m_timeout_lowered = deadline_first;
  }
  char chunk[k_read_chunk];
  ssize_t n;
  do n = ::recv(m_fd, chunk, sizeof chunk, 0);
  while (n < 0 && errno == EINTR);
  if (n > 0) {
    m_heard = true;
    m_in.append(chunk, static_cast<std::size_t>(n));
    return ReadEnd::data;
  }
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return deadline_first ? ReadEnd::deadline : ReadEnd::stalled;
  return ReadEnd::closed;  // an orderly close, or a reset
}

// Waits for a whole head (up to and including its empty line) at the start of m_in.
ReadEnd PlainTransport::read_head(std::size_t& head_end) {
  std::size_t searched = 0;
  for (;;) {
    const std::size_t crlf = m_in.find("\r\n\r\n", searched);
    const std::size_t lf = m_in.find("\n\n", searched);
    const std::size_t end = std::min(crlf == std::string::npos ? crlf : crlf + 4, lf == std::string::npos ? lf : lf + 2);
    if (end != std::string::npos && end <= k_max_head_bytes) {
      head_end = end;
      return ReadEnd::data;
    }
    if (m_in.size() > k_max_head_bytes) return ReadEnd::malformed;
    searched = m_in.size() < 3 ? 0 : m_in.size() - 3;
    if (const ReadEnd e = read_more(); e != ReadEnd::data) return e;
  }
}

// The status line and headers into `state`; the problem when they are not HTTP/1.x.
std::optional<std::string> PlainTransport::parse_head(std::string_view head, ReadState& state, bool& keep_alive) {
  const std::size_t line_end = head.find('\n');
  const std::string_view status_line = trim(head.substr(0, line_end));
  if (status_line.size() < 12 || status_line.substr(0, 7) != "HTTP/1." || status_line[8] != ' ' ||
      (status_line.size() > 12 && status_line[12] != ' '))
    return "the status line is " + quote(status_line);
  const auto status = parse_decimal(status_line.substr(9, 3));
  if (!status || *status < 100) return "the status line is " + quote(status_line);
  state.head.status = static_cast<int>(*status);
  state.head.headers.clear();
  keep_alive = status_line[7] == '1';  // HTTP/1.1 keeps the connection unless told otherwise
  std::string_view rest = head.substr(line_end + 1);
  while (!rest.empty()) {
    const std::size_t end = rest.find('\n');
    std::string_view line = rest.substr(0, end);
    rest.remove_prefix(end == std::string_view::npos ? rest.size() : end + 1);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (trim(line).empty()) break;
    if (line.front() == ' ' || line.front() == '\t') {  // obsolete folding: part of the previous value
      if (state.head.headers.empty()) return "a header line starts with white space";
      state.head.headers.back().second.append(" ").append(trim(line));
      continue;
    }
    const std::size_t colon = line.find(':');
    const std::string_view name = trim(line.substr(0, colon));
    if (colon == std::string_view::npos || name.empty()) return "the header line " + quote(line) + " has no 'name:'";
    const std::string_view value = trim(line.substr(colon + 1));
    state.head.headers.emplace_back(std::string(name), std::string(value));
    if (iequals_ascii(name, "Connection"))
      keep_alive = iequals_ascii(value, "close") ? false : (iequals_ascii(value, "keep-alive") ? true : keep_alive);
  }
  return std::nullopt;
}

ReadEnd PlainTransport::read_fixed(std::size_t length, std::string& body) {
  while (m_in.size() < length)
    if (const ReadEnd e = read_more(); e != ReadEnd::data) {
      body = m_in;
      return e;
    }
  body.assign(m_in, 0, length);
  m_in.erase(0, length);
  return ReadEnd::data;
}

ReadEnd PlainTransport::read_line(std::string& line) {
  for (std::size_t searched = 0;;) {
    const std::size_t end = m_in.find('\n', searched);
    if (end != std::string::npos) {
      line.assign(trim(std::string_view(m_in).substr(0, end)));
      m_in.erase(0, end + 1);
      return ReadEnd::data;
    }
    if (m_in.size() > k_max_head_bytes) return ReadEnd::malformed;
    searched = m_in.size();
    if (const ReadEnd e = read_more(); e != ReadEnd::data) return e;
  }
}

// Chunks until the last one, then the trailer fields (read and dropped).
ReadEnd PlainTransport::read_chunked(std::string& body, std::string& problem) {
  std::string line;
  for (;;) {
    if (const ReadEnd e = read_line(line); e != ReadEnd::data) return e;
    const auto size = parse_hex(trim(std::string_view(line).substr(0, line.find(';'))));
    if (!size) {
      problem = "the chunk size line is " + quote(line);
      return ReadEnd::malformed;
    }
    if (*size == 0) break;
    if (body.size() + *size > m_limit) return ReadEnd::too_large;
    std::string chunk;
    const ReadEnd e = read_fixed(*size, chunk);
    body += chunk;
    if (e != ReadEnd::data) return e;
    if (const ReadEnd end = read_line(line); end != ReadEnd::data) return end;
    if (!line.empty()) {
      problem = "a chunk is longer than its size line says";
      return ReadEnd::malformed;
    }
  }
  do
    if (const ReadEnd e = read_line(line); e != ReadEnd::data) return e;
  while (!line.empty());
  return ReadEnd::data;
}

ReadEnd PlainTransport::read_to_close(std::string& body) {
  for (;;) {
    if (m_in.size() > m_limit) return ReadEnd::too_large;
    const ReadEnd e = read_more();
    if (e == ReadEnd::closed) break;
    if (e != ReadEnd::data) {
      body = m_in;
      return e;
    }
  }
  if (m_in.size() > m_limit) return ReadEnd::too_large;
  body = std::move(m_in);
  m_in.clear();
  return ReadEnd::data;
}

HttpFailure PlainTransport::failure_of(ReadEnd end, const std::string& what, const ReadState& state,
                                       const std::string& problem) const {
  switch (end) {
    case ReadEnd::stalled: return http_failure::stalled(what, state, m_options);
    case ReadEnd::deadline: return http_failure::deadline(what, state, m_options);
    case ReadEnd::too_large: return http_failure::too_large(what, m_options);
    case ReadEnd::malformed: return http_failure::malformed(what, state, problem);
    default: return http_failure::ended(what, state);
  }
}

// One request on a ready connection, and its answer.
// The final head (past interim 1xx answers) into `a`.
ReadEnd PlainTransport::read_final_head(Answer& a) {
  for (;;) {
    std::size_t head_end = 0;
    if (const ReadEnd e = read_head(head_end); e != ReadEnd::data) return e;
    if (auto bad = parse_head(std::string_view(m_in).substr(0, head_end), a.state, a.keep_alive)) {
      a.problem = *bad;
      return ReadEnd::malformed;
    }
    m_in.erase(0, head_end);
    if (a.state.head.status == 101) {
      a.problem = "it switched protocols (101), which a request of this client never asks for";
      return ReadEnd::malformed;
    }
    if (a.state.head.status >= 200) return ReadEnd::data;
  }
}

// The body as the head frames it (RFC 9112 section 6.3) into `a`.
ReadEnd PlainTransport::read_body(const HttpRequest& request, Answer& a) {
  const int status = a.state.head.status;
  if (request.method == "HEAD" || status == 204 || status == 304) return ReadEnd::data;
  std::optional<std::string_view> transfer_encoding, content_length;
  for (const auto& [name, value] : a.state.head.headers) {
    if (iequals_ascii(name, "Transfer-Encoding")) transfer_encoding = value;
    if (!iequals_ascii(name, "Content-Length")) continue;
    if (content_length && *content_length != value) {
      a.problem = "two different Content-Length values";
      return ReadEnd::malformed;
    }
    content_length = value;
  }
  if (transfer_encoding) {
    const std::string_view te = *transfer_encoding;
    const std::size_t comma = te.rfind(',');
    if (!iequals_ascii(trim(comma == std::string_view::npos ? te : te.substr(comma + 1)), "chunked")) {
      a.problem = "Transfer-Encoding '" + std::string(te) + "' is not chunked, so the body cannot be framed";
      return ReadEnd::malformed;
    }
    a.keep_alive = a.keep_alive && !content_length;  // both framings: do not trust the connection's state
    return read_chunked(a.body, a.problem);
  }
  if (!content_length) {
    a.keep_alive = false;
    return read_to_close(a.body);
  }
  const auto length = parse_decimal(*content_length);
  if (!length) {
    a.problem = "Content-Length " + quote(*content_length) + " is not a number";
    return ReadEnd::malformed;
  }
  a.state.declared_length = *length;
  return *length > m_limit ? ReadEnd::too_large : read_fixed(*length, a.body);
}

// One request on a ready connection, and its answer.
HttpResult PlainTransport::exchange(const HttpRequest& request, const std::string& what) {
  HttpResult result;
  m_heard = false;
  if (!write_all()) {
    disconnect();
    result.failure = http_failure::write_failed(what);
    return result;
  }
  Answer a;
  a.problem = "the response head is larger than " + std::to_string(k_max_head_bytes) + " bytes";
  ReadEnd end = read_final_head(a);
  if (end == ReadEnd::data) {
    a.state.got_head = true;
    end = read_body(request, a);
    a.state.body_bytes = a.body.size();
  }
  if (end != ReadEnd::data) {
    disconnect();
    result.failure = failure_of(end, what, a.state, a.problem);
    return result;
  }
  // Bytes past the answer: the connection is out of step.
  if (!a.keep_alive || !m_in.empty() || m_options.one_connection) disconnect();
  a.state.head.body = std::move(a.body);
  result.response = std::move(a.state.head);
  return result;
}

// After `failed`, on a fresh connection (see the top of the file).
bool PlainTransport::may_send_again(const HttpRequest& request, const HttpResult& failed) const {
  if (!failed.failure || !m_reused || m_heard) return false;
  if (m_written == 0) return true;
  const bool safe = request.method == "GET" || request.method == "HEAD" || request.method == "OPTIONS";
  return safe && failed.failure->kind == TargetError::Kind::connection_reset;
}

HttpResult PlainTransport::send(const HttpRequest& request, const std::string& what) {
  const auto start = Clock::now();
  m_deadline = request_deadline(start, m_options);
  m_limit = m_options.max_body_bytes;
  compose(request);
  HttpResult result;
  for (int attempt = 1; attempt <= 2; ++attempt) {
    if (auto failure = ready(what)) {
      result = {std::nullopt, std::move(failure), 0};
      break;
    }
    result = exchange(request, what);
    if (attempt == 2 || !may_send_again(request, result)) break;
  }
  result.elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  return result;
}

}  // namespace

std::unique_ptr<HttpTransport> make_plain_transport(const ParsedUrl& origin, const HttpOptions& options) {
  return std::make_unique<PlainTransport>(origin, options);
}

}  // namespace authconform::runner
