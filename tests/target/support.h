// Helpers for the reference server's tests: a server started in-process on an
// ephemeral port, a keep-alive connection to it, and a sandbox account of the
// zendesk variant with the calls the tests repeat.
#pragma once

#include "target/reference_server.h"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace authconform::target::testing {

using Json = nlohmann::json;

struct Reply {
  int status = 0;  // 0: no answer at all
  std::string body;
  Json json;  // the parsed body; null when it is not JSON
  std::string www_authenticate;
  std::string content_type;
};

std::string basic(std::string_view login, std::string_view secret);
std::string bearer(std::string_view secret);

class Connection {
 public:
  explicit Connection(const std::string& url);
  Reply send(const std::string& method, const std::string& path, const std::string& body = "",
             const std::string& authorization = "");
  Reply get(const std::string& path, const std::string& authorization = "") {
    return send("GET", path, "", authorization);
  }

 private:
  httplib::Client m_client;
};

// A started server and one connection to it.
class Served {
 public:
  explicit Served(ServerOptions options = {});
  ReferenceServer& server() { return m_server; }
  Connection& http() { return m_http; }
  std::string url() const { return m_server.url(); }

 private:
  ReferenceServer m_server;
  Connection m_http;
};

struct SandboxUser {
  std::string email;
  std::string role;
  std::string password;
  bool two_factor = false;
};

// end@x.test (end user, id 2), agent@x.test (agent, id 3), tfa@x.test (end
// user enrolled in 2FA, id 4); their passwords are end-pw, agent-pw, tfa-pw.
const std::vector<SandboxUser>& standard_users();

struct Issued {
  int id = 0;
  std::string secret;
};

// One account of the zendesk variant. Helpers throw std::runtime_error when
// the server answers a set-up call unexpectedly (the test then fails).
class Sandbox {
 public:
  Sandbox(Connection& http, const std::vector<SandboxUser>& users = standard_users());

  const std::string& base() const { return m_base; }  // "/accounts/ID"
  const std::string& id() const { return m_id; }
  const Json& created() const { return m_created; }  // the creation answer
  std::string admin() const { return bearer(m_admin_oauth); }
  const std::string& admin_email() const { return m_admin_email; }
  int user_id(std::size_t index) const { return m_user_ids.at(index); }

  Reply send(const std::string& method, const std::string& tail, const Json& body = nullptr,
             const std::string& authorization = "");
  Reply me(const std::string& authorization = "") { return send("GET", "/api/v2/users/me.json", nullptr, authorization); }
  Reply tickets(const std::string& authorization = "") { return send("GET", "/api/v2/tickets.json", nullptr, authorization); }
  // PUT settings.api = API with AUTHORIZATION (the admin by default).
  Reply put_settings(const Json& api, const std::string& authorization = "");
  // Accepts the agreement and sets both toggles, as the admin.
  void enable(bool tokens, bool end_user_passwords);
  Issued generate_token(const std::string& description = "test");
  Issued issue_oauth(int user_id, const Json& scopes);

 private:
  Connection& m_http;
  std::string m_id;
  std::string m_base;
  std::string m_admin_email;
  std::string m_admin_oauth;
  std::vector<int> m_user_ids;
  Json m_created;
};

}  // namespace authconform::target::testing
