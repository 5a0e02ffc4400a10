// What both variants' routes share: the accounts, the engine, and the path of
// one API request from HTTP to a verdict and back.
#pragma once

#include "target/account_store.h"
#include "target/engine.h"
#include "target/json_input.h"

#include <httplib.h>

#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace authconform::target {

// The operation an API request asks for, read from its path and body.
struct ApiCall {
  model::Operation op;
  std::string body_error;   // set: the body is malformed (refused after identity and permission)
  std::string description;  // a new API token's description / label
};

// A malformed body: decided as a malformed settings update, which needs the
// same identity and permission (an admin with the write scope) as every API
// operation that takes a body, and which the model refuses with `invalid`.
ApiCall malformed_call(std::string why);

// Issuing an OAuth token for the user with `user_id` (an ID that names no
// user is left for the model to refuse with not_found).
ApiCall issue_oauth_call(const Account& account, int user_id, std::pair<bool, bool> read_write);

// A reader for operations that take nothing from the path or body.
inline auto fixed_call(model::Operation op) {
  return [op](const Account&, const httplib::Request&) { return ApiCall{op, {}, {}}; };
}

// The name of the account's API token with the ID `id_text`; "" when there is
// none, which the model refuses with not_found.
std::string token_name_at(const Account& account, const std::string& id_text);

// Readers of a deletion whose path's second capture is the ID of an API token
// (delete_token_call) or an OAuth token (revoke_oauth_call).
ApiCall delete_token_call(const Account& account, const httplib::Request& req);
ApiCall revoke_oauth_call(const Account& account, const httplib::Request& req);

// How a variant answers a refusal (401, 403, 404, 400/422) of an API request;
// `detail` explains an invalid body.
using Refuser = void (*)(httplib::Response& res, const Verdict& verdict, std::string_view detail);
using ApiReader = std::function<ApiCall(const Account&, const httplib::Request&)>;
// Writes the success answer (outcome ok, user or anonymous); the account is held locked.
using ApiWriter = std::function<void(Account&, const ApiCall&, const model::Outcome&, httplib::Response&)>;

// The success answer of a deletion: 204 and no body.
void write_no_content(Account&, const ApiCall&, const model::Outcome&, httplib::Response& res);

class Service {
 public:
  Service(Engine engine, std::size_t max_body_bytes) : m_engine(std::move(engine)), m_max_body(max_body_bytes) {}

  const Engine& engine() const { return m_engine; }
  AccountStore& store() { return m_store; }
  std::size_t max_body_bytes() const { return m_max_body; }

  // Where this server is reached, for the base URLs it hands out: the request's
  // Host header when it has a plausible one, else `fallback`.
  static std::string root_url(const httplib::Request& req, const std::string& fallback);
  void set_url(std::string url) { m_url = std::move(url); }
  const std::string& url() const { return m_url; }

  // One API request to the account named by the path's first capture: decided
  // under the account's lock, then answered by `write` or `refuse`.
  void serve_api(const httplib::Request& req, httplib::Response& res, Refuser refuse,
                 const ApiReader& read, const ApiWriter& write);

  // Runs `use` on the account named by the path's first capture, held locked.
  // False (and `use` not run) when there is no such account.
  bool with_account(const httplib::Request& req, const std::function<void(Account&)>& use);

 private:
  Engine m_engine;
  AccountStore m_store;
  std::size_t m_max_body;
  std::string m_url;
};

// A route's handler: Service::serve_api with these.
httplib::Server::Handler api_handler(Service& service, Refuser refuse, ApiReader read, ApiWriter write);

// A fixture route's handler: `handle` with the service.
using FixtureHandler = void (*)(Service& service, const httplib::Request& req, httplib::Response& res);
httplib::Server::Handler fixture_handler(Service& service, FixtureHandler handle);

// An account's base URL below the server's root, and the route pattern of a
// path below it (its first capture is the account ID).
std::string account_base(const std::string& root, const std::string& account_id);
std::string account_route(std::string_view tail);

void send_json(httplib::Response& res, int status, const Json& body);
void send_no_content(httplib::Response& res);

}  // namespace authconform::target
