// Secrets stay secret: a certification that fails (so that exchanges, bodies
// and counterexamples are written) and fuzzes leaves no API token, OAuth
// secret or password anywhere in its console output, reports or files.
#include "model/header.h"
#include "runner/fuzz_steps.h"
#include "runner/scenario_loader.h"
#include "tests/utils/test_utils.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <set>

namespace authconform {
namespace {

// Every password the suite and the fuzzer's cast use (long enough that a
// match is not a coincidence of ordinary words).
std::set<std::string> known_passwords() {
  std::set<std::string> passwords;
  const auto keep = [&](const std::string& p) { if (p.size() >= 6) passwords.insert(p); };
  for (const auto& u : runner::fuzz_cast()) keep(u.password);
  std::vector<runner::LoadError> errors;
  for (const auto& file : runner::collect_scenario_files({testing::suite_dir()}, errors)) {
    const auto load = runner::load_scenario_file(file);
    if (!load.scenario) continue;
    for (const auto& u : load.scenario->users) keep(u.password);
    for (const auto& step : load.scenario->steps) {
      if (const auto* p = std::get_if<model::PasswordCredential>(&step.request.credential)) keep(p->password);
      if (const auto* a = std::get_if<model::AddUserOp>(&step.request.op)) keep(a->password);
      if (const auto* s = std::get_if<model::SetPasswordOp>(&step.request.op)) keep(s->password);
    }
  }
  return passwords;
}

// Every file under `dir`; `with_scenarios` false leaves out counterexample
// scenario files, which must define the passwords of the users they create in
// order to replay (test data the scenario owns, like any scenario's).
std::string everything_under(const std::string& dir, bool with_scenarios) {
  std::string all;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    if (!with_scenarios && entry.path().extension() == ".yaml") continue;
    all += testing::read_file(entry.path().string()) + "\n";
  }
  return all;
}

// `text` with, after it, what every run of 8 or more base64 characters in it
// decodes to at each of the four alignments: a secret inside a Basic value
// (base64 of "email:password"), however the value is glued to its scheme.
std::string with_base64_decoded(const std::string& text) {
  std::string out = text;
  const std::regex run("[A-Za-z0-9+/]{8,}");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), run); it != std::sregex_iterator(); ++it) {
    const std::string found = it->str();
    for (std::size_t offset = 0; offset < 4; ++offset) {
      const std::string part = found.substr(offset, (found.size() - offset) / 4 * 4);
      if (const auto decoded = model::decode_base64_strict(part)) out += "\n" + *decoded;
    }
  }
  return out;
}

TEST(Secrets, CertifyOutputsContainNoSecretInAnyForm) {
  const std::string dir = testing::make_temp_dir("secrets");
  const auto r = testing::run_cli({"certify", "--mutant", "pwd7-wrong-password-401", "--fuzz-time", "3",
                                   "--seed", "4", "--report-dir", dir});
  ASSERT_EQ(r.exit_code, 1) << r.out << r.err;
  const std::string all = with_base64_decoded(r.out + r.err + everything_under(dir, true));
  const std::string reports = with_base64_decoded(r.out + r.err + everything_under(dir, false));
  ASSERT_NE(all.find("PWD-7"), std::string::npos) << "the run produced no failure evidence to scan";
  // The reports hold the exchanges of scenarios/headers/, whose malformed
  // values glue live secrets to their scheme (BearerSECRET): scanned too.
  ASSERT_NE(all.find("unknown-schemes-are-refused"), std::string::npos) << "the headers scenarios did not run";
  // The reference server's secrets (target/zendesk_routes.cpp): zdtok_ (API
  // tokens) and zdoauth_ (OAuth) + hex; a redacted one keeps 4 hex digits.
  std::smatch match;
  EXPECT_FALSE(std::regex_search(all, match, std::regex("zd(tok|oauth)_[0-9a-f]{8,}"))) << match.str();
  const auto passwords = known_passwords();
  ASSERT_GT(passwords.size(), 10u);
  for (const std::string& p : passwords) EXPECT_EQ(reports.find(p), std::string::npos) << "password leaked: " << p;
}

}  // namespace
}  // namespace authconform
