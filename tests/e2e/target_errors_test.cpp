// A target that misbehaves is a target error: `run` ends within its timeout
// with exit 3 and a message that says what the target did, never exit 1.
#include "tests/utils/test_utils.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <thread>

namespace authconform {
namespace {

// A server whose every answer is given by `handler`.
class MisbehavingServer {
 public:
  explicit MisbehavingServer(httplib::Server::Handler handler) {
    m_server.set_tcp_nodelay(true);
    m_server.Post(".*", handler);
    m_server.Get(".*", handler);
    m_port = m_server.bind_to_any_port("127.0.0.1");
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
    while (!m_server.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ~MisbehavingServer() {
    m_server.stop();
    m_thread.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

 private:
  httplib::Server m_server;
  int m_port = 0;
  std::thread m_thread;
};

testing::CliResult run_against(const std::string& url) {
  return testing::run_cli({"run", testing::suite_dir() + "/examples", "--target", url, "--request-timeout",
                           "0.5", "--quiet"});
}

TEST(TargetErrors, StallingTarget_Exits3WithinTheTimeout) {
  MisbehavingServer server([](const httplib::Request&, httplib::Response& res) {
    std::this_thread::sleep_for(std::chrono::seconds(2));
    res.set_content("{}", "application/json");
  });
  const auto started = std::chrono::steady_clock::now();
  const auto r = run_against(server.url());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
  EXPECT_NE(r.out.find("INCONCLUSIVE"), std::string::npos) << r.out;
}

TEST(TargetErrors, NonJsonAnswer_Exits3AndSaysSo) {
  MisbehavingServer server([](const httplib::Request&, httplib::Response& res) {
    res.status = 201;
    res.set_content("<html>oops</html>", "text/html");
  });
  const auto r = run_against(server.url());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("JSON"), std::string::npos) << r.out;
}

TEST(TargetErrors, ServerError_Exits3NotNotConformant) {
  MisbehavingServer server([](const httplib::Request&, httplib::Response& res) {
    res.status = 500;
    res.set_content("{\"error\":\"boom\"}", "application/json");
  });
  const auto r = run_against(server.url());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  EXPECT_NE(r.out.find("500"), std::string::npos) << r.out;
}

TEST(TargetErrors, HugeBody_Exits3AndNamesTheLimit) {
  MisbehavingServer server([](const httplib::Request&, httplib::Response& res) {
    res.status = 201;
    res.set_content(std::string(3 << 20, 'x'), "application/json");
  });
  const auto r = run_against(server.url());
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
}

TEST(TargetErrors, NothingListening_Exits3) {
  const auto r = testing::run_cli({"run", testing::suite_dir() + "/examples", "--target", "http://127.0.0.1:1",
                                   "--connect-timeout", "0.5", "--quiet"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
}

}  // namespace
}  // namespace authconform
