// A TCP server that answers with exactly the bytes a test scripts: for
// targets that misbehave on the wire, and for the HTTP client's framing.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace authconform::testing {

struct RawRequest {
  std::string method;
  std::string path;
  std::string head;  // request line and headers, as received
  std::string body;  // Content-Length bytes
};

struct RawReply {
  std::string bytes;  // written as they are
  enum class After { keep, close, reset, hold } after = After::keep;
  bool stall = false;  // write nothing and hold the connection
  std::size_t piece = 0;  // > 0: written in pieces of this many bytes, each its own TCP segment
};

// "HTTP/1.1 STATUS X" with a JSON Content-Type, a Content-Length and `extra_headers` (CRLF-ended lines).
std::string http_response(int status, const std::string& body, const std::string& extra_headers = "");

class RawServer {
 public:
  using Script = std::function<RawReply(const RawRequest&)>;
  // side_by_side: a thread per connection; one_at_a_time: the next connection
  // is accepted once the last is closed (a server without threads).
  enum class Connections { side_by_side, one_at_a_time };
  // Listens on a free loopback port.
  explicit RawServer(Script script, Connections connections = Connections::side_by_side);
  ~RawServer();
  RawServer(const RawServer&) = delete;
  RawServer& operator=(const RawServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }
  int connections() const { return m_connections.load(); }  // accepted so far

 private:
  bool wait_readable(int fd);
  void accept_loop();
  std::optional<RawRequest> read_request(int fd, std::string& buffer);
  void serve(int fd);
  void write_reply(int fd, const RawReply& reply);

  Script m_script;
  Connections m_sharing;
  int m_listen = -1;
  int m_port = 0;
  std::atomic<bool> m_stop{false};
  std::atomic<int> m_connections{0};
  std::thread m_acceptor;
  std::vector<std::thread> m_workers;  // touched by the acceptor thread only until it is joined
};

}  // namespace authconform::testing
