#include "tests/target/support.h"

#include "model/header.h"

#include <stdexcept>

namespace authconform::target::testing {
namespace {

Reply to_reply(const httplib::Result& result) {
  Reply reply;
  if (!result) return reply;
  reply.status = result->status;
  reply.body = result->body;
  reply.json = Json::parse(result->body, nullptr, false);
  if (reply.json.is_discarded()) reply.json = nullptr;
  reply.www_authenticate = result->get_header_value("WWW-Authenticate");
  reply.content_type = result->get_header_value("Content-Type");
  return reply;
}

void expect_status(const Reply& reply, int status, std::string_view what) {
  if (reply.status != status)
    throw std::runtime_error(std::string(what) + ": expected HTTP " + std::to_string(status) + ", got " +
                             std::to_string(reply.status));
}

}  // namespace

std::string basic(std::string_view login, std::string_view secret) {
  return "Basic " + model::encode_base64(std::string(login) + ":" + std::string(secret));
}

std::string bearer(std::string_view secret) { return "Bearer " + std::string(secret); }

Connection::Connection(const std::string& url) : m_client(url) {
  m_client.set_tcp_nodelay(true);
  m_client.set_keep_alive(true);
  m_client.set_connection_timeout(5);
  m_client.set_read_timeout(10);
}

Reply Connection::send(const std::string& method, const std::string& path, const std::string& body,
                       const std::string& authorization) {
  httplib::Headers headers;
  if (!authorization.empty()) headers.emplace("Authorization", authorization);
  const char* type = "application/json";
  if (method == "GET") return to_reply(m_client.Get(path, headers));
  if (method == "POST") return to_reply(m_client.Post(path, headers, body, type));
  if (method == "PUT") return to_reply(m_client.Put(path, headers, body, type));
  if (method == "PATCH") return to_reply(m_client.Patch(path, headers, body, type));
  if (method == "DELETE") return to_reply(m_client.Delete(path, headers, body, type));
  throw std::invalid_argument("unsupported method " + method);
}

Served::Served(ServerOptions options) : m_server(std::move(options)), m_http((m_server.start(), m_server.url())) {}

const std::vector<SandboxUser>& standard_users() {
  static const std::vector<SandboxUser> users = {
      {"end@x.test", "end-user", "end-pw", false},
      {"agent@x.test", "agent", "agent-pw", false},
      {"tfa@x.test", "end-user", "tfa-pw", true},
  };
  return users;
}

Sandbox::Sandbox(Connection& http, const std::vector<SandboxUser>& users) : m_http(http) {
  Json list = Json::array();
  for (const SandboxUser& u : users)
    list.push_back({{"email", u.email}, {"role", u.role}, {"password", u.password}, {"two_factor_enrolled", u.two_factor}});
  const Reply reply = m_http.send("POST", "/conformance/v1/accounts", Json{{"users", list}}.dump());
  expect_status(reply, 201, "create account");
  m_created = reply.json;
  const Json& account = reply.json.at("account");
  m_id = account.at("id").get<std::string>();
  const std::string base_url = account.at("base_url").get<std::string>();
  m_base = base_url.substr(base_url.find("/accounts/"));
  m_admin_email = account.at("admin").at("email").get<std::string>();
  m_admin_oauth = account.at("admin").at("oauth_token").get<std::string>();
  for (const Json& u : account.at("users")) m_user_ids.push_back(u.at("id").get<int>());
}

Reply Sandbox::send(const std::string& method, const std::string& tail, const Json& body,
                    const std::string& authorization) {
  return m_http.send(method, m_base + tail, body.is_null() ? "" : body.dump(), authorization);
}

Reply Sandbox::put_settings(const Json& api, const std::string& authorization) {
  return send("PUT", "/api/v2/account/settings.json", Json{{"settings", {{"api", api}}}},
              authorization.empty() ? admin() : authorization);
}

void Sandbox::enable(bool tokens, bool end_user_passwords) {
  expect_status(put_settings({{"accepted_api_agreement", true},
                              {"api_token_access", tokens},
                              {"api_password_access_end_users", end_user_passwords}}),
                200, "enable");
}

Issued Sandbox::generate_token(const std::string& description) {
  const Reply reply = send("POST", "/api/v2/api_tokens.json", {{"api_token", {{"description", description}}}}, admin());
  expect_status(reply, 201, "generate token");
  return {reply.json.at("api_token").at("id").get<int>(), reply.json.at("api_token").at("token").get<std::string>()};
}

Issued Sandbox::issue_oauth(int user_id, const Json& scopes) {
  const Reply reply = send("POST", "/api/v2/oauth/tokens.json", {{"token", {{"user_id", user_id}, {"scopes", scopes}}}}, admin());
  expect_status(reply, 201, "issue OAuth token");
  return {reply.json.at("token").at("id").get<int>(), reply.json.at("token").at("full_token").get<std::string>()};
}

}  // namespace authconform::target::testing
