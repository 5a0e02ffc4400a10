// The baseline of bench/compare.sh: the least a cpp-httplib server can do for
// `GET /api/v2/users/me.json`, a constant body of the reference server's
// size, so that the reference server's own cost per request shows as a ratio.
// Usage: constant_server PORT   (prints "listening on http://127.0.0.1:PORT")
#include <httplib.h>

#include <cstdio>
#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: constant_server PORT\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const std::string body =
      R"({"user":{"id":1001,"email":"admin@example.test","name":"admin","role":"admin"}})";
  httplib::Server server;
  server.set_tcp_nodelay(true);
  // As the reference server (target/reference_server.cpp): httplib's default
  // closes a keep-alive connection after 5 requests, which would make this
  // baseline pay a reconnect every 5 requests.
  server.set_keep_alive_max_count(1000);
  server.Get("/api/v2/users/me.json", [&body](const httplib::Request&, httplib::Response& res) {
    res.set_content(body, "application/json; charset=utf-8");
  });
  const int bound = port == 0 ? server.bind_to_any_port("127.0.0.1") : (server.bind_to_port("127.0.0.1", port) ? port : -1);
  if (bound < 0) {
    std::fprintf(stderr, "constant_server: cannot bind 127.0.0.1:%d\n", port);
    return 3;
  }
  std::printf("listening on http://127.0.0.1:%d\n", bound);
  std::fflush(stdout);
  return server.listen_after_bind() ? 0 : 3;
}
