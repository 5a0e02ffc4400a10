// A vendor with another API shape writes a profile, not code: the whole suite
// passes over HTTP against the reference server's `acme` variant through
// profiles/acme.yaml, and a mutant is caught through it too.
#include "target/reference_server.h"
#include "tests/utils/test_utils.h"

#include <gtest/gtest.h>

namespace authconform {
namespace {

testing::CliResult run_suite_on_acme(const std::string& mutant) {
  target::ServerOptions options;
  options.variant = "acme";
  options.mutant = mutant;
  target::ReferenceServer server(options);
  server.start();
  return testing::run_cli({"run", testing::suite_dir(), "--target", server.url(), "--profile",
                           testing::source_dir() + "/profiles/acme.yaml", "--quiet"});
}

TEST(ProfileVariant, WholeSuitePassesOnTheAcmeVariantThroughItsProfile) {
  const auto r = run_suite_on_acme("");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("29 of 29 rules exercised"), std::string::npos) << r.out;
}

TEST(ProfileVariant, MutantIsCaughtThroughTheAcmeProfile) {
  const auto r = run_suite_on_acme("oau3-scopes-ignored");
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.out.find("OAU-3"), std::string::npos);
}

TEST(ProfileVariant, ZendeskProfileAgainstTheAcmeVariant_IsATargetErrorNotAFailure) {
  target::ServerOptions options;
  options.variant = "acme";
  target::ReferenceServer server(options);
  server.start();
  const auto r = testing::run_cli({"run", testing::suite_dir() + "/examples", "--target", server.url(), "--quiet"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
}

}  // namespace
}  // namespace authconform
