// The least client that can make the reference server do a fuzz run's work:
// it replays, on one keep-alive connection and in order, the requests a
// captured `authconform fuzz` run sent (bench/replay_capture.py), filling in
// the secrets the server hands out in this run. No model, no generation, no
// JSON: one send() and the reads of the answer per request, as wrk does. So
// its rate is what any client could reach on the fuzzer's mix of requests,
// against which `fuzz`'s own rate is measured (bench/compare.sh).
//
// Usage: replay_client HOST:PORT REPLAY_FILE [STEPS [CONNECTIONS]]   (HOST an IPv4 address)
// Prints: "<requests> requests in <s> s: <req/s> requests/s, <steps/s> steps/s;
// <n> answers with another status than captured". STEPS (the fuzzed steps
// among the requests, printed by replay_capture.py) gives the steps/s figure.
// CONNECTIONS (default 1): that many threads replay the whole file at once,
// each on a connection of its own with accounts of its own, as `fuzz --jobs`
// runs jobs; the rates are their sum, over the time until the last is done.
// Exits 1 when answers differ from the capture (the replay did other work).
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Issued {
  std::uint32_t slot;
  std::string key;  // the JSON key whose string value is the secret
};

struct Record {
  int status = 0;         // as captured
  std::string request;    // with \x01SLOT\x01 and \x02...\x03 marks
  std::vector<Issued> issued;
  bool is_template = false;
};

[[noreturn]] void die(const std::string& message) {
  std::fprintf(stderr, "replay_client: %s\n", message.c_str());
  std::exit(2);
}

template <typename T>
T take(const std::string& data, std::size_t& at) {
  if (at + sizeof(T) > data.size()) die("truncated replay file");
  T value;
  std::memcpy(&value, data.data() + at, sizeof(T));
  at += sizeof(T);
  return value;
}

std::string take_bytes(const std::string& data, std::size_t& at, std::size_t n) {
  if (at + n > data.size()) die("truncated replay file");
  std::string out = data.substr(at, n);
  at += n;
  return out;
}

std::vector<Record> load(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) die(std::string("cannot read ") + path);
  const std::string data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<Record> records;
  for (std::size_t at = 0; at < data.size();) {
    Record r;
    r.status = take<std::uint16_t>(data, at);
    r.request = take_bytes(data, at, take<std::uint32_t>(data, at));
    r.is_template = r.request.find_first_of("\x01\x02") != std::string::npos;
    for (std::uint32_t n = take<std::uint32_t>(data, at); n > 0; --n) {
      const auto slot = take<std::uint32_t>(data, at);
      r.issued.push_back({slot, take_bytes(data, at, take<std::uint16_t>(data, at))});
    }
    records.push_back(std::move(r));
  }
  return records;
}

std::string base64(const std::string& in) {
  static constexpr char k[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
    out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], k[v & 63]};
  }
  if (i + 1 == in.size()) {
    const unsigned v = (unsigned char)in[i] << 16;
    out += {k[v >> 18], k[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    const unsigned v = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
    out += {k[v >> 18], k[(v >> 12) & 63], k[(v >> 6) & 63], '='};
  }
  return out;
}

// The request with its secrets filled in and its Basic credentials encoded.
std::string fill(const std::string& marked, const std::vector<std::string>& secrets) {
  std::string out, encoded, *target = &out;
  for (std::size_t i = 0; i < marked.size(); ++i) {
    const char c = marked[i];
    if (c == '\x02') {
      target = &encoded;
    } else if (c == '\x03') {
      out += base64(encoded);
      encoded.clear();
      target = &out;
    } else if (c == '\x01') {
      const std::size_t end = marked.find('\x01', i + 1);
      const std::size_t slot = std::stoul(marked.substr(i + 1, end - i - 1));
      if (slot >= secrets.size() || secrets[slot].empty()) die("a request uses a secret no answer gave");
      *target += secrets[slot];
      i = end;
    } else {
      *target += c;
    }
  }
  return out;
}

class Connection {
 public:
  Connection(const char* host, int port) {
    m_addr.sin_family = AF_INET;
    m_addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (inet_pton(AF_INET, host, &m_addr.sin_addr) != 1) die(std::string("not an IPv4 address: ") + host);
    open();
  }
  ~Connection() { close(m_fd); }

  void send_all(const std::string& bytes) {
    for (std::size_t sent = 0; sent < bytes.size();) {
      const ssize_t n = ::send(m_fd, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) die("send failed");
      sent += static_cast<std::size_t>(n);
    }
  }

  // One whole answer (Content-Length framing, as the reference server sends);
  // returns its status, its body in `body`.
  int read_answer(std::string& body) {
    std::size_t head_end;
    while ((head_end = m_buffer.find("\r\n\r\n")) == std::string::npos) fill_buffer();
    const int status = std::atoi(m_buffer.c_str() + 9);
    std::size_t length = 0;
    const std::size_t at = find_header(head_end, "content-length:");
    if (at != std::string::npos) length = std::strtoul(m_buffer.c_str() + at, nullptr, 10);
    if (status == 204 || status == 304) length = 0;
    while (m_buffer.size() < head_end + 4 + length) fill_buffer();
    body.assign(m_buffer, head_end + 4, length);
    // The server ends a connection after so many requests (Keep-Alive: max=...).
    const std::size_t connection = find_header(head_end, "connection:");
    const bool closing = connection != std::string::npos && strncasecmp(m_buffer.c_str() + connection + 1, "close", 5) == 0;
    m_buffer.erase(0, head_end + 4 + length);
    if (closing) {
      close(m_fd);
      open();
    }
    return status;
  }

 private:
  void open() {
    m_fd = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(m_fd, reinterpret_cast<const sockaddr*>(&m_addr), sizeof m_addr) != 0) die("cannot connect");
    const int one = 1;
    setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    m_buffer.clear();
  }

  void fill_buffer() {
    char chunk[65536];
    const ssize_t n = recv(m_fd, chunk, sizeof chunk, 0);
    if (n <= 0) die("the server closed the connection");
    m_buffer.append(chunk, static_cast<std::size_t>(n));
  }

  // Where the value of header `name` (lower case, with the colon) starts in the head.
  std::size_t find_header(std::size_t head_end, const char* name) const {
    const std::size_t size = std::strlen(name);
    for (std::size_t line = m_buffer.find("\r\n"); line < head_end; line = m_buffer.find("\r\n", line + 2)) {
      if (strncasecmp(m_buffer.c_str() + line + 2, name, size) == 0) return line + 2 + size;
    }
    return std::string::npos;
  }

  sockaddr_in m_addr{};
  int m_fd = -1;
  std::string m_buffer;
};

std::string json_string(const std::string& body, const std::string& key) {
  const std::string pattern = "\"" + key + "\":\"";
  const std::size_t at = body.find(pattern);
  if (at == std::string::npos) return {};
  const std::size_t start = at + pattern.size();
  return body.substr(start, body.find('"', start) - start);
}

// Replays `records` on a connection of its own; returns the answers whose
// status differs from the capture's.
long replay(const std::string& origin, const std::vector<Record>& records) {
  const std::size_t colon = origin.rfind(':');
  Connection connection(origin.substr(0, colon).c_str(), std::atoi(origin.c_str() + colon + 1));
  std::vector<std::string> secrets;
  std::string body;
  long other_status = 0;
  for (const Record& r : records) {
    connection.send_all(r.is_template ? fill(r.request, secrets) : r.request);
    const int status = connection.read_answer(body);
    if (status != r.status && ++other_status <= 5)
      std::fprintf(stderr, "request %td answered %d, captured %d: %s\n", &r - records.data(), status, r.status,
                   r.request.substr(0, r.request.find('\r')).c_str());
    for (const Issued& issued : r.issued) {
      if (secrets.size() <= issued.slot) secrets.resize(issued.slot + 1);
      secrets[issued.slot] = json_string(body, issued.key);
    }
  }
  return other_status;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 5) die("usage: replay_client HOST:PORT REPLAY_FILE [STEPS [CONNECTIONS]]");
  const std::string origin = argv[1];
  if (origin.rfind(':') == std::string::npos) die("not HOST:PORT: " + origin);
  const int connections = argc == 5 ? std::atoi(argv[4]) : 1;
  if (connections < 1 || connections > 256) die("CONNECTIONS must be 1 to 256");
  const std::vector<Record> records = load(argv[2]);
  std::vector<long> other_status(static_cast<std::size_t>(connections), 0);
  const auto start = std::chrono::steady_clock::now();
  {
    std::vector<std::jthread> threads;
    for (long& other : other_status) threads.emplace_back([&] { other = replay(origin, records); });
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  long others = 0;
  for (long other : other_status) others += other;
  const double requests = static_cast<double>(records.size()) * connections;
  const double steps = (argc >= 4 ? std::atof(argv[3]) : static_cast<double>(records.size())) * connections;
  std::printf("%.0f requests in %.2f s: %.0f requests/s, %.0f steps/s; %ld answers with another status than captured\n",
              requests, seconds, requests / seconds, steps / seconds, others);
  return others == 0 ? 0 : 1;
}
