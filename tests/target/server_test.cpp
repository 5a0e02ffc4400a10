// The server's life cycle and options.
#include "tests/target/support.h"

#include <gtest/gtest.h>

#include <thread>

namespace authconform::target::testing {
namespace {

TEST(ReferenceServer, Start_ReturnsAnEphemeralLoopbackPort) {
  ReferenceServer server(ServerOptions{});
  const int port = server.start();
  EXPECT_GT(port, 0);
  EXPECT_EQ(server.url(), "http://127.0.0.1:" + std::to_string(port));
}

TEST(ReferenceServer, UnknownVariant_IsRefusedWithTheValidOnes) {
  ServerOptions options;
  options.variant = "zendsk";
  try {
    ReferenceServer server(options);
    FAIL() << "an unknown variant was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), "unknown variant 'zendsk'; valid variants: zendesk acme");
  }
}

TEST(ReferenceServer, PortInUse_ThrowsRuntimeError) {
  Served first;
  ServerOptions options;
  options.port = std::stoi(first.url().substr(first.url().rfind(':') + 1));
  ReferenceServer second(options);
  EXPECT_THROW(second.start(), std::runtime_error);
}

TEST(ReferenceServer, StartedTwice_ThrowsLogicError) {
  Served served;
  EXPECT_THROW(served.server().start(), std::logic_error);
}

TEST(ReferenceServer, Wait_ReturnsOnceStoppedFromAnotherThread) {
  Served served;
  std::thread stopper([&] { served.server().stop(); });
  served.server().wait();
  stopper.join();
  EXPECT_EQ(served.http().get("/conformance/v1/accounts").status, 0);
}

TEST(ReferenceServer, Stop_IsIdempotent) {
  Served served;
  served.server().stop();
  served.server().stop();
  EXPECT_EQ(served.http().get("/").status, 0);
}

TEST(ReferenceServer, KeepAlive_ServesManyRequestsOnOneConnection) {
  Served served;
  Sandbox account(served.http());
  int ok = 0;
  for (int i = 0; i < 50; ++i) ok += account.me().status == 200;
  EXPECT_EQ(ok, 50);
}

}  // namespace
}  // namespace authconform::target::testing
