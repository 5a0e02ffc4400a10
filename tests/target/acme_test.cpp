// The `acme` variant: the same policy behind other paths, keys, statuses and
// shapes (what profiles/acme.yaml describes).
#include "tests/target/support.h"

#include <gtest/gtest.h>

namespace authconform::target::testing {
namespace {

class Acme : public ::testing::Test {
 protected:
  Acme() {
    const Reply reply = http().send("POST", "/fixtures/accounts", R"({"members":[
        {"email":"end@x.test","role":"end-user","password":"end-pw","mfa":false},
        {"email":"agent@x.test","role":"agent","password":"agent-pw","mfa":true}]})");
    EXPECT_EQ(reply.status, 201);
    created = reply.json;
    const std::string root = created.value("api_root", "");
    base = root.substr(root.find("/accounts/"));
    owner = bearer(created["owner"].value("bearer", ""));
  }
  static ServerOptions acme() {
    ServerOptions options;
    options.variant = "acme";
    return options;
  }
  Connection& http() { return served.http(); }
  Reply call(const std::string& method, const std::string& tail, const std::string& body = "",
             const std::string& auth = "") {
    return http().send(method, base + tail, body, auth);
  }

  Served served{acme()};
  Json created;
  std::string base;
  std::string owner;
};

TEST_F(Acme, CreateAccount_Shape) {
  EXPECT_TRUE(created.at("account_id").is_string());
  EXPECT_EQ(created.at("api_root"), served.url() + "/accounts/" + created.at("account_id").get<std::string>());
  EXPECT_EQ(created.at("owner").at("id"), 1);
  EXPECT_TRUE(created.at("owner").at("email").is_string());
  EXPECT_TRUE(created.at("owner").at("bearer").get<std::string>().starts_with("acme_oat_"));
  EXPECT_EQ(created.at("members"), Json::parse(R"([{"id":2,"email":"end@x.test"},{"id":3,"email":"agent@x.test"}])"));
}

TEST_F(Acme, Whoami_OwnerAndAnonymous) {
  const Reply owner_reply = call("GET", "/v3/whoami", "", owner);
  EXPECT_EQ(owner_reply.status, 200);
  EXPECT_EQ(owner_reply.json, (Json{{"member", {{"id", 1}, {"email", created["owner"]["email"]}}}}));
  const Reply anonymous = call("GET", "/v3/whoami");
  EXPECT_EQ(anonymous.status, 200);
  EXPECT_EQ(anonymous.json, Json::parse(R"({"member":null})"));
}

TEST_F(Acme, ApiAccess_GetAndPatch) {
  EXPECT_EQ(call("GET", "/v3/api-access", "", owner).json,
            Json::parse(R"({"agreement":false,"tokens":false,"end_user_passwords":false})"));
  const Reply patched = call("PATCH", "/v3/api-access", R"({"agreement":true,"end_user_passwords":true})", owner);
  EXPECT_EQ(patched.status, 200);
  EXPECT_EQ(patched.json, Json::parse(R"({"agreement":true,"tokens":false,"end_user_passwords":true})"));
  EXPECT_EQ(call("PATCH", "/v3/api-access", R"({"tokens":"true"})", owner).status, 422);
  EXPECT_EQ(call("PATCH", "/v3/api-access", R"({"tokens":"true"})", owner).json, Json::parse(R"({"code":"invalid"})"));
}

TEST_F(Acme, Tokens_Lifecycle) {
  call("PATCH", "/v3/api-access", R"({"agreement":true,"tokens":true})", owner);
  const Reply made = call("POST", "/v3/tokens", R"({"label":"ci"})", owner);
  ASSERT_EQ(made.status, 201);
  EXPECT_EQ(made.json.at("id"), 1);
  const std::string secret = made.json.at("secret").get<std::string>();
  EXPECT_TRUE(secret.starts_with("acme_tok_"));
  EXPECT_EQ(call("GET", "/v3/tokens", "", owner).json, Json::parse(R"({"items":[{"id":1,"label":"ci","enabled":true}]})"));
  EXPECT_EQ(call("GET", "/v3/whoami", "", basic("agent@x.test/token", secret)).json["member"]["id"], 3);
  const Reply disabled = call("PATCH", "/v3/tokens/1", R"({"enabled":false})", owner);
  EXPECT_EQ(disabled.status, 200);
  EXPECT_EQ(disabled.json, Json::parse(R"({"id":1,"label":"ci","enabled":false})"));
  EXPECT_EQ(call("GET", "/v3/whoami", "", basic("agent@x.test/token", secret)).status, 401);
  EXPECT_EQ(call("DELETE", "/v3/tokens/1", "", owner).status, 204);
  EXPECT_EQ(call("DELETE", "/v3/tokens/1", "", owner).json, Json::parse(R"({"code":"not_found"})"));
}

TEST_F(Acme, OAuthGrants_IssueAndRevoke) {
  const Reply grant = call("POST", "/v3/oauth-grants", R"({"member_id":3,"scopes":"read write"})", owner);
  ASSERT_EQ(grant.status, 201);
  EXPECT_TRUE(grant.json.at("id").is_number_integer());
  const std::string token = grant.json.at("access_token").get<std::string>();
  EXPECT_EQ(call("GET", "/v3/tickets", "", bearer(token)).json, Json::parse(R"({"data":[]})"));
  EXPECT_EQ(call("DELETE", "/v3/oauth-grants/" + grant.json.at("id").dump(), "", owner).status, 204);
  EXPECT_EQ(call("GET", "/v3/whoami", "", bearer(token)).status, 401);
}

TEST_F(Acme, Refusals_UseCodes) {
  const Reply anonymous = call("GET", "/v3/tickets");
  EXPECT_EQ(anonymous.status, 401);
  EXPECT_EQ(anonymous.json, Json::parse(R"({"code":"unauthenticated"})"));
  const Reply agent = call("POST", "/v3/oauth-grants", R"({"member_id":3,"scopes":"read write"})", owner);
  const std::string agent_token = bearer(agent.json.value("access_token", ""));
  const Reply forbidden = call("PATCH", "/v3/api-access", R"({"agreement":true})", agent_token);
  EXPECT_EQ(forbidden.status, 403);
  EXPECT_EQ(forbidden.json, Json::parse(R"({"code":"not_admin"})"));
  EXPECT_EQ(call("PATCH", "/v3/api-access", R"({"tokens":true})", owner).json,
            Json::parse(R"({"code":"agreement_not_accepted"})"));
  EXPECT_EQ(http().get("/accounts/acct-404/v3/whoami").json, Json::parse(R"({"code":"not_found"})"));
  EXPECT_EQ(call("PATCH", "/v3/api-access", "nope", "Digest x").status, 401);
}

TEST_F(Acme, Fixtures_MembersAndAccount) {
  const Reply added = call("POST", "/fixtures/members", R"({"email":"new@x.test","role":"admin","password":"p1","mfa":false})");
  EXPECT_EQ(added.status, 201);
  EXPECT_EQ(added.json, Json::parse(R"({"id":4,"email":"new@x.test"})"));
  const Reply changed = call("PATCH", "/fixtures/members/4", R"({"password":"p2","mfa":true})");
  EXPECT_EQ(changed.status, 200);
  EXPECT_EQ(changed.json, Json::parse(R"({"id":4})"));
  const Reply account = call("PATCH", "/fixtures/account", R"({"legacy_agent_passwords":true})");
  EXPECT_EQ(account.status, 200);
  EXPECT_EQ(account.json, Json::object());
  EXPECT_EQ(call("GET", "/v3/whoami", "", basic("new@x.test", "p2")).json["member"]["id"], 4);
  EXPECT_EQ(call("PATCH", "/fixtures/account", R"({"mfa_required":1})").status, 422);
  EXPECT_EQ(call("PATCH", "/fixtures/members/9", R"({"mfa":true})").status, 404);
}

// The same descriptions as zendesk's, with acme's key names and its 422 shape.
TEST_F(Acme, Fixtures_BadInputIs422WithADescription) {
  const auto refused = [](const Reply& reply, const std::string& description) {
    EXPECT_EQ(reply.status, 422) << description;
    EXPECT_EQ(reply.json, Json({{"code", "invalid"}, {"description", description}}));
  };
  refused(http().send("POST", "/fixtures/accounts", R"({"members":[{"email":"a@x.test"}]})"),
          "members[0]: a user needs 'role'");
  refused(http().send("POST", "/fixtures/accounts", R"({"users":[]})"), "unknown key 'users' (allowed: members)");
  refused(call("POST", "/fixtures/members", "[]"), "the body must be a JSON object (a user)");
  refused(call("PATCH", "/fixtures/members/2", R"({"two_factor_enrolled":true})"),
          "unknown key 'two_factor_enrolled' (allowed: password mfa)");
  refused(call("PATCH", "/fixtures/account", "{}"), "give 'mfa_required' or 'legacy_agent_passwords'");
}

TEST_F(Acme, DeleteAccount) {
  const std::string id = created.at("account_id").get<std::string>();
  EXPECT_EQ(http().send("DELETE", "/fixtures/accounts/" + id).status, 204);
  EXPECT_EQ(call("GET", "/v3/whoami").status, 404);
}

TEST_F(Acme, ZendeskPaths_AreNotServed) {
  EXPECT_EQ(http().send("POST", "/conformance/v1/accounts", "{}").status, 404);
  EXPECT_EQ(call("GET", "/api/v2/users/me.json").json, Json::parse(R"({"code":"not_found"})"));
}

}  // namespace
}  // namespace authconform::target::testing
