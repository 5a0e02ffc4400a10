// Every mutant differs from the correct server on a short request sequence:
// the table below gives, per mutant, the set-up and the request whose answer
// differs, with what each server answers.
#include "model/header.h"
#include "model/rules.h"
#include "target/mutants.h"
#include "tests/target/support.h"

#include <gtest/gtest.h>

#include <functional>
#include <set>

namespace authconform::target::testing {
namespace {

constexpr int k_admin = 1;
constexpr int k_end = 2;
constexpr int k_agent = 3;

// A short, comparable reading of an answer: "user:2", "anonymous", "tickets",
// "403 not_admin", or the bare status.
std::string classify(const Reply& reply) {
  if (reply.status == 200 && reply.json.contains("user")) {
    const Json& id = reply.json["user"]["id"];
    return id.is_null() ? "anonymous" : "user:" + id.dump();
  }
  if (reply.status == 200 && reply.json.contains("tickets")) return "tickets";
  if (reply.status == 403) return "403 " + reply.json.value("reason", "");
  return std::to_string(reply.status);
}

std::string token_login(const std::string& email, const Issued& token) { return basic(email + "/token", token.secret); }

Reply delete_oauth(Sandbox& a, int id, const std::string& auth) {
  return a.send("DELETE", "/api/v2/oauth/tokens/" + std::to_string(id) + ".json", nullptr, auth);
}

struct MutantCase {
  std::string_view mutant;
  std::function<Reply(Sandbox&)> run;  // set-up, then the request whose answer differs
  std::string correct;                  // classify() of the correct server's answer
  std::string mutated;                  // ... and of the mutant's
};

const std::vector<MutantCase>& cases() {
  static const std::vector<MutantCase> table = {
      {"ano1-email-case-sensitive",
       [](Sandbox& a) { a.enable(false, true); return a.me(basic("End@X.test", "end-pw")); }, "user:2", "anonymous"},
      {"ano2-lenient-base64",
       [](Sandbox& a) {
         std::string value = model::encode_base64("end@x.test:end-pw");
         while (value.ends_with('=')) value.pop_back();
         return a.me("Basic " + value);
       },
       "401", "anonymous"},
      {"ano2-scheme-case-sensitive", [](Sandbox& a) { return a.me("bearer " + a.admin().substr(7)); }, "user:1", "401"},
      {"tok2-toggle-not-idempotent",
       [](Sandbox& a) {
         a.enable(true, false);
         const Issued t = a.generate_token();
         a.put_settings({{"api_token_access", true}});
         return a.me(token_login("agent@x.test", t));
       },
       "user:3", "401"},
      {"tok3-generate-when-off",
       [](Sandbox& a) {
         a.enable(false, false);
         return a.send("POST", "/api/v2/api_tokens.json", {{"api_token", {{"description", "x"}}}}, a.admin());
       },
       "403 token_access_disabled", "201"},
      {"tok4-token-bound-to-admin-only",
       [](Sandbox& a) { a.enable(true, false); return a.me(token_login("agent@x.test", a.generate_token())); },
       "user:3", "401"},
      {"tok5-tokens-work-when-off",
       [](Sandbox& a) {
         a.enable(true, false);
         const Issued t = a.generate_token();
         a.put_settings({{"api_token_access", false}});
         return a.me(token_login("agent@x.test", t));
       },
       "401", "user:3"},
      {"stale-token-cache",
       [](Sandbox& a) {
         a.enable(true, false);
         const Issued t = a.generate_token();
         a.put_settings({{"api_token_access", false}});
         return a.me(token_login("agent@x.test", t));
       },
       "401", "user:3"},
      {"tok6-tokens-deleted-when-off",
       [](Sandbox& a) {
         a.enable(true, false);
         const Issued t = a.generate_token();
         a.put_settings({{"api_token_access", false}});
         a.put_settings({{"api_token_access", true}});
         return a.me(token_login("agent@x.test", t));
       },
       "user:3", "401"},
      {"tok7-deactivated-token-works",
       [](Sandbox& a) {
         a.enable(true, false);
         const Issued t = a.generate_token();
         a.send("PUT", "/api/v2/api_tokens/" + std::to_string(t.id) + ".json", {{"api_token", {{"active", false}}}}, a.admin());
         return a.me(token_login("agent@x.test", t));
       },
       "401", "user:3"},
      {"tok7-deleted-token-works",
       [](Sandbox& a) {
         a.enable(true, false);
         const Issued t = a.generate_token();
         a.send("DELETE", "/api/v2/api_tokens/" + std::to_string(t.id) + ".json", nullptr, a.admin());
         return a.me(token_login("agent@x.test", t));
       },
       "401", "user:3"},
      {"tok7-unknown-email-anonymous",
       [](Sandbox& a) { a.enable(true, false); return a.me(token_login("nobody@x.test", a.generate_token())); },
       "401", "anonymous"},
      {"tok8-no-token-limit",
       [](Sandbox& a) {
         a.enable(true, false);
         for (int i = 0; i < 256; ++i) a.generate_token();
         return a.send("POST", "/api/v2/api_tokens.json", {{"api_token", {{"description", "x"}}}}, a.admin());
       },
       "403 token_limit_reached", "201"},
      {"pwd3-end-user-401", [](Sandbox& a) { return a.me(basic("end@x.test", "end-pw")); }, "anonymous", "401"},
      {"pwd4-ignored", [](Sandbox& a) { a.enable(false, true); return a.me(basic("end@x.test", "end-pw")); },
       "user:2", "anonymous"},
      {"pwd7-wrong-password-401", [](Sandbox& a) { return a.me(basic("end@x.test", "wrong")); }, "anonymous", "401"},
      {"pwd8-2fa-blocks-password", [](Sandbox& a) { a.enable(false, true); return a.me(basic("tfa@x.test", "tfa-pw")); },
       "user:4", "anonymous"},
      {"oau1-gated-by-token-access", [](Sandbox& a) { return a.me(a.admin()); }, "user:1", "401"},
      {"oau2-revoked-still-works",
       [](Sandbox& a) {
         const Issued o = a.issue_oauth(k_agent, {"read", "write"});
         delete_oauth(a, o.id, a.admin());
         return a.me(bearer(o.secret));
       },
       "401", "user:3"},
      {"oau3-scopes-ignored", [](Sandbox& a) { return a.me(bearer(a.issue_oauth(k_agent, {"write"}).secret)); },
       "403 missing_scope", "user:3"},
      {"oau3-read-scope-allows-write",
       [](Sandbox& a) { return a.put_settings({{"accepted_api_agreement", true}}, bearer(a.issue_oauth(k_admin, {"read"}).secret)); },
       "403 missing_scope", "200"},
      {"oau4-user-revokes-others",
       [](Sandbox& a) {
         const Issued agent = a.issue_oauth(k_agent, {"read", "write"});
         const Issued end_user = a.issue_oauth(k_end, {"read"});
         return delete_oauth(a, end_user.id, bearer(agent.secret));
       },
       "403 not_admin", "204"},
      {"adm1-agent-can-change-settings",
       [](Sandbox& a) {
         return a.put_settings({{"accepted_api_agreement", true}}, bearer(a.issue_oauth(k_agent, {"read", "write"}).secret));
       },
       "403 not_admin", "200"},
      {"prb2-end-user-sees-tickets",
       [](Sandbox& a) { a.enable(false, true); return a.tickets(basic("end@x.test", "end-pw")); }, "403 not_agent", "tickets"},
      {"act3-toggle-before-agreement", [](Sandbox& a) { return a.put_settings({{"api_token_access", true}}); },
       "403 agreement_not_accepted", "200"},
  };
  return table;
}

const MutantCase* case_for(std::string_view mutant) {
  for (const MutantCase& c : cases())
    if (c.mutant == mutant) return &c;
  return nullptr;
}

TEST(MutantCatalogue, HasAtLeast18UniquelyNamedMutantsWithValidRules) {
  const auto mutants = all_mutants();
  EXPECT_GE(mutants.size(), 18u);
  std::set<std::string_view> names;
  for (const MutantInfo& m : mutants) {
    EXPECT_TRUE(names.insert(m.name).second) << "duplicate mutant " << m.name;
    EXPECT_TRUE(model::parse_rule_code(m.rule).has_value()) << m.name << ": rule " << m.rule;
    EXPECT_FALSE(m.description.empty()) << m.name;
  }
}

TEST(MutantCatalogue, EveryMutantHasADifferingSequence) {
  for (const MutantInfo& m : all_mutants()) EXPECT_NE(case_for(m.name), nullptr) << m.name;
  EXPECT_EQ(cases().size(), all_mutants().size());
}

TEST(MutantCatalogue, UnknownMutant_IsRefusedWithASuggestionAndTheList) {
  ServerOptions options;
  options.mutant = "tok5-token-work-when-off";
  try {
    ReferenceServer server(options);
    FAIL() << "an unknown mutant was accepted";
  } catch (const std::invalid_argument& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("unknown mutant 'tok5-token-work-when-off'"), std::string::npos) << message;
    EXPECT_NE(message.find("did you mean 'tok5-tokens-work-when-off'?"), std::string::npos) << message;
    EXPECT_NE(message.find("oau4-user-revokes-others"), std::string::npos) << message;
  }
}

class MutantDiffers : public ::testing::TestWithParam<std::string_view> {
 protected:
  static Served& correct() {
    static Served server;
    return server;
  }
};

TEST_P(MutantDiffers, FromTheCorrectServer) {
  const MutantCase* c = case_for(GetParam());
  ASSERT_NE(c, nullptr) << "no sequence for " << GetParam();
  Sandbox reference(correct().http());
  EXPECT_EQ(classify(c->run(reference)), c->correct) << "correct server";

  ServerOptions options;
  options.mutant = std::string(GetParam());
  Served mutant(options);
  Sandbox mutated(mutant.http());
  EXPECT_EQ(classify(c->run(mutated)), c->mutated) << "mutant " << GetParam();
}

std::vector<std::string_view> mutant_names() {
  std::vector<std::string_view> names;
  for (const MutantInfo& m : all_mutants()) names.push_back(m.name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(AllMutants, MutantDiffers, ::testing::ValuesIn(mutant_names()),
                         [](const ::testing::TestParamInfo<std::string_view>& param) {
                           std::string name(param.param);
                           for (char& ch : name)
                             if (ch == '-') ch = '_';
                           return name;
                         });

}  // namespace
}  // namespace authconform::target::testing
