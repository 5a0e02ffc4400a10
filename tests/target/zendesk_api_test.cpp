// The reference server against spec/wire.md: each operation's success shape,
// each refusal's status and body, and the fixture interface.
#include "tests/target/support.h"

#include <gtest/gtest.h>

namespace authconform::target::testing {
namespace {

const Json k_anonymous = {{"user", {{"id", nullptr}, {"name", "Anonymous user"}, {"email", nullptr}, {"role", "end-user"}}}};
const Json k_basic_401 = {{"error", "Couldn't authenticate you"}};
const Json k_not_found = {{"error", "RecordNotFound"}, {"description", "Not found"}};

class ZendeskApi : public ::testing::Test {
 protected:
  Served served;
  Sandbox account{served.http()};
};

TEST_F(ZendeskApi, CreateAccount_ReturnsAdminAndUsersWithIntegerIds) {
  const Json& created = account.created().at("account");
  EXPECT_TRUE(created.at("id").is_string());
  EXPECT_EQ(created.at("base_url"), served.url() + "/accounts/" + account.id());
  EXPECT_EQ(created.at("admin").at("id"), 1);
  EXPECT_TRUE(created.at("admin").at("email").is_string());
  EXPECT_TRUE(created.at("admin").at("oauth_token").get<std::string>().starts_with("zdoauth_"));
  EXPECT_EQ(created.at("users"), Json::parse(R"([{"id":2,"email":"end@x.test"},{"id":3,"email":"agent@x.test"},
                                                {"id":4,"email":"tfa@x.test"}])"));
}

TEST_F(ZendeskApi, NewAccount_SettingsAreAllOff) {
  const Reply reply = account.send("GET", "/api/v2/account/settings.json", nullptr, account.admin());
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.content_type, "application/json; charset=utf-8");
  EXPECT_EQ(reply.json, Json::parse(R"({"settings":{"api":{"accepted_api_agreement":false,
      "api_token_access":false,"api_password_access_end_users":false}}})"));
}

TEST_F(ZendeskApi, PutSettings_AcceptsBooleansAndStringsAndAnswersTheNewSettings) {
  const Reply reply = account.put_settings({{"accepted_api_agreement", "true"}, {"api_token_access", true}});
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.json, Json::parse(R"({"settings":{"api":{"accepted_api_agreement":true,
      "api_token_access":true,"api_password_access_end_users":false}}})"));
  EXPECT_EQ(account.put_settings({{"api_token_access", "false"}}).json["settings"]["api"]["api_token_access"], false);
}

TEST_F(ZendeskApi, Token_LifecycleShapes) {
  account.enable(true, false);
  const Reply created = account.send("POST", "/api/v2/api_tokens.json", {{"api_token", {{"description", "ci"}}}}, account.admin());
  ASSERT_EQ(created.status, 201);
  const Json& token = created.json.at("api_token");
  EXPECT_EQ(token.at("id"), 1);
  EXPECT_EQ(token.at("description"), "ci");
  EXPECT_EQ(token.at("active"), true);
  EXPECT_TRUE(token.at("created_at").get<std::string>().ends_with("Z"));
  EXPECT_TRUE(token.at("token").get<std::string>().starts_with("zdtok_"));

  const Reply listed = account.send("GET", "/api/v2/api_tokens.json", nullptr, account.admin());
  ASSERT_EQ(listed.status, 200);
  ASSERT_EQ(listed.json.at("api_tokens").size(), 1u);
  EXPECT_FALSE(listed.json.at("api_tokens")[0].contains("token"));
  EXPECT_EQ(listed.body.find(token.at("token").get<std::string>()), std::string::npos);

  const Reply off = account.send("PUT", "/api/v2/api_tokens/1.json", {{"api_token", {{"active", false}}}}, account.admin());
  EXPECT_EQ(off.status, 200);
  EXPECT_EQ(off.json.at("api_token").at("active"), false);
  EXPECT_EQ(account.send("DELETE", "/api/v2/api_tokens/1.json", nullptr, account.admin()).status, 204);
  EXPECT_EQ(account.send("GET", "/api/v2/api_tokens.json", nullptr, account.admin()).json,
            Json::parse(R"({"api_tokens":[]})"));
  const Reply again = account.send("DELETE", "/api/v2/api_tokens/1.json", nullptr, account.admin());
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(again.json, k_not_found);
}

TEST_F(ZendeskApi, Token_AuthenticatesItsUserAndNotAfterDeactivation) {
  account.enable(true, false);
  const Issued token = account.generate_token();
  const Reply me = account.me(basic("agent@x.test/token", token.secret));
  EXPECT_EQ(me.status, 200);
  EXPECT_EQ(me.json, Json::parse(R"({"user":{"id":3,"email":"agent@x.test","role":"agent"}})"));
  account.send("PUT", "/api/v2/api_tokens/1.json", {{"api_token", {{"active", false}}}}, account.admin());
  EXPECT_EQ(account.me(basic("agent@x.test/token", token.secret)).status, 401);
}

TEST_F(ZendeskApi, OAuth_IssueShapeAndRevoke) {
  const Reply issued = account.send("POST", "/api/v2/oauth/tokens.json",
                                    {{"token", {{"user_id", 3}, {"scopes", {"read"}}}}}, account.admin());
  ASSERT_EQ(issued.status, 201);
  const Json& token = issued.json.at("token");
  EXPECT_EQ(token.at("user_id"), 3);
  EXPECT_EQ(token.at("scopes"), Json::parse(R"(["read"])"));
  EXPECT_TRUE(token.at("id").is_number_integer());
  const std::string secret = token.at("full_token").get<std::string>();
  EXPECT_EQ(account.me(bearer(secret)).json.at("user").at("id"), 3);
  const std::string path = "/api/v2/oauth/tokens/" + std::to_string(token.at("id").get<int>()) + ".json";
  EXPECT_EQ(account.send("DELETE", path, nullptr, account.admin()).status, 204);
  EXPECT_EQ(account.send("DELETE", path, nullptr, account.admin()).status, 404);
  EXPECT_EQ(account.me(bearer(secret)).status, 401);
}

TEST_F(ZendeskApi, OAuth_UnknownUserIsNotFound) {
  const Reply reply = account.send("POST", "/api/v2/oauth/tokens.json",
                                   {{"token", {{"user_id", 99}, {"scopes", {"read", "write"}}}}}, account.admin());
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.json, k_not_found);
}

TEST_F(ZendeskApi, Me_WithoutHeader_IsTheAnonymousUser) {
  const Reply reply = account.me();
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.json, k_anonymous);
}

TEST_F(ZendeskApi, Me_AsAdminViaOAuth_ReportsTheAdmin) {
  const Reply reply = account.me(account.admin());
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.json.at("user").at("id"), 1);
  EXPECT_EQ(reply.json.at("user").at("role"), "admin");
  EXPECT_EQ(reply.json.at("user").at("email"), account.admin_email());
}

TEST_F(ZendeskApi, Tickets_AsAgentIsAnEmptyList) {
  const Issued agent = account.issue_oauth(3, {"read"});
  const Reply reply = account.tickets(bearer(agent.secret));
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.json, Json::parse(R"({"tickets":[]})"));
}

TEST_F(ZendeskApi, Anonymous_TicketsIs401WithBasicChallenge) {
  const Reply reply = account.tickets();
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.json, k_basic_401);
  EXPECT_EQ(reply.www_authenticate, "Basic realm=\"Web Password\"");
}

TEST_F(ZendeskApi, MalformedHeader_Is401WithBasicChallenge) {
  for (const std::string header : {"Digest abc", "Basic !!!!", "Basic", "Basic ZW5kQHgudGVzdA==", "Bearer"}) {
    const Reply reply = account.me(header);
    EXPECT_EQ(reply.status, 401) << header;
    EXPECT_FALSE(reply.www_authenticate.empty()) << header;
  }
  EXPECT_EQ(account.me("Digest abc").json, k_basic_401);
}

TEST_F(ZendeskApi, UnknownBearer_Is401InvalidToken) {
  const Reply reply = account.me(bearer("zdoauth_not-a-real-token"));
  EXPECT_EQ(reply.status, 401);
  EXPECT_EQ(reply.json, Json::parse(R"({"error":"invalid_token","error_description":
      "The access token provided is expired, revoked, malformed or invalid for other reasons."})"));
}

TEST_F(ZendeskApi, Forbidden_HasReason) {
  const Issued agent = account.issue_oauth(3, {"read", "write"});
  const Reply reply = account.put_settings({{"accepted_api_agreement", true}}, bearer(agent.secret));
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(reply.json.at("error"), "Forbidden");
  EXPECT_EQ(reply.json.at("reason"), "not_admin");
  EXPECT_TRUE(reply.json.at("description").is_string());
}

TEST_F(ZendeskApi, ForbiddenReasons_FollowThePolicy) {
  EXPECT_EQ(account.put_settings({{"api_token_access", true}}).json.at("reason"), "agreement_not_accepted");
  account.enable(false, false);
  const Reply off = account.send("POST", "/api/v2/api_tokens.json", {{"api_token", {{"description", "x"}}}}, account.admin());
  EXPECT_EQ(off.json.at("reason"), "token_access_disabled");
  const Issued reader = account.issue_oauth(1, {"read"});
  EXPECT_EQ(account.put_settings({{"api_token_access", true}}, bearer(reader.secret)).json.at("reason"), "missing_scope");
  account.put_settings({{"api_password_access_end_users", true}});
  EXPECT_EQ(account.tickets(basic("end@x.test", "end-pw")).json.at("reason"), "not_agent");
}

TEST_F(ZendeskApi, TokenLimit_257thIsRefused) {
  account.enable(true, false);
  for (int i = 0; i < 256; ++i) account.generate_token();
  const Reply reply = account.send("POST", "/api/v2/api_tokens.json", {{"api_token", {{"description", "x"}}}}, account.admin());
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(reply.json.at("reason"), "token_limit_reached");
}

TEST_F(ZendeskApi, MalformedBody_AsAdminIs400) {
  for (const std::string body : {"not json", "[]", R"({"settings":{}})", R"({"settings":{"api":{}}})",
                                 R"({"settings":{"api":{"api_token_access":1}}})",
                                 R"({"settings":{"api":{"api_token_access":"yes"}}})",
                                 R"({"settings":{"api":{"nope":true}}})", R"({"settings":{"api":{}},"x":1})"}) {
    const Reply reply = served.http().send("PUT", account.base() + "/api/v2/account/settings.json", body, account.admin());
    EXPECT_EQ(reply.status, 400) << body;
    EXPECT_EQ(reply.json.value("error", ""), "InvalidRequest") << body;
  }
}

TEST_F(ZendeskApi, MalformedBody_WithBadCredentialIs401Not400) {
  const std::string path = account.base() + "/api/v2/account/settings.json";
  EXPECT_EQ(served.http().send("PUT", path, "not json", bearer("zdoauth_wrong")).status, 401);
  EXPECT_EQ(served.http().send("PUT", path, "not json").status, 401);
  EXPECT_EQ(served.http().send("POST", account.base() + "/api/v2/api_tokens.json", "{}", "Digest x").status, 401);
}

TEST_F(ZendeskApi, MalformedBody_FromAnAgentIs403Not400) {
  const Issued agent = account.issue_oauth(3, {"read", "write"});
  const Reply reply = served.http().send("PUT", account.base() + "/api/v2/account/settings.json", "{", bearer(agent.secret));
  EXPECT_EQ(reply.status, 403);
  EXPECT_EQ(reply.json.at("reason"), "not_admin");
}

TEST_F(ZendeskApi, MalformedTokenAndOAuthBodies_AsAdminAre400) {
  const std::string admin = account.admin();
  EXPECT_EQ(account.send("POST", "/api/v2/api_tokens.json", {{"api_token", {{"description", 5}}}}, admin).status, 400);
  EXPECT_EQ(account.send("PUT", "/api/v2/api_tokens/1.json", {{"api_token", {{"active", "true"}}}}, admin).status, 400);
  EXPECT_EQ(account.send("POST", "/api/v2/oauth/tokens.json", {{"token", {{"user_id", 2}, {"scopes", {"admin"}}}}}, admin).status, 400);
  EXPECT_EQ(account.send("POST", "/api/v2/oauth/tokens.json", {{"token", {{"user_id", "2"}, {"scopes", {"read"}}}}}, admin).status, 400);
}

TEST_F(ZendeskApi, UnknownAccount_Is404) {
  const Reply reply = served.http().get("/accounts/acct-999/api/v2/users/me.json");
  EXPECT_EQ(reply.status, 404);
  EXPECT_EQ(reply.json, k_not_found);
}

TEST_F(ZendeskApi, UnknownRouteAndNonNumericId_Are404) {
  EXPECT_EQ(account.send("GET", "/api/v2/nothing.json").json, k_not_found);
  EXPECT_EQ(account.send("DELETE", "/api/v2/api_tokens/abc.json", nullptr, account.admin()).status, 404);
  EXPECT_EQ(account.send("DELETE", "/api/v2/api_tokens/99999999999999999999.json", nullptr, account.admin()).status, 404);
}

TEST_F(ZendeskApi, Emails_MatchWithoutAsciiCase) {
  account.enable(false, true);
  const Reply reply = account.me(basic("END@X.Test", "end-pw"));
  EXPECT_EQ(reply.status, 200);
  EXPECT_EQ(reply.json.at("user").at("id"), 2);
}

TEST_F(ZendeskApi, Passwords_FollowTheAccessSetting) {
  EXPECT_EQ(account.me(basic("end@x.test", "end-pw")).json, k_anonymous);
  account.enable(false, true);
  EXPECT_EQ(account.me(basic("end@x.test", "end-pw")).json.at("user").at("id"), 2);
  EXPECT_EQ(account.me(basic("end@x.test", "wrong")).json, k_anonymous);
  EXPECT_EQ(account.me(basic("end@x.test", "")).json, k_anonymous);
}

TEST_F(ZendeskApi, TwoAccounts_AreIndependent) {
  Sandbox other(served.http());
  account.enable(true, false);
  const Issued token = account.generate_token();
  EXPECT_NE(other.id(), account.id());
  EXPECT_EQ(other.send("GET", "/api/v2/account/settings.json", nullptr, other.admin()).json["settings"]["api"]["api_token_access"], false);
  EXPECT_EQ(other.me(basic(account.admin_email() + "/token", token.secret)).status, 401);
  EXPECT_EQ(other.me(account.admin()).status, 401);
  EXPECT_EQ(account.me(basic(account.admin_email() + "/token", token.secret)).status, 200);
}

TEST_F(ZendeskApi, DeleteAccount_ThenItIsGone) {
  EXPECT_EQ(served.http().send("DELETE", "/conformance/v1/accounts/" + account.id()).status, 204);
  EXPECT_EQ(account.me().status, 404);
  EXPECT_EQ(served.http().send("DELETE", "/conformance/v1/accounts/" + account.id()).status, 404);
}

TEST_F(ZendeskApi, Fixtures_AddAndChangeUsers) {
  const Reply added = account.send("POST", "/conformance/v1/users",
                                   {{"email", "new@x.test"}, {"role", "agent"}, {"password", "pw1"}});
  EXPECT_EQ(added.status, 201);
  EXPECT_EQ(added.json, Json::parse(R"({"user":{"id":5,"email":"new@x.test"}})"));
  const Reply changed = account.send("PATCH", "/conformance/v1/users/5", {{"password", "pw2"}, {"two_factor_enrolled", true}});
  EXPECT_EQ(changed.status, 200);
  EXPECT_EQ(changed.json.at("user").at("id"), 5);
  EXPECT_EQ(changed.json.at("user").at("two_factor_enrolled"), true);
  const Reply fixture = account.send("PATCH", "/conformance/v1/account", {{"agent_password_access", true}});
  EXPECT_EQ(fixture.status, 200);
  EXPECT_EQ(fixture.json.at("account").at("agent_password_access"), true);
  EXPECT_EQ(account.me(basic("new@x.test", "pw2")).json.at("user").at("id"), 5);
  EXPECT_EQ(account.me(basic("new@x.test", "pw1")).json, k_anonymous);
  EXPECT_EQ(account.send("PATCH", "/conformance/v1/users/42", {{"password", "x"}}).status, 404);
}

TEST_F(ZendeskApi, Fixtures_BadInputIs400InvalidFixture) {
  const std::vector<Json> bad_users = {
      {{"email", "no-at-sign"}, {"role", "agent"}, {"password", "p"}},
      {{"email", "a@x.test"}, {"role", "owner"}, {"password", "p"}},
      {{"email", "a@x.test"}, {"role", "agent"}, {"password", ""}},
      {{"email", "a@x.test"}, {"role", "agent"}},
      {{"email", "a@x.test"}, {"role", "agent"}, {"password", "p"}, {"extra", 1}},
      {{"email", "END@x.test"}, {"role", "agent"}, {"password", "p"}},
  };
  for (const Json& user : bad_users) {
    const Reply reply = account.send("POST", "/conformance/v1/users", user);
    EXPECT_EQ(reply.status, 400) << user.dump();
    EXPECT_EQ(reply.json.value("error", ""), "InvalidFixture") << user.dump();
    EXPECT_TRUE(reply.json.at("description").is_string());
  }
  EXPECT_EQ(served.http().send("POST", "/conformance/v1/accounts", R"({"users":[{"email":"x"}]})").status, 400);
  EXPECT_EQ(account.send("PATCH", "/conformance/v1/account", {{"two_factor_required", "yes"}}).status, 400);
}

// The descriptions name the place and what is wanted (target/fixtures.h).
TEST_F(ZendeskApi, Fixtures_BadInputDescriptions) {
  const auto description = [](const Reply& reply) { return reply.json.value("description", ""); };
  Connection& root = served.http();
  EXPECT_EQ(description(root.send("POST", "/conformance/v1/accounts", R"({"users":[{"email":"a@x.test"}]})")),
            "users[0]: a user needs 'role'");
  EXPECT_EQ(description(root.send("POST", "/conformance/v1/accounts", R"({"users":{}})")), "'users' must be an array");
  EXPECT_EQ(description(root.send("POST", "/conformance/v1/accounts", "[1]")),
            R"(the body must be a JSON object {"users": [...]})");
  EXPECT_EQ(description(account.send("POST", "/conformance/v1/users", Json::array())),
            "the body must be a JSON object (a user)");
  EXPECT_EQ(description(account.send("PATCH", "/conformance/v1/users/1", Json::array())),
            "the body must be a JSON object");
  EXPECT_EQ(description(account.send("PATCH", "/conformance/v1/users/1", {{"mfa", true}})),
            "unknown key 'mfa' (allowed: password two_factor_enrolled)");
  EXPECT_EQ(description(account.send("PATCH", "/conformance/v1/account", Json::object())),
            "give 'two_factor_required' or 'agent_password_access'");
}

TEST_F(ZendeskApi, CreateAccount_AcceptsAnEmptyBodyOrList) {
  EXPECT_EQ(served.http().send("POST", "/conformance/v1/accounts", "").status, 201);
  EXPECT_EQ(served.http().send("POST", "/conformance/v1/accounts", R"({"users":[]})").status, 201);
}

TEST(ZendeskLimits, BodyLargerThanTheLimit_Is413) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  Served served(options);
  Sandbox account(served.http());
  const std::string big = R"({"settings":{"api":{"accepted_api_agreement":")" + std::string(2000, 'x') + "\"}}}";
  const Reply reply = served.http().send("PUT", account.base() + "/api/v2/account/settings.json", big, account.admin());
  EXPECT_EQ(reply.status, 413);
  EXPECT_EQ(reply.json.value("error", ""), "PayloadTooLarge");
  Connection fresh(served.url());
  EXPECT_EQ(fresh.get(account.base() + "/api/v2/users/me.json").status, 200);
}

}  // namespace
}  // namespace authconform::target::testing
