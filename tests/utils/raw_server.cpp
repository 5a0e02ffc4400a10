#include "tests/utils/raw_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace authconform::testing {

std::string http_response(int status, const std::string& body, const std::string& extra_headers) {
  return "HTTP/1.1 " + std::to_string(status) + " X\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n" + extra_headers + "\r\n" + body;
}

RawServer::RawServer(Script script, Connections connections) : m_script(std::move(script)), m_sharing(connections) {
  m_listen = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (::bind(m_listen, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(m_listen, 16) != 0 ||
      ::getsockname(m_listen, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
    throw std::runtime_error("cannot listen");
  m_port = ntohs(addr.sin_port);
  m_acceptor = std::thread([this] { accept_loop(); });
}

RawServer::~RawServer() {
  m_stop = true;
  m_acceptor.join();
  for (std::thread& t : m_workers) t.join();
  ::close(m_listen);
}

bool RawServer::wait_readable(int fd) {
  while (!m_stop) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 20) > 0) return true;
  }
  return false;
}

void RawServer::accept_loop() {
  while (wait_readable(m_listen)) {
    const int fd = ::accept(m_listen, nullptr, nullptr);
    if (fd < 0) continue;
    ++m_connections;
    if (m_sharing == Connections::one_at_a_time) serve(fd);
    else m_workers.emplace_back([this, fd] { serve(fd); });
  }
}

std::optional<RawRequest> RawServer::read_request(int fd, std::string& buffer) {
  const auto fill_until = [&](auto done) {
    while (!done()) {
      char chunk[4096];
      if (!wait_readable(fd)) return false;
      const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<std::size_t>(n));
    }
    return true;
  };
  if (!fill_until([&] { return buffer.find("\r\n\r\n") != std::string::npos; })) return std::nullopt;
  const std::size_t head_end = buffer.find("\r\n\r\n") + 4;
  RawRequest r;
  r.head = buffer.substr(0, head_end);
  r.method = r.head.substr(0, r.head.find(' '));
  r.path = r.head.substr(r.method.size() + 1, r.head.find(' ', r.method.size() + 1) - r.method.size() - 1);
  std::size_t length = 0;
  if (const auto at = r.head.find("Content-Length: "); at != std::string::npos) length = std::stoul(r.head.substr(at + 16));
  if (!fill_until([&] { return buffer.size() >= head_end + length; })) return std::nullopt;
  r.body = buffer.substr(head_end, length);
  buffer.erase(0, head_end + length);
  return r;
}

void RawServer::write_reply(int fd, const RawReply& reply) {
  const std::string& bytes = reply.bytes;
  if (reply.piece == 0) {
    (void)::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    return;
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  for (std::size_t at = 0; at < bytes.size(); at += reply.piece) {
    (void)::send(fd, bytes.data() + at, std::min(reply.piece, bytes.size() - at), MSG_NOSIGNAL);
    std::this_thread::sleep_for(std::chrono::microseconds(200));  // the reader sees each piece alone
  }
}

void RawServer::serve(int fd) {
  std::string buffer;
  while (auto r = read_request(fd, buffer)) {
    const RawReply reply = m_script(*r);
    if (!reply.stall) write_reply(fd, reply);
    if (reply.stall || reply.after == RawReply::After::hold) {
      while (!m_stop) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (reply.after == RawReply::After::reset) {
      const linger hard{1, 0};  // close with RST
      ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    }
    if (reply.after != RawReply::After::keep) break;
  }
  ::close(fd);
}

}  // namespace authconform::testing
