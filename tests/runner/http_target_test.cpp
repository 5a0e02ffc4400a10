// The HTTP target against servers written here: a small httplib server that
// plays wire.md for a fixed script, and a raw socket server that misbehaves
// on purpose (stalls, resets, truncates, answers nonsense).
#include "model/header.h"
#include "runner/exchange_redaction.h"
#include "runner/http_target.h"
#include "model/policy_model.h"
#include "runner/response_classifier.h"
#include "target/reference_server.h"

#include "tests/utils/raw_server.h"
#include "tests/utils/test_utils.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace authconform::runner {
namespace {

using Json = nlohmann::json;
using testing::http_response;
using testing::RawReply;
using testing::RawRequest;
using testing::RawServer;
using model::Outcome;

Profile zendesk_profile() {
  ProfileLoad load = load_profile_file(testing::source_dir() + "/profiles/zendesk.yaml");
  EXPECT_TRUE(load.errors.empty());
  return std::move(*load.profile);
}

model::Request request(model::Operation op, model::Credential credential = model::NoCredential{}) {
  return model::Request{std::move(op), std::move(credential)};
}

model::Request me(model::Credential credential) { return request(model::ProbeOp{model::Probe::me}, std::move(credential)); }
model::Request tickets() { return request(model::ProbeOp{model::Probe::tickets}, model::OAuthCredential{"admin-oauth"}); }

constexpr std::string_view k_admin_secret = "zdo_admin0123456789abcdef0123456789";
constexpr std::string_view k_token_secret = "zdt_t1secret0123456789abcdef012345";
constexpr std::string_view k_oauth_secret = "zdo_o1secret0123456789abcdef012345";

// --- a wire.md server for a fixed script -------------------------------------------------

class FakeWireServer {
 public:
  FakeWireServer() {
    m_server.set_tcp_nodelay(true);
    install();
    m_port = m_server.bind_to_any_port("127.0.0.1");
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
  }
  ~FakeWireServer() {
    m_server.stop();
    m_thread.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

  // What the API routes answer next for tickets (status, body).
  void script_tickets(int status, std::string body) {
    std::lock_guard lock(m_mutex);
    m_tickets = {status, std::move(body)};
  }
  void script_me(std::string body) {
    std::lock_guard lock(m_mutex);
    m_me_override = std::move(body);
  }
  Json account_request() { std::lock_guard lock(m_mutex); return m_account_request; }
  std::vector<std::string> authorizations() { std::lock_guard lock(m_mutex); return m_authorizations; }
  std::vector<std::string> paths() { std::lock_guard lock(m_mutex); return m_paths; }
  std::vector<std::string> settings_bodies() { std::lock_guard lock(m_mutex); return m_settings_bodies; }
  std::set<int> client_ports() { std::lock_guard lock(m_mutex); return m_ports; }
  int deletions() { std::lock_guard lock(m_mutex); return m_deletions; }

 private:
  void note(const httplib::Request& req) {
    std::lock_guard lock(m_mutex);
    m_paths.push_back(req.method + " " + req.path);
    m_ports.insert(req.remote_port);
    if (req.has_header("Authorization")) m_authorizations.push_back(req.get_header_value("Authorization"));
  }

  // The id of the user a header names, "null" for anonymous, "" for 401.
  std::string caller(const httplib::Request& req) {
    if (!req.has_header("Authorization")) return "null";
    const auto parsed = model::parse_authorization(req.get_header_value("Authorization"));
    if (!parsed) return "";
    if (parsed->kind == model::ParsedHeader::Kind::bearer) return parsed->secret == k_admin_secret ? "1" : "";
    if (parsed->kind == model::ParsedHeader::Kind::token)
      return parsed->secret == k_token_secret && model::iequals_ascii(parsed->login, "admin@acct.test") ? "1" : "";
    if (parsed->login == "ann@x.test" && parsed->secret == "pw-ann-secret") return "\"2\"";
    return "null";
  }

  void install() {
    m_server.Post("/conformance/v1/accounts", [this](const httplib::Request& req, httplib::Response& res) {
      note(req);
      {
        std::lock_guard lock(m_mutex);
        m_account_request = Json::parse(req.body);
      }
      // IDs come as numbers and as numeric strings: both must work.
      res.status = 201;
      res.set_content(R"({"account":{"id":"acc-1","base_url":")" + url() +
                          R"(/accounts/acc-1","extra":true,"admin":{"id":1,"email":"Admin@Acct.test","oauth_token":")" +
                          std::string(k_admin_secret) +
                          R"("},"users":[{"id":"3","email":"bob@x.test"},{"id":2,"email":"ANN@x.test"}]}})",
                      "application/json");
    });
    m_server.Delete("/conformance/v1/accounts/acc-1", [this](const httplib::Request& req, httplib::Response& res) {
      note(req);
      std::lock_guard lock(m_mutex);
      ++m_deletions;
      res.status = 204;
    });
    m_server.Get("/accounts/acc-1/api/v2/users/me.json", [this](const httplib::Request& req, httplib::Response& res) {
      note(req);
      const std::string id = caller(req);
      std::lock_guard lock(m_mutex);
      if (id.empty()) {
        res.status = 401;
        res.set_content(R"({"error":"Couldn't authenticate you"})", "application/json");
      } else if (m_me_override) {
        res.set_content(*m_me_override, "application/json; charset=utf-8");
      } else {
        res.set_content(R"({"user":{"id":)" + id + R"(,"email":null,"role":"end-user"}})", "application/json");
      }
    });
    m_server.Get("/accounts/acc-1/api/v2/tickets.json", [this](const httplib::Request& req, httplib::Response& res) {
      note(req);
      std::lock_guard lock(m_mutex);
      res.status = m_tickets.first;
      res.set_content(m_tickets.second, "application/json");
    });
    m_server.Post("/accounts/acc-1/api/v2/api_tokens.json", [this](const httplib::Request& req, httplib::Response& res) {
      note(req);
      res.status = 201;
      res.set_content(R"({"api_token":{"id":11,"token":")" + std::string(k_token_secret) + R"(","active":true}})",
                      "application/json");
    });
    m_server.Post("/accounts/acc-1/api/v2/oauth/tokens.json", [this](const httplib::Request& req, httplib::Response& res) {
      note(req);
      res.status = 201;
      res.set_content(R"({"token":{"id":"21","full_token":")" + std::string(k_oauth_secret) + R"("}})", "application/json");
    });
    // A leaky list: it shows the secret again (TOK-3 says: once, at creation).
    m_server.Get("/accounts/acc-1/api/v2/api_tokens.json", [this](const httplib::Request& req, httplib::Response& res) {
      note(req);
      res.set_content(R"({"api_tokens":[{"id":11,"token":")" + std::string(k_token_secret) + R"(","active":true}]})",
                      "application/json");
    });
    m_server.Put("/accounts/acc-1/api/v2/account/settings.json", [this](const httplib::Request& req, httplib::Response& res) {
      note(req);
      std::lock_guard lock(m_mutex);
      m_settings_bodies.push_back(req.body);
      res.set_content(R"({"settings":{"api":{}}})", "application/json");
    });
    m_server.Delete(R"(/accounts/acc-1/api/v2/api_tokens/(\d+)\.json)", [this](const httplib::Request& req, httplib::Response& res) {
      note(req);
      res.status = req.matches[1] == "11" ? 204 : 404;
    });
  }

  httplib::Server m_server;
  int m_port = 0;
  std::thread m_thread;
  std::mutex m_mutex;
  std::pair<int, std::string> m_tickets{200, R"({"tickets":[]})"};
  std::optional<std::string> m_me_override;
  Json m_account_request;
  std::vector<std::string> m_authorizations;
  std::vector<std::string> m_paths;
  std::vector<std::string> m_settings_bodies;
  std::set<int> m_ports;
  int m_deletions = 0;
};

std::vector<ScenarioUser> ann_and_bob() {
  return {ScenarioUser{"ann", "ann@x.test", model::Role::end_user, "pw-ann-secret", false},
          ScenarioUser{"bob", "bob@x.test", model::Role::agent, "pw-bob-secret", true}};
}

class HttpTargetWire : public ::testing::Test {
 protected:
  std::unique_ptr<AccountSession> open() {
    HttpOptions options;
    options.url = server.url();
    target = make_http_target(options, zendesk_profile());
    return target->open_account(ann_and_bob());
  }

  FakeWireServer server;
  std::unique_ptr<Target> target;
};

TEST_F(HttpTargetWire, OpenAccountSendsTheUsersAsTheFixtureBody) {
  auto session = open();
  EXPECT_EQ(server.account_request(),
            Json::parse(R"({"users":[{"email":"ann@x.test","role":"end-user","password":"pw-ann-secret","two_factor_enrolled":false},
                                     {"email":"bob@x.test","role":"agent","password":"pw-bob-secret","two_factor_enrolled":true}]})"));
}

TEST_F(HttpTargetWire, UsersMeMapsIdsBackToNamesWhateverTheirJsonType) {
  auto session = open();
  // The fake answers ann's id as the string "2"; creation gave it as the number 2.
  EXPECT_EQ(session->execute(me(model::PasswordCredential{"ann@x.test", "pw-ann-secret"})).outcome,
            Outcome::as_user("ann"));
  EXPECT_EQ(session->execute(me(model::OAuthCredential{"admin-oauth"})).outcome, Outcome::as_user("admin"));
  EXPECT_EQ(session->execute(me(model::NoCredential{})).outcome, Outcome::anonymous());
  EXPECT_EQ(session->execute(me(model::PasswordCredential{"ann@x.test", "wrong"})).outcome, Outcome::anonymous());
}

// Another user of the same account is a wrong answer (it mismatches); a user
// of no account user is another account's data, a broken target (below).
TEST_F(HttpTargetWire, UsersMeWithAnotherUsersEmailMatchesNobody) {
  auto session = open();
  server.script_me(R"({"user":{"id":2,"email":"bob@x.test"}})");
  EXPECT_EQ(session->execute(me(model::NoCredential{})).outcome, Outcome::as_user("?2 <bob@x.test>"));
  server.script_me(R"({"user":{"id":3,"email":"BOB@X.TEST"}})");
  EXPECT_EQ(session->execute(me(model::NoCredential{})).outcome, Outcome::as_user("bob"));
}

TEST_F(HttpTargetWire, UsersMeShowingNoUserOfTheAccountIsATargetErrorNotAMismatch) {
  auto session = open();
  const std::string foreign_email = std::string(k_admin_secret) + "@other.test";  // a hostile echo
  for (const std::string& body : {std::string(R"({"user":{"id":77,"email":"ann@x.test"}})"),
                                   std::string(R"({"user":{"id":2,"email":"eve@other.test"}})"),
                                   R"({"user":{"id":78,"email":")" + foreign_email + R"("}})"}) {
    server.script_me(body);
    try {
      session->execute(me(model::NoCredential{}));
      ADD_FAILURE() << "no TargetError for " << body;
    } catch (const TargetError& e) {
      const std::string message = e.what();
      EXPECT_EQ(e.kind(), TargetError::Kind::protocol) << body;
      EXPECT_NE(message.find("a user who is not in this account (another account's data?)"), std::string::npos)
          << message;
      EXPECT_EQ(message.find(k_admin_secret), std::string::npos) << message;
    }
  }
}

TEST_F(HttpTargetWire, CredentialsRenderTheRealSecretsOnTheWire) {
  auto session = open();
  ASSERT_EQ(session->execute(request(model::GenerateTokenOp{"t1"}, model::OAuthCredential{"admin-oauth"})).outcome,
            Outcome::ok());
  const auto seen = session->execute(me(model::TokenCredential{"${email:admin}", "t1"}));
  EXPECT_EQ(seen.outcome, Outcome::as_user("admin"));
  const auto headers = server.authorizations();
  ASSERT_FALSE(headers.empty());
  EXPECT_EQ(headers.front(), "Bearer " + std::string(k_admin_secret));
  EXPECT_EQ(model::decode_base64_strict(headers.back().substr(6)),
            "Admin@Acct.test/token:" + std::string(k_token_secret));
}

TEST_F(HttpTargetWire, NamesNeverCreatedGetMadeUpSecretsAndImpossibleIds) {
  auto session = open();
  EXPECT_EQ(session->execute(me(model::TokenCredential{"${email:zed}", "ghost"})).outcome, Outcome::unauthorized());
  const auto decoded = model::decode_base64_strict(server.authorizations().back().substr(6));
  ASSERT_TRUE(decoded);
  const std::string prefix = "zed@unknown.example/token:";
  ASSERT_EQ(decoded->substr(0, prefix.size()), prefix);
  EXPECT_EQ(decoded->size(), prefix.size() + 40);
  EXPECT_EQ(decoded->find_first_not_of("0123456789abcdef", prefix.size()), std::string::npos);
  EXPECT_EQ(session->execute(request(model::DeleteTokenOp{"ghost"}, model::OAuthCredential{"admin-oauth"})).outcome,
            Outcome::not_found());
  EXPECT_EQ(server.paths().back(), "DELETE /accounts/acc-1/api/v2/api_tokens/999999999.json");
}

// JSON objects are unordered: the first settings body of a session that sets
// the agreement beside a toggle lists its keys the other way round, the next
// one as the profile writes them (ACT-3 holds wherever the agreement is).
TEST_F(HttpTargetWire, TheAgreementBesideAToggleIsSentLastThenFirst) {
  auto session = open();
  const model::OAuthCredential admin{"admin-oauth"};
  model::UpdateSettingsOp both;
  both.accepted_api_agreement = true;
  both.token_access = true;
  model::UpdateSettingsOp toggle_only;
  toggle_only.token_access = false;
  for (const model::UpdateSettingsOp& op : {both, both, toggle_only, both})
    EXPECT_EQ(session->execute(request(op, admin)).outcome, Outcome::ok());
  EXPECT_EQ(server.settings_bodies(),
            (std::vector<std::string>{R"({"settings":{"api":{"api_token_access":true,"accepted_api_agreement":true}}})",
                                      R"({"settings":{"api":{"accepted_api_agreement":true,"api_token_access":true}}})",
                                      R"({"settings":{"api":{"api_token_access":false}}})",
                                      R"({"settings":{"api":{"api_token_access":true,"accepted_api_agreement":true}}})"}));
}

// Another account's API token lends its ID to t0 while no token here has it
// (the fake gives every account's token the ID 11): a target that finds IDs
// across accounts answers for it.
TEST_F(HttpTargetWire, ForeignNamesBorrowTheSecondAccountsTokenIdUnlessATokenHereHasIt) {
  auto session = open();
  const model::OAuthCredential admin{"admin-oauth"};
  EXPECT_EQ(session->execute(request(model::DeleteTokenOp{"t0"}, admin)).outcome, Outcome::ok());
  EXPECT_EQ(server.paths().back(), "DELETE /accounts/acc-1/api/v2/api_tokens/11.json");
  EXPECT_EQ(session->execute(request(model::GenerateTokenOp{"t1"}, admin)).outcome, Outcome::ok());
  EXPECT_EQ(session->execute(request(model::DeleteTokenOp{"t0"}, admin)).outcome, Outcome::not_found());
  EXPECT_EQ(server.paths().back(), "DELETE /accounts/acc-1/api/v2/api_tokens/999999999.json");
}

// The fake gives every account the same secrets, as a target that looks
// secrets up across accounts would: the second account's token gets in.
TEST_F(HttpTargetWire, ForeignNamesCarryTheLiveSecretsOfASecondAccount) {
  auto session = open();
  EXPECT_EQ(session->execute(me(model::TokenCredential{"${email:admin}", "t0"})).outcome, Outcome::as_user("admin"));
  EXPECT_EQ(model::decode_base64_strict(server.authorizations().back().substr(6)),
            "Admin@Acct.test/token:" + std::string(k_token_secret));
  const std::vector<std::string> paths = server.paths();
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "POST /conformance/v1/accounts"), 2);
  EXPECT_EQ(std::count(paths.begin(), paths.end(), "POST /accounts/acc-1/api/v2/api_tokens.json"), 1);
  EXPECT_EQ(session->execute(me(model::OAuthCredential{"o0"})).outcome, Outcome::as_user("admin"));
  EXPECT_EQ(server.authorizations().back(), "Bearer " + std::string(k_admin_secret));
  // Made once for the target: a second session reuses it.
  auto second = target->open_account({});
  (void)second->execute(me(model::OAuthCredential{"foreign"}));
  const std::vector<std::string> after = server.paths();
  EXPECT_EQ(std::count(after.begin(), after.end(), "POST /accounts/acc-1/api/v2/api_tokens.json"), 1);
  // Other unknown names still get made-up secrets.
  EXPECT_EQ(session->execute(me(model::TokenCredential{"${email:admin}", "ghost"})).outcome, Outcome::unauthorized());
}

// A user of no account user in answer to another account's secret is the
// leak itself, a wrong answer; without such a secret it stays a broken target.
TEST_F(HttpTargetWire, AnotherAccountsUserAfterAForeignSecretIsAMismatchNotATargetError) {
  auto session = open();
  server.script_me(R"({"user":{"id":77,"email":"root@other.test"}})");
  EXPECT_EQ(session->execute(me(model::OAuthCredential{"o0"})).outcome,
            Outcome::as_user("?77 (another account's user)"));
  EXPECT_THROW(session->execute(me(model::NoCredential{})), TargetError);
}

TEST_F(HttpTargetWire, EveryMappedStatusIsClassified) {
  auto session = open();
  const std::vector<std::tuple<int, std::string, Outcome>> cases = {
      {200, R"({"tickets":[]})", Outcome::as_user(std::string(model::k_any_user))},
      {401, R"({"error":"Couldn't authenticate you"})", Outcome::unauthorized()},
      {403, R"({"error":"Forbidden","reason":"not_agent"})", Outcome::forbidden(model::Reason::not_agent)},
      {403, R"({"error":"Forbidden","reason":"no_idea"})", Outcome::forbidden(model::Reason::none)},
      {403, "not json", Outcome::forbidden(model::Reason::none)},
      {404, R"({"error":"RecordNotFound"})", Outcome::not_found()},
      {400, R"({"error":"InvalidRequest"})", Outcome::invalid()},
  };
  for (const auto& [status, body, expected] : cases) {
    server.script_tickets(status, body);
    const auto seen = session->execute(tickets());
    EXPECT_EQ(seen.outcome, expected) << status << " " << body;
    EXPECT_EQ(seen.exchange.status, status);
  }
}

TEST_F(HttpTargetWire, UnmappedStatusesAreTargetErrorsNamingTheUrl) {
  auto session = open();
  for (const int status : {500, 302, 503}) {
    server.script_tickets(status, R"({"error":"boom"})");
    try {
      session->execute(tickets());
      ADD_FAILURE() << status << " was classified";
    } catch (const TargetError& e) {
      EXPECT_EQ(e.kind(), TargetError::Kind::unclassifiable);
      EXPECT_EQ(std::string(e.what()),
                "GET " + server.url() + "/accounts/acc-1/api/v2/tickets.json answered " + std::to_string(status) +
                    ": profile 'zendesk' does not map this status for 'tickets' (ok: 2xx; unauthorized: 401; "
                    "forbidden: 403; not_found: 404; invalid: 400); body: {\"error\":\"boom\"}");
      EXPECT_EQ(e.exchange().status, status);
    }
  }
}

// A coherent 4xx the profile does not map is a wrong answer (docs/spec-choices.md
// C17): observed, so that it mismatches, rather than a broken target.
TEST_F(HttpTargetWire, UnmappedClientErrorIsObservedAsUnexpected) {
  auto session = open();
  for (const int status : {422, 405, 409}) {
    server.script_tickets(status, R"({"error":"nope"})");
    const Observation seen = session->execute(tickets());
    EXPECT_EQ(model::to_string(seen.outcome), "unexpected:" + std::to_string(status));
    EXPECT_EQ(seen.exchange.status, status);
  }
}

TEST_F(HttpTargetWire, ListingThatShowsATokenSecretAgain_IsObservedAsWrong) {
  auto session = open();
  const model::Credential admin = model::OAuthCredential{"admin-oauth"};
  EXPECT_EQ(session->execute(request(model::ListTokensOp{}, admin)).outcome, model::Outcome::ok());
  session->execute(request(model::GenerateTokenOp{"t1"}, admin));
  const Observation listed = session->execute(request(model::ListTokensOp{}, admin));
  EXPECT_EQ(model::to_string(listed.outcome), "unexpected:the secret of token t1 shown again");
  EXPECT_EQ(listed.exchange.response_body.find(k_token_secret), std::string::npos);
}

TEST_F(HttpTargetWire, ExchangesShowNoSecretInAnyForm) {
  auto session = open();
  const auto generated = session->execute(request(model::GenerateTokenOp{"t1"}, model::OAuthCredential{"admin-oauth"}));
  const auto by_password = session->execute(me(model::PasswordCredential{"ann@x.test", "pw-ann-secret"}));
  const auto by_token = session->execute(me(model::TokenCredential{"${email:admin}", "t1"}));
  const std::vector<std::string> secrets = {std::string(k_admin_secret), std::string(k_token_secret), "pw-ann-secret",
                                            model::encode_base64("ann@x.test:pw-ann-secret")};
  for (const Observation* seen : {&generated, &by_password, &by_token}) {
    std::string all = seen->exchange.url + seen->exchange.request_body + seen->exchange.response_body;
    for (const auto& [name, value] : seen->exchange.request_headers) all += name + ": " + value + "\n";
    for (const std::string& secret : secrets) EXPECT_EQ(all.find(secret), std::string::npos) << all;
  }
  EXPECT_NE(generated.exchange.response_body.find("\u20262345"), std::string::npos);
  const auto& headers = by_password.exchange.request_headers;
  const auto auth = std::find_if(headers.begin(), headers.end(), [](const auto& h) { return h.first == "Authorization"; });
  ASSERT_NE(auth, headers.end());
  EXPECT_EQ(auth->second, "Basic base64(\"ann@x.test:\u2026\")");
}

TEST(HttpTargetRedaction, FixtureBodyPasswordsAreRedacted) {
  FakeWireServer server;
  HttpOptions options;
  options.url = server.url();
  auto target = make_http_target(options, zendesk_profile());
  auto session = target->open_account(ann_and_bob());
  const auto seen = session->execute(request(model::SetPasswordOp{"ann", "new-password-123"}));
  // 16 characters or more: the last 4 may show (reports::redact).
  EXPECT_EQ(seen.exchange.request_body, "{\"password\":\"\u2026-123\"}");
  EXPECT_EQ(seen.exchange.url, server.url() + "/accounts/acc-1/conformance/v1/users/2");
}

// A profile may put a secret in the path or a header (a vendor's API is
// data); the exchange a report shows renders them with the redacted values.
TEST(HttpTargetRedaction, SecretsInAPathOrAHeaderAreRedactedInTheExchange) {
  FakeWireServer server;
  std::string yaml = testing::read_file(testing::source_dir() + "/profiles/zendesk.yaml");
  const std::string path = "    path: /conformance/v1/users/{user_id}\n    body: {\"password\": \"${password}\"}";
  ASSERT_NE(yaml.find(path), std::string::npos);
  yaml.replace(yaml.find(path), path.size(),
               "    path: /conformance/v1/users/{user_id}/{password}\n    headers: {X-Password: \"${password}\"}\n"
               "    body: {\"password\": \"${password}\"}");
  ProfileLoad load = load_profile_text(yaml, "secret-in-path.yaml");
  ASSERT_TRUE(load.errors.empty()) << load.errors.front().message;
  HttpOptions options;
  options.url = server.url();
  auto target = make_http_target(options, std::move(*load.profile));
  auto session = target->open_account(ann_and_bob());
  Exchange shown;
  try {
    shown = session->execute(request(model::SetPasswordOp{"ann", "new-password-123"})).exchange;
  } catch (const TargetError& e) {
    shown = e.exchange();  // the fake server does not know the path: what the error shows counts too
  }
  std::string all = shown.url;
  for (const auto& [name, value] : shown.request_headers) all += "\n" + name + ": " + value;
  EXPECT_EQ(all.find("new-password"), std::string::npos) << all;
  EXPECT_NE(shown.url.find("/conformance/v1/users/2/"), std::string::npos) << shown.url;
  EXPECT_NE(all.find("X-Password: "), std::string::npos) << all;
}

TEST(HttpTargetRedaction, MalformedHeadersHidingASecretAreRedacted) {
  const std::vector<std::string> secrets = {"s3cr3t-value-0123456789"};
  EXPECT_EQ(redact_authorization("Basic " + model::encode_base64("no colon s3cr3t-value-0123456789"), secrets),
            "Basic \u2026(redacted)");
  EXPECT_EQ(redact_authorization("Token s3cr3t-value-0123456789", secrets), "Token \u2026(redacted)");
  EXPECT_EQ(redact_authorization("Basic !!!", secrets), "Basic !!!");
  EXPECT_EQ(redact_authorization("Bearer s3cr3t-value-0123456789", secrets), "Bearer \u20266789");
}

// A value with no separator after its scheme (scenarios/headers/
// unknown-schemes-are-refused.yaml sends them) is one word: the word is not
// shown when it holds the secret, only the scheme it starts with.
TEST(HttpTargetRedaction, ASecretGluedToItsSchemeIsNotShownAsTheScheme) {
  const std::vector<std::string> secrets = {"zdoauth_54acde9a0123fef9a226", "s3cret-1"};
  EXPECT_EQ(redact_authorization("Bearerzdoauth_54acde9a0123fef9a226", secrets), "Bearer\u2026(redacted)");
  EXPECT_EQ(redact_authorization("bearerzdoauth_54acde9a0123fef9a226", secrets), "bearer\u2026(redacted)");
  EXPECT_EQ(redact_authorization("Basic" + model::encode_base64("eve@example.test:s3cret-1"), secrets),
            "Basic\u2026(redacted)");
  EXPECT_EQ(redact_authorization("zdoauth_54acde9a0123fef9a226", secrets), "\u2026(redacted)");
  EXPECT_EQ(redact_authorization("zdoauth_54acde9a0123fef9a226 Bearer", secrets), "\u2026(redacted)");
  EXPECT_EQ(redact_authorization("Token\tzdoauth_54acde9a0123fef9a226", secrets), "Token \u2026(redacted)");
}

TEST_F(HttpTargetWire, ClosingTheSessionDeletesTheAccountAndOneConnectionServesItAll) {
  {
    auto session = open();
    session->execute(me(model::NoCredential{}));
    session->execute(tickets());
  }
  EXPECT_EQ(server.deletions(), 1);
  EXPECT_EQ(server.paths().back(), "DELETE /conformance/v1/accounts/acc-1");
  EXPECT_EQ(server.client_ports().size(), 1u);  // keep-alive
}

// --- a server that misbehaves ---------------------------------------------------------

// Answers account creation and deletion as wire.md says; everything else as `script` says.
std::function<RawReply(const RawRequest&)> with_fixtures(std::function<RawReply(const RawRequest&)> script) {
  return [script = std::move(script)](const RawRequest& r) -> RawReply {
    if (r.method == "POST" && r.path == "/conformance/v1/accounts")
      return {http_response(201, R"({"account":{"id":"a1","base_url":"/accounts/a1","admin":{"id":1,"email":"admin@a.test","oauth_token":"adminsecret0123456789abcdef"},"users":[]}})")};
    if (r.method == "DELETE") return {"HTTP/1.1 204 No Content\r\n\r\n"};
    return script(r);
  };
}

struct Failure {
  TargetError::Kind kind;
  std::string message;
};

// Runs one tickets probe against a server answering `reply`, expecting a TargetError.
Failure failure_of(RawReply reply, std::size_t max_body = 1 << 20) {
  RawServer server(with_fixtures([reply](const RawRequest&) { return reply; }));
  HttpOptions options;
  options.url = server.url();
  options.request_timeout_s = 0.5;
  options.max_body_bytes = max_body;
  auto target = make_http_target(options, zendesk_profile());
  auto session = target->open_account({});
  try {
    session->execute(tickets());
  } catch (const TargetError& e) {
    return {e.kind(), e.what()};
  }
  ADD_FAILURE() << "no TargetError";
  return {};
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

TEST(HttpTargetErrors, AStallPastTheRequestTimeoutIsATimeout) {
  RawReply stall;
  stall.stall = true;
  const Failure f = failure_of(stall);
  EXPECT_EQ(f.kind, TargetError::Kind::timeout);
  EXPECT_TRUE(contains(f.message, "/accounts/a1/api/v2/tickets.json: no response within 0.5 s")) << f.message;
}

TEST(HttpTargetErrors, AResetBeforeTheResponseIsAConnectionReset) {
  const Failure f = failure_of({"HTTP/1.1 200 OK\r\nContent-", RawReply::After::reset});
  EXPECT_EQ(f.kind, TargetError::Kind::connection_reset);
  EXPECT_TRUE(contains(f.message, "the connection was closed or reset before a complete response head")) << f.message;
}

TEST(HttpTargetErrors, ATruncatedBodyIsAProtocolError) {
  const Failure f = failure_of({"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"tickets\"", RawReply::After::close});
  EXPECT_EQ(f.kind, TargetError::Kind::protocol);
  EXPECT_TRUE(contains(f.message, "truncated body: the connection ended after 10 of the 100 bytes")) << f.message;
}

TEST(HttpTargetErrors, ABodyThatStallsHalfwayIsATimeout) {
  const Failure f = failure_of({"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"tickets\"", RawReply::After::hold});
  EXPECT_EQ(f.kind, TargetError::Kind::timeout);
  EXPECT_TRUE(contains(f.message, "the body stalled after 10 bytes")) << f.message;
}

TEST(HttpTargetErrors, ABodyOverTheLimitStopsTheRead) {
  const std::string big = "{\"tickets\":[\"" + std::string(5000, 'x') + "\"]}";
  Failure f = failure_of({http_response(200, big)}, 1024);
  EXPECT_EQ(f.kind, TargetError::Kind::too_large);
  EXPECT_TRUE(contains(f.message, "the response body is larger than 1024 bytes")) << f.message;
  // Without a Content-Length the receiver stops at the limit all the same.
  f = failure_of({"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + big, RawReply::After::close}, 1024);
  EXPECT_EQ(f.kind, TargetError::Kind::too_large);
}

TEST(HttpTargetErrors, A500IsUnclassifiable) {
  const Failure f = failure_of({http_response(500, "oops")});
  EXPECT_EQ(f.kind, TargetError::Kind::unclassifiable);
  EXPECT_TRUE(contains(f.message, "tickets.json answered 500: profile 'zendesk' does not map this status")) << f.message;
}

// Redirects are not followed; the message says where one points.
TEST(HttpTargetErrors, ARedirectIsUnclassifiableAndSaysWhereItPoints) {
  const Failure f = failure_of({http_response(301, "", "Location: https://api.example.test/v2/tickets.json\r\n")});
  EXPECT_EQ(f.kind, TargetError::Kind::unclassifiable);
  EXPECT_TRUE(contains(f.message, "tickets.json answered 301: profile 'zendesk' does not map this status for "
                                  "'tickets' (ok: 2xx; unauthorized: 401; forbidden: 403; not_found: 404; invalid: "
                                  "400); body: (empty body) (it redirects to https://api.example.test/v2/tickets.json; "
                                  "authconform does not follow redirects: give the URL the target means as --target)"))
      << f.message;
}

TEST(HttpTargetErrors, ANonJsonBodyWhereAFieldMustBeReadIsAProtocolError) {
  RawServer server(with_fixtures([](const RawRequest&) { return RawReply{http_response(201, "<html>hello</html>")}; }));
  HttpOptions options;
  options.url = server.url();
  auto target = make_http_target(options, zendesk_profile());
  auto session = target->open_account({});
  try {
    session->execute(request(model::GenerateTokenOp{"t1"}, model::OAuthCredential{"admin-oauth"}));
    ADD_FAILURE() << "no TargetError";
  } catch (const TargetError& e) {
    EXPECT_EQ(e.kind(), TargetError::Kind::protocol);
    EXPECT_EQ(std::string(e.what()), "POST " + server.url() +
                                         "/accounts/a1/api/v2/api_tokens.json answered 201: the body is not JSON, but "
                                         "profile 'zendesk' reads 'token_id' from it: <html>hello</html>");
  }
}

TEST(HttpTargetErrors, AMissingFieldIsAProtocolError) {
  RawServer server(with_fixtures([](const RawRequest&) { return RawReply{http_response(201, R"({"api_token":{"id":5}})")}; }));
  HttpOptions options;
  options.url = server.url();
  auto session = make_http_target(options, zendesk_profile())->open_account({});
  try {
    session->execute(request(model::GenerateTokenOp{"t1"}, model::OAuthCredential{"admin-oauth"}));
    ADD_FAILURE() << "no TargetError";
  } catch (const TargetError& e) {
    EXPECT_EQ(e.kind(), TargetError::Kind::protocol);
    EXPECT_TRUE(contains(e.what(), "the body has no 'token_secret' at /api_token/token")) << e.what();
  }
}

TEST(HttpTargetErrors, ARefusedConnectionIsUnreachableAfterRetrying) {
  int port = 0;
  {
    RawServer gone(with_fixtures([](const RawRequest&) { return RawReply{}; }));
    port = std::stoi(gone.url().substr(gone.url().rfind(':') + 1));
  }
  HttpOptions options;
  options.url = "http://127.0.0.1:" + std::to_string(port);
  auto target = make_http_target(options, zendesk_profile());
  try {
    target->open_account({});
    ADD_FAILURE() << "no TargetError";
  } catch (const TargetError& e) {
    EXPECT_EQ(e.kind(), TargetError::Kind::unreachable);
    EXPECT_EQ(std::string(e.what()), "POST " + options.url +
                                         "/conformance/v1/accounts: cannot connect (connection refused or host "
                                         "unreachable) after 3 attempts");
  }
}

TEST(HttpTargetWireFormat, AnEmptyRawHeaderIsSentAsAnEmptyHeader) {
  std::mutex mutex;
  std::string head;
  RawServer server(with_fixtures([&](const RawRequest& r) {
    std::lock_guard lock(mutex);
    head = r.head;
    return RawReply{http_response(401, R"({"error":"Couldn't authenticate you"})")};
  }));
  HttpOptions options;
  options.url = server.url();
  auto session = make_http_target(options, zendesk_profile())->open_account({});
  EXPECT_EQ(session->execute(me(model::RawCredential{""})).outcome, Outcome::unauthorized());
  std::lock_guard lock(mutex);
  EXPECT_NE(head.find("\r\nAuthorization: \r\n"), std::string::npos) << head;
}

TEST(HttpTargetErrors, ABadUrlIsRefusedAtOnce) {
  HttpOptions options;
  options.url = "ftp://example.test";
  EXPECT_THROW(make_http_target(options, zendesk_profile()), std::invalid_argument);
  options.url = "http://host:99999";
  EXPECT_THROW(make_http_target(options, zendesk_profile()), std::invalid_argument);
}

TEST(HttpUrl, BaseUrlsResolveAgainstTheRoot) {
  const ParsedUrl root = parse_url("https://Example.test:8443/prefix/");
  EXPECT_EQ(root.text(), "https://Example.test:8443/prefix");
  EXPECT_EQ(resolve_url(root, "/accounts/7").text(), "https://Example.test:8443/accounts/7");
  EXPECT_EQ(resolve_url(root, "accounts/7").text(), "https://Example.test:8443/prefix/accounts/7");
  EXPECT_EQ(resolve_url(root, "http://other:81/x").text(), "http://other:81/x");
  EXPECT_EQ(parse_url("http://[::1]:8080").origin(), "http://[::1]:8080");
  EXPECT_EQ(parse_url("http://h").port, 80);
}

// --- HTTPS ---------------------------------------------------------------------------------

// A self-signed certificate for 127.0.0.1 that is its own CA.
struct SelfSigned {
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* cert = X509_new();

  SelfSigned() {
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert), -60);
    X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
    X509_set_pubkey(cert, key);
    X509_NAME* name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    for (const auto& [nid, value] : {std::pair{NID_subject_alt_name, "IP:127.0.0.1"},
                                      std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
      X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
      X509_add_ext(cert, ext, -1);
      X509_EXTENSION_free(ext);
    }
    X509_sign(cert, key, EVP_sha256());
  }
  ~SelfSigned() {
    X509_free(cert);
    EVP_PKEY_free(key);
  }
  std::string write_pem(const std::string& dir) const {
    const std::string path = dir + "/ca.pem";
    FILE* f = std::fopen(path.c_str(), "w");
    PEM_write_X509(f, cert);
    std::fclose(f);
    return path;
  }
};

class HttpsServer {
 public:
  explicit HttpsServer(const SelfSigned& identity) : m_server(identity.cert, identity.key) {
    m_server.set_tcp_nodelay(true);
    m_server.Post("/conformance/v1/accounts", [](const httplib::Request&, httplib::Response& res) {
      res.status = 201;
      res.set_content(R"({"account":{"id":"s1","base_url":"/accounts/s1","admin":{"id":1,"email":"a@s.test","oauth_token":"secret-s1-0123456789abcdef"},"users":[]}})",
                      "application/json");
    });
    m_server.Delete("/conformance/v1/accounts/s1", [](const httplib::Request&, httplib::Response& res) { res.status = 204; });
    m_port = m_server.bind_to_any_port("127.0.0.1");
    m_thread = std::thread([this] { m_server.listen_after_bind(); });
  }
  ~HttpsServer() {
    m_server.stop();
    m_thread.join();
  }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(m_port); }

 private:
  httplib::SSLServer m_server;
  int m_port = 0;
  std::thread m_thread;
};

TEST(HttpTargetHttps, CertificatesAreVerifiedUnlessToldOtherwise) {
  const SelfSigned identity;
  HttpsServer server(identity);
  HttpOptions options;
  options.url = server.url();
  try {
    make_http_target(options, zendesk_profile())->open_account({});
    ADD_FAILURE() << "a self-signed certificate was accepted";
  } catch (const TargetError& e) {
    EXPECT_EQ(e.kind(), TargetError::Kind::unreachable);
    EXPECT_TRUE(contains(e.what(), "the server's TLS certificate did not verify")) << e.what();
  }
  const std::string dir = testing::make_temp_dir("authconform-tls");
  options.ca_file = identity.write_pem(dir);
  EXPECT_NO_THROW(make_http_target(options, zendesk_profile())->open_account({}));
  options.ca_file.clear();
  options.insecure = true;
  EXPECT_NO_THROW(make_http_target(options, zendesk_profile())->open_account({}));
  std::filesystem::remove_all(dir);
}

// --- the reference server, both variants --------------------------------------------------

class HttpTargetReference : public ::testing::TestWithParam<std::string> {};

TEST_P(HttpTargetReference, AgreesWithTheModelOnAShortSequence) {
  target::ServerOptions server_options;
  server_options.variant = GetParam();
  target::ReferenceServer server(server_options);
  server.start();
  HttpOptions options;
  options.url = server.url();
  ProfileLoad load = load_profile_file(testing::source_dir() + "/profiles/" + GetParam() + ".yaml");
  ASSERT_TRUE(load.profile);
  auto session = make_http_target(options, std::move(*load.profile))->open_account(ann_and_bob());

  const model::PolicyModel model;
  model::AccountState state = model.initial_state();
  for (const ScenarioUser& u : ann_and_bob())
    model.apply(state, request(model::AddUserOp{u.name, u.email, u.role, u.password, u.two_factor}));
  const model::Credential admin = model::OAuthCredential{"admin-oauth"};
  const model::Credential ann_pw = model::PasswordCredential{"ann@x.test", "pw-ann-secret"};
  model::UpdateSettingsOp enable;
  enable.accepted_api_agreement = true;
  enable.token_access = true;
  model::UpdateSettingsOp malformed;
  malformed.malformed = true;
  const std::vector<model::Request> steps = {
      me(model::NoCredential{}),
      me(ann_pw),
      request(model::GenerateTokenOp{"t1"}, admin),
      request(enable, admin),
      request(model::GenerateTokenOp{"t1"}, admin),
      me(model::TokenCredential{"${email:bob}", "t1"}),
      me(model::TokenCredential{"${email:admin}", "ghost"}),
      // Another account's live secrets: refused as made-up ones.
      me(model::TokenCredential{"${email:admin}", "t0"}),
      me(model::TokenCredential{"${email:bob}", "foreign"}),
      me(model::OAuthCredential{"o0"}),
      request(model::ProbeOp{model::Probe::tickets}, model::OAuthCredential{"foreign"}),
      request(model::ProbeOp{model::Probe::tickets}, ann_pw),
      request(malformed, admin),
      request(model::IssueOAuthOp{"o1", "ann", true, false}, admin),
      me(model::OAuthCredential{"o1"}),
      request(model::ProbeOp{model::Probe::tickets}, model::OAuthCredential{"o1"}),
      request(model::ListTokensOp{}, model::OAuthCredential{"o1"}),
      request(model::SetTokenActiveOp{"t1", false}, admin),
      me(model::TokenCredential{"${email:bob}", "t1"}),
      request(model::DeleteTokenOp{"ghost"}, admin),
      request(model::IssueOAuthOp{"o2", "nobody", true, true}, admin),
      request(model::RevokeOAuthOp{"o1"}, admin),
      me(model::OAuthCredential{"o1"}),
      request(model::SetAgentPasswordAccessOp{true}),
      me(model::PasswordCredential{"bob@x.test", "pw-bob-secret"}),
      request(model::SetPasswordOp{"bob", "pw-bob-new-one"}),
      me(model::PasswordCredential{"bob@x.test", "pw-bob-secret"}),
      request(model::AddUserOp{"cy", "cy@x.test", model::Role::admin, "pw-cy-secret", false}),
      request(model::ReadSettingsOp{}, model::PasswordCredential{"cy@x.test", "pw-cy-secret"}),
  };
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const model::Decision expected = model.apply(state, steps[i]);
    const Observation seen = session->execute(steps[i]);
    EXPECT_TRUE(expected.accepts(seen.outcome))
        << GetParam() << " step " << i + 1 << ": expected " << model::to_string(expected.outcome) << ", saw "
        << model::to_string(seen.outcome) << " (" << seen.exchange.method << " " << seen.exchange.url << " -> "
        << seen.exchange.status << " " << seen.exchange.response_body << ")";
  }
}

INSTANTIATE_TEST_SUITE_P(Variants, HttpTargetReference, ::testing::Values("zendesk", "acme"));

}  // namespace
}  // namespace authconform::runner
