// The server side of `serve --fault`: each mode seen from a raw socket, so
// that what goes over the wire (or does not) is checked byte for byte; the
// fixture interface keeps working; stop() is never held up by a fault.
#include "target/fault.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <filesystem>
#include <future>
#include <optional>
#include <stdexcept>

#include "target/reference_server.h"
#include "tests/target/support.h"
#include "tests/utils/test_utils.h"

namespace authconform::target {
namespace {

using namespace std::chrono_literals;
using testing::Json;
using testing::Sandbox;
using testing::Served;

enum class End { eof, reset, still_open };

struct RawReply {
  std::string bytes;
  End end = End::still_open;

  std::string head() const { return bytes.substr(0, bytes.find("\r\n\r\n")); }
  std::string body() const {
    const auto at = bytes.find("\r\n\r\n");
    return at == std::string::npos ? "" : bytes.substr(at + 4);
  }
  int status() const { return bytes.size() >= 12 ? std::stoi(bytes.substr(9, 3)) : 0; }
  std::optional<std::string> header(const std::string& name) const {
    const std::string h = head();
    const auto at = h.find("\r\n" + name + ": ");
    if (at == std::string::npos) return std::nullopt;
    const auto start = at + name.size() + 4;
    return h.substr(start, h.find("\r\n", start) - start);
  }
};

class RawSocket {
 public:
  explicit RawSocket(int port) : m_fd(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
      throw std::runtime_error("cannot connect");
  }
  ~RawSocket() { ::close(m_fd); }
  RawSocket(const RawSocket&) = delete;
  RawSocket& operator=(const RawSocket&) = delete;

  void send(const std::string& bytes) {
    ASSERT_EQ(::send(m_fd, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }

  // Reads for at most `window`, or until the server ends the connection.
  RawReply read_for(std::chrono::milliseconds window) {
    RawReply reply;
    const auto until = std::chrono::steady_clock::now() + window;
    while (std::chrono::steady_clock::now() < until) {
      pollfd p{m_fd, POLLIN, 0};
      if (::poll(&p, 1, 10) <= 0) continue;
      char chunk[64 * 1024];
      const ssize_t n = ::recv(m_fd, chunk, sizeof chunk, 0);
      if (n == 0) reply.end = End::eof;
      if (n < 0) reply.end = errno == ECONNRESET ? End::reset : End::eof;
      if (n <= 0) return reply;
      reply.bytes.append(chunk, static_cast<std::size_t>(n));
    }
    return reply;
  }

 private:
  int m_fd;
};

ServerOptions with_fault(const std::string& fault, long after = 0) {
  ServerOptions options;
  options.fault = fault;
  options.fault_after = after;
  return options;
}

int port_of(const std::string& url) {
  return std::stoi(url.substr(url.rfind(':') + 1));
}

std::string request(const std::string& method, const std::string& path,
                    const std::string& authorization, const std::string& body = "") {
  std::string text = method + " " + path +
                     " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + authorization + "\r\n";
  if (!body.empty())
    text +=
        "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
  return text + "\r\n" + body;
}

// users/me as the admin of a fresh account, on a connection of its own.
RawReply me_as_admin(Served& served, Sandbox& sandbox, std::chrono::milliseconds window = 2s) {
  RawSocket socket(port_of(served.url()));
  socket.send(request("GET", sandbox.base() + "/api/v2/users/me.json", sandbox.admin()));
  return socket.read_for(window);
}

TEST(Faults, EveryModeHasAKebabCaseNameThatParsesBack) {
  EXPECT_EQ(all_faults().size(), 8u);
  for (const FaultInfo& f : all_faults()) {
    EXPECT_EQ(fault_from_name(f.name), f.mode);
    EXPECT_EQ(fault_name(f.mode), f.name);
    EXPECT_EQ(std::string(f.name).find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-"),
              std::string::npos);
  }
  EXPECT_EQ(fault_from_name(""), FaultMode::none);
}

TEST(Faults, EveryModeIsDocumented) {
  const std::string doc =
      authconform::testing::read_file(authconform::testing::source_dir() + "/docs/faults.md");
  for (const FaultInfo& f : all_faults())
    EXPECT_NE(doc.find("### `" + std::string(f.name) + "`"), std::string::npos) << f.name;
}

TEST(Faults, UnknownMode_IsRefusedWithASuggestionAndTheValidNames) {
  try {
    ReferenceServer server(with_fault("stal"));
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(
        std::string(e.what()),
        "unknown fault 'stal' (did you mean 'stall'?); valid faults: stall reset non-json oversize "
        "short-body status-500 slow-bytes other-account");
  }
  EXPECT_THROW(ReferenceServer(with_fault("stall", -1)), std::invalid_argument);
}

TEST(Faults, FixturePaths_AreTheConformanceAndFixturesInterfaces) {
  EXPECT_TRUE(is_fixture_path("/conformance/v1/accounts"));
  EXPECT_TRUE(is_fixture_path("/accounts/a1/conformance/v1/users/2"));
  EXPECT_TRUE(is_fixture_path("/fixtures/accounts"));
  EXPECT_FALSE(is_fixture_path("/accounts/a1/api/v2/users/me.json"));
  EXPECT_FALSE(is_fixture_path("/accounts/a1/v3/whoami?x=/fixtures/"));
}

TEST(Faults, FixtureInterface_IsNeverFaulted) {
  Served served(with_fault("status-500"));
  Sandbox sandbox(served.http());  // creates the account and its users: throws on a fault
  // The accounts live behind the front: their base URLs must lead to it.
  EXPECT_EQ(sandbox.created()["account"]["base_url"], served.url() + sandbox.base());
  EXPECT_EQ(
      sandbox.send("PATCH", "/conformance/v1/account", Json{{"two_factor_required", true}}).status,
      200);
  EXPECT_EQ(sandbox.me(sandbox.admin()).status, 500);
}

TEST(Faults, Stall_SendsNothingAndKeepsTheConnectionOpen) {
  Served served(with_fault("stall"));
  Sandbox sandbox(served.http());
  const RawReply reply = me_as_admin(served, sandbox, 300ms);
  EXPECT_EQ(reply.bytes, "");
  EXPECT_EQ(reply.end, End::still_open);
}

TEST(Faults, Stall_DoesNotHoldUpStop) {
  Served served(with_fault("stall"));
  Sandbox sandbox(served.http());
  RawSocket socket(port_of(served.url()));
  socket.send(request("GET", sandbox.base() + "/api/v2/users/me.json", sandbox.admin()));
  EXPECT_EQ(socket.read_for(200ms).end, End::still_open);
  auto stopping = std::async(std::launch::async, [&served] { served.server().stop(); });
  ASSERT_EQ(stopping.wait_for(30s), std::future_status::ready)
      << "stop() hangs on a stalled answer";
  const RawReply after = socket.read_for(2s);
  EXPECT_EQ(after.bytes, "");
  EXPECT_NE(after.end, End::still_open);
}

TEST(Faults, Reset_EndsTheConnectionWithAnRstAndNoAnswer) {
  Served served(with_fault("reset"));
  Sandbox sandbox(served.http());
  const RawReply reply = me_as_admin(served, sandbox);
  EXPECT_EQ(reply.bytes, "");
  EXPECT_EQ(reply.end, End::reset);
}

TEST(Faults, NonJson_Answers200WithHtml) {
  Served served(with_fault("non-json"));
  Sandbox sandbox(served.http());
  const RawReply reply = me_as_admin(served, sandbox, 500ms);
  EXPECT_EQ(reply.status(), 200);
  EXPECT_EQ(reply.header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_FALSE(Json::accept(reply.body())) << reply.body();
  EXPECT_EQ(reply.body().size(), std::stoul(reply.header("Content-Length").value_or("0")));
}

TEST(Faults, Oversize_AnnouncesAndSendsABodyOverOneMebibyte) {
  Served served(with_fault("oversize"));
  Sandbox sandbox(served.http());
  const RawReply reply = me_as_admin(served, sandbox, 10s);
  EXPECT_EQ(reply.status(), 200);
  EXPECT_EQ(reply.header("Content-Length"), std::to_string(k_oversize_body_bytes));
  EXPECT_GT(k_oversize_body_bytes, std::size_t{1} << 20);
  EXPECT_EQ(reply.body().size(), k_oversize_body_bytes);
  EXPECT_EQ(reply.end, End::eof);
}

TEST(Faults, ShortBody_SendsTheRealAnswerButPromisesMoreThenCloses) {
  Served served(with_fault("short-body"));
  Sandbox sandbox(served.http());
  const RawReply reply = me_as_admin(served, sandbox);
  EXPECT_EQ(reply.status(), 200);
  ASSERT_TRUE(Json::accept(reply.body())) << reply.body();
  EXPECT_EQ(Json::parse(reply.body())["user"]["email"], sandbox.admin_email());
  EXPECT_EQ(reply.header("Content-Length"),
            std::to_string(reply.body().size() + k_short_body_missing_bytes));
  EXPECT_EQ(reply.end, End::eof);
}

TEST(Faults, Status500_AnswersAnInternalServerError) {
  Served served(with_fault("status-500"));
  Sandbox sandbox(served.http());
  const RawReply reply = me_as_admin(served, sandbox, 500ms);
  EXPECT_EQ(reply.status(), 500);
  EXPECT_TRUE(Json::accept(reply.body()));
}

TEST(Faults, SlowBytes_KeepsBytesComingButNeverFinishesTheHeadInTime) {
  Served served(with_fault("slow-bytes"));
  Sandbox sandbox(served.http());
  RawSocket socket(port_of(served.url()));
  socket.send(request("GET", sandbox.base() + "/api/v2/users/me.json", sandbox.admin()));
  const RawReply first = socket.read_for(450ms);
  const RawReply second = socket.read_for(450ms);
  // Bytes arrive in both windows (no read timeout would fire), yet the head
  // is far from complete.
  EXPECT_FALSE(first.bytes.empty());
  EXPECT_FALSE(second.bytes.empty());
  EXPECT_EQ((first.bytes + second.bytes).find("\r\n\r\n"), std::string::npos);
  EXPECT_EQ(std::string("HTTP/1.1 200 OK").rfind(first.bytes.substr(0, 15), 0), 0u) << first.bytes;
  EXPECT_EQ(second.end, End::still_open);
}

TEST(Faults, OtherAccount_ShowsAUserOfNoAccountOnUsersMeOnly) {
  Served served(with_fault("other-account"));
  Sandbox sandbox(served.http());
  const RawReply me = me_as_admin(served, sandbox, 500ms);
  ASSERT_EQ(me.status(), 200);
  const Json user = Json::parse(me.body())["user"];
  EXPECT_EQ(user["id"], k_foreign_user_id);
  EXPECT_EQ(user["email"], k_foreign_user_email);
  for (const Json& u : sandbox.created()["account"]["users"]) EXPECT_NE(u["id"], k_foreign_user_id);
  // Other answers are the real ones.
  const auto settings =
      sandbox.send("GET", "/api/v2/account/settings.json", nullptr, sandbox.admin());
  EXPECT_EQ(settings.status, 200);
  EXPECT_TRUE(settings.json["settings"]["api"].contains("api_token_access"));
}

TEST(Faults, OtherAccount_InTheAcmeVariantUsesItsShape) {
  ServerOptions options = with_fault("other-account");
  options.variant = "acme";
  ReferenceServer server(options);
  server.start();
  httplib::Client client(server.url());
  client.set_tcp_nodelay(true);
  const auto created = client.Post("/fixtures/accounts", R"({"members":[]})", "application/json");
  ASSERT_TRUE(created);
  ASSERT_EQ(created->status, 201) << created->body;
  const std::string id = Json::parse(created->body)["account_id"].get<std::string>();
  const auto whoami = client.Get("/accounts/" + id + "/v3/whoami");  // anonymous: {"member": null}
  ASSERT_TRUE(whoami);
  ASSERT_EQ(whoami->status, 200);
  EXPECT_EQ(Json::parse(whoami->body)["member"]["email"], k_foreign_user_email) << whoami->body;
}

TEST(Faults, FaultAfter_AnswersTheFirstApiRequestsCorrectly) {
  Served served(with_fault("status-500", 2));
  Sandbox sandbox(served.http());
  EXPECT_EQ(sandbox.me(sandbox.admin()).status, 200);
  EXPECT_EQ(sandbox.tickets(sandbox.admin()).status, 200);
  EXPECT_EQ(sandbox.me(sandbox.admin()).status, 500);
  EXPECT_EQ(sandbox.tickets(sandbox.admin()).status, 500);
}

TEST(Faults, KeepAlive_ForwardsManyRequestsOnOneConnection) {
  Served served(with_fault("stall", 1000));
  Sandbox sandbox(served.http());
  for (int i = 0; i < 50; ++i) ASSERT_EQ(sandbox.me(sandbox.admin()).status, 200) << i;
}

TEST(Faults, ThreadCount_DoesNotGrowWithConnections) {
  const auto threads = [] {
    return std::distance(std::filesystem::directory_iterator("/proc/self/task"),
                         std::filesystem::directory_iterator{});
  };
  Served served(with_fault("reset"));
  Sandbox sandbox(served.http());
  const auto before = threads();
  for (int i = 0; i < 20; ++i) EXPECT_EQ(me_as_admin(served, sandbox).end, End::reset);
  EXPECT_EQ(threads(), before);
}

}  // namespace
}  // namespace authconform::target
