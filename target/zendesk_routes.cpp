// spec/wire.md: the Zendesk-shaped API on {base}/api/v2 and the fixture
// interface on /conformance/v1.
#include "target/fixtures.h"
#include "target/routes.h"

#include <array>
#include <utility>

namespace authconform::target {
namespace {

using model::Outcome;
using model::OutcomeKind;

constexpr SecretStyle k_style{"zdtok_", "zdoauth_"};
constexpr std::size_t k_max_description_bytes = 255;
constexpr std::string_view k_api_prefix = "/api/v2";

// --- refusals -------------------------------------------------------------------

std::string_view forbidden_description(model::Reason reason) {
  switch (reason) {
    case model::Reason::not_admin: return "You must be an admin to do this.";
    case model::Reason::not_agent: return "You must be an agent or admin to do this.";
    case model::Reason::missing_scope: return "The OAuth token lacks the scope this request needs.";
    case model::Reason::agreement_not_accepted: return "Accept the API agreement first.";
    case model::Reason::token_access_disabled: return "API token access is turned off.";
    case model::Reason::token_limit_reached: return "This account has the most API tokens it may hold.";
    case model::Reason::none: break;
  }
  return "Forbidden.";
}

void refuse_unauthorized(httplib::Response& res, bool bearer) {
  if (bearer) {
    send_json(res, 401, {{"error", "invalid_token"},
                         {"error_description",
                          "The access token provided is expired, revoked, malformed or invalid for "
                          "other reasons."}});
    res.set_header("WWW-Authenticate", "Bearer realm=\"Web Password\", error=\"invalid_token\"");
    return;
  }
  send_json(res, 401, {{"error", "Couldn't authenticate you"}});
  res.set_header("WWW-Authenticate", "Basic realm=\"Web Password\"");
}

void send_not_found(httplib::Response& res) {
  send_json(res, 404, {{"error", "RecordNotFound"}, {"description", "Not found"}});
}

void refuse(httplib::Response& res, const Verdict& verdict, std::string_view detail) {
  const Outcome& o = verdict.outcome;
  switch (o.kind) {
    case OutcomeKind::unauthorized: return refuse_unauthorized(res, verdict.bearer);
    case OutcomeKind::forbidden:
      return send_json(res, 403, {{"error", "Forbidden"},
                                  {"description", forbidden_description(o.reason)},
                                  {"reason", model::reason_name(o.reason)}});
    case OutcomeKind::not_found: return send_not_found(res);
    case OutcomeKind::invalid:
      return send_json(res, 400, {{"error", "InvalidRequest"},
                                  {"description", detail.empty() ? "Invalid request body" : detail}});
    default: return send_json(res, 500, {{"error", "InternalError"}});
  }
}

void fixture_error(httplib::Response& res, std::string_view description) {
  send_json(res, 400, {{"error", "InvalidFixture"}, {"description", description}});
}

// --- shapes -----------------------------------------------------------------------

// The settings keys of wire.md and the model's fields they set.
constexpr std::array<std::pair<std::string_view, std::optional<bool> model::UpdateSettingsOp::*>, 3>
    k_settings{{{"accepted_api_agreement", &model::UpdateSettingsOp::accepted_api_agreement},
                {"api_token_access", &model::UpdateSettingsOp::token_access},
                {"api_password_access_end_users", &model::UpdateSettingsOp::end_user_password_access}}};

Json settings_json(const model::AccountState& s) {
  return {{"settings",
           {{"api",
             {{"accepted_api_agreement", s.agreement_accepted},
              {"api_token_access", s.token_access},
              {"api_password_access_end_users", s.end_user_password_access}}}}}};
}

Json token_json(const Account& account, const TokenRecord& record) {
  const model::ApiToken* token = account.state().find_token(record.name);
  return {{"id", record.id},
          {"description", record.description},
          {"active", token && token->active},
          {"created_at", record.created_at}};
}

Json user_json(const Account& account, const model::User& user) {
  return {{"id", account.user_id(user.name)}, {"email", user.email}, {"role", model::role_name(user.role)}};
}

Json anonymous_json() {
  return {{"user", {{"id", nullptr}, {"name", "Anonymous user"}, {"email", nullptr}, {"role", "end-user"}}}};
}

// --- reading API bodies ----------------------------------------------------------------

// The object under the body's only key WRAPPER (`{"api_token": {...}}`).
std::optional<Json> wrapped_object(const httplib::Request& req, std::string_view wrapper, std::string& error) {
  const auto body = parse_object(req.body);
  const std::string w(wrapper);
  if (!body || body->size() != 1 || !body->contains(w) || !body->at(w).is_object()) {
    error = "the body must be a JSON object {\"" + w + "\": {...}}";
    return std::nullopt;
  }
  return body->at(w);
}

ApiCall read_settings_update(const Account&, const httplib::Request& req) {
  std::string error;
  const auto settings = wrapped_object(req, "settings", error);
  if (!settings) return malformed_call(error);
  if (settings->size() != 1 || !settings->contains("api") || !settings->at("api").is_object())
    return malformed_call("'settings' must hold exactly one object 'api'");
  const Json& api = settings->at("api");
  if (auto e = unknown_key_error(api, {k_settings[0].first, k_settings[1].first, k_settings[2].first});
      !e.empty())
    return malformed_call("settings.api: " + e);
  if (api.empty()) return malformed_call("'settings.api' needs one or more settings");
  model::UpdateSettingsOp op;
  for (const auto& [key, field] : k_settings) {
    if (!api.contains(key)) continue;
    op.*field = read_bool(api.at(key), /*allow_strings=*/true);
    if (!(op.*field))
      return malformed_call("'settings.api." + std::string(key) + "' must be true, false, \"true\" or \"false\"");
  }
  return ApiCall{op, {}, {}};
}

ApiCall read_token_generation(const Account& account, const httplib::Request& req) {
  std::string error;
  const auto token = wrapped_object(req, "api_token", error);
  if (!token) return malformed_call(error);
  if (auto e = unknown_key_error(*token, {"description"}); !e.empty()) return malformed_call("api_token: " + e);
  if (!token->contains("description") || !token->at("description").is_string() ||
      token->at("description").get_ref<const std::string&>().size() > k_max_description_bytes)
    return malformed_call("'api_token.description' must be a string of at most 255 bytes");
  return ApiCall{model::GenerateTokenOp{account.next_token_name()}, {},
                 token->at("description").get<std::string>()};
}

ApiCall read_token_update(const Account& account, const httplib::Request& req) {
  std::string error;
  const auto token = wrapped_object(req, "api_token", error);
  if (!token) return malformed_call(error);
  const auto active = token->size() == 1 && token->contains("active") ? read_bool(token->at("active"))
                                                                      : std::nullopt;
  if (!active) return malformed_call("the body must be {\"api_token\": {\"active\": true|false}}");
  return ApiCall{model::SetTokenActiveOp{token_name_at(account, req.matches[2].str()), *active}, {}, {}};
}

// `["read", "write"]` in any order, each at most once.
std::optional<std::pair<bool, bool>> read_scopes(const Json& scopes) {
  if (!scopes.is_array()) return std::nullopt;
  std::pair<bool, bool> read_write{false, false};
  for (const Json& scope : scopes) {
    if (scope == "read" && !read_write.first) read_write.first = true;
    else if (scope == "write" && !read_write.second) read_write.second = true;
    else return std::nullopt;
  }
  return read_write;
}

ApiCall read_oauth_issue(const Account& account, const httplib::Request& req) {
  std::string error;
  const auto token = wrapped_object(req, "token", error);
  if (!token) return malformed_call(error);
  if (auto e = unknown_key_error(*token, {"user_id", "scopes"}); !e.empty()) return malformed_call("token: " + e);
  const auto user_id = token->contains("user_id") ? read_id(token->at("user_id")) : std::nullopt;
  const auto scopes = token->contains("scopes") ? read_scopes(token->at("scopes")) : std::nullopt;
  if (!user_id || !scopes)
    return malformed_call("the body must be {\"token\": {\"user_id\": N, \"scopes\": [\"read\", \"write\"]}}");
  return issue_oauth_call(account, *user_id, *scopes);
}

// --- writing API answers ------------------------------------------------------------------

void write_settings(Account& account, const ApiCall&, const Outcome&, httplib::Response& res) {
  send_json(res, 200, settings_json(account.state()));
}

void write_token_list(Account& account, const ApiCall&, const Outcome&, httplib::Response& res) {
  Json tokens = Json::array();
  for (const TokenRecord* record : account.live_token_records()) tokens.push_back(token_json(account, *record));
  send_json(res, 200, {{"api_tokens", tokens}});
}

void write_new_token(Account& account, const ApiCall& call, const Outcome&, httplib::Response& res) {
  const auto& op = std::get<model::GenerateTokenOp>(call.op);
  const IssuedSecret issued = account.record_token(op.name, call.description);
  Json token = token_json(account, *account.token_by_id(issued.id));
  token["token"] = issued.secret;
  send_json(res, 201, {{"api_token", token}});
}

void write_token(Account& account, const ApiCall& call, const Outcome&, httplib::Response& res) {
  const auto& op = std::get<model::SetTokenActiveOp>(call.op);
  send_json(res, 200, {{"api_token", token_json(account, *account.token_by_name(op.token))}});
}

void write_new_oauth(Account& account, const ApiCall& call, const Outcome&, httplib::Response& res) {
  const auto& op = std::get<model::IssueOAuthOp>(call.op);
  const IssuedSecret issued = account.record_oauth(op.name);
  Json scopes = Json::array();
  if (op.read) scopes.push_back("read");
  if (op.write) scopes.push_back("write");
  send_json(res, 201, {{"token",
                        {{"id", issued.id},
                         {"user_id", account.user_id(op.user)},
                         {"scopes", scopes},
                         {"full_token", issued.secret}}}});
}

void write_me(Account& account, const ApiCall&, const Outcome& outcome, httplib::Response& res) {
  const model::User* user = account.state().find_user_by_name(outcome.user);
  if (outcome.kind != OutcomeKind::user || !user) return send_json(res, 200, anonymous_json());
  send_json(res, 200, {{"user", user_json(account, *user)}});
}

void write_tickets(Account&, const ApiCall&, const Outcome&, httplib::Response& res) {
  send_json(res, 200, {{"tickets", Json::array()}});
}

void install_api(httplib::Server& server, Service& service) {
  const auto route = [](std::string_view tail) { return account_route(std::string(k_api_prefix) + std::string(tail)); };
  const auto api = [&service](ApiReader read, ApiWriter write) {
    return api_handler(service, refuse, std::move(read), std::move(write));
  };
  // httplib tries a method's routes in this order, one std::regex each: the
  // probes, the most frequent requests (wrk's and the fuzzer's), go first.
  server.Get(route(R"(/users/me\.json)"), api(fixed_call(model::ProbeOp{model::Probe::me}), write_me));
  server.Get(route(R"(/tickets\.json)"), api(fixed_call(model::ProbeOp{model::Probe::tickets}), write_tickets));
  server.Get(route(R"(/account/settings\.json)"), api(fixed_call(model::ReadSettingsOp{}), write_settings));
  server.Put(route(R"(/account/settings\.json)"), api(read_settings_update, write_settings));
  server.Get(route(R"(/api_tokens\.json)"), api(fixed_call(model::ListTokensOp{}), write_token_list));
  server.Post(route(R"(/api_tokens\.json)"), api(read_token_generation, write_new_token));
  server.Put(route(R"(/api_tokens/(\d+)\.json)"), api(read_token_update, write_token));
  server.Delete(route(R"(/api_tokens/(\d+)\.json)"), api(delete_token_call, write_no_content));
  server.Post(route(R"(/oauth/tokens\.json)"), api(read_oauth_issue, write_new_oauth));
  server.Delete(route(R"(/oauth/tokens/(\d+)\.json)"), api(revoke_oauth_call, write_no_content));
}

// --- the fixture interface -----------------------------------------------------------------------

constexpr std::string_view k_two_factor_key = "two_factor_enrolled";

void create_account(Service& service, const httplib::Request& req, httplib::Response& res) {
  const auto users = read_user_list(req.body, "users", k_two_factor_key);
  if (!users.ok()) return fixture_error(res, users.error);
  auto created = target::create_account(service.engine(), service.store(), users.value, k_style);
  if (!created.ok()) return fixture_error(res, created.error);
  Account& account = *created.value.account;
  const auto lock = account.lock();
  const model::User& admin = account.state().users.front();
  Json listed = Json::array();
  for (int id : created.value.user_ids)
    listed.push_back({{"id", id}, {"email", account.user_by_id(id)->email}});
  send_json(res, 201, {{"account",
                        {{"id", account.id()},
                         {"base_url", account_base(Service::root_url(req, service.url()), account.id())},
                         {"admin", {{"id", 1}, {"email", admin.email}, {"oauth_token", created.value.admin_oauth_secret}}},
                         {"users", listed}}}});
}

void add_user(Service& service, const httplib::Request& req, httplib::Response& res) {
  const bool found = service.with_account(req, [&](Account& account) {
    const auto added = add_user_from(service.engine(), account, req.body, k_two_factor_key);
    if (!added.ok()) return fixture_error(res, added.error);
    send_json(res, 201, {{"user", {{"id", added.value}, {"email", account.user_by_id(added.value)->email}}}});
  });
  if (!found) send_not_found(res);
}

void change_user(Service& service, const httplib::Request& req, httplib::Response& res) {
  const bool found = service.with_account(req, [&](Account& account) {
    const auto id = parse_id(req.matches[2].str());
    const model::User* user = id ? account.user_by_id(*id) : nullptr;
    if (!user) return send_not_found(res);
    const std::string name = user->name;
    const std::string error = change_user_from(service.engine(), account, name, req.body, k_two_factor_key);
    if (!error.empty()) return fixture_error(res, error);
    const model::User& changed = *account.state().find_user_by_name(name);
    Json shown = user_json(account, changed);
    shown["two_factor_enrolled"] = changed.two_factor_enrolled;
    send_json(res, 200, {{"user", shown}});
  });
  if (!found) send_not_found(res);
}

void change_account(Service& service, const httplib::Request& req, httplib::Response& res) {
  const bool found = service.with_account(req, [&](Account& account) {
    const std::string error =
        change_account_from(service.engine(), account, req.body, "two_factor_required", "agent_password_access");
    if (!error.empty()) return fixture_error(res, error);
    send_json(res, 200, {{"account",
                          {{"id", account.id()},
                           {"two_factor_required", account.state().two_factor_required},
                           {"agent_password_access", account.state().agent_password_access}}}});
  });
  if (!found) send_not_found(res);
}

void install_fixtures(httplib::Server& server, Service& service) {
  const auto bind = [&service](FixtureHandler handle) { return fixture_handler(service, handle); };
  server.Post("/conformance/v1/accounts", bind(create_account));
  server.Delete(R"(/conformance/v1/accounts/([A-Za-z0-9_-]+))",
                [&service](const httplib::Request& req, httplib::Response& res) {
                  if (service.store().erase(req.matches[1].str())) return send_no_content(res);
                  send_not_found(res);
                });
  server.Post(account_route("/conformance/v1/users"), bind(add_user));
  server.Patch(account_route(R"(/conformance/v1/users/(\d+))"), bind(change_user));
  server.Patch(account_route("/conformance/v1/account"), bind(change_account));
}

// Bodies for what httplib answers itself (no route, body too large, ...).
void fill_error_body(const Service& service, const httplib::Request&, httplib::Response& res) {
  if (!res.body.empty()) return;
  if (res.status == 404) return send_not_found(res);
  if (res.status == 413)
    return send_json(res, 413, {{"error", "PayloadTooLarge"},
                                {"description", "The body is larger than " +
                                                    std::to_string(service.max_body_bytes()) + " bytes"}});
  if (res.status >= 500) return send_json(res, res.status, {{"error", "InternalError"}});
  send_json(res, res.status, {{"error", "InvalidRequest"}, {"description", "Bad request"}});
}

}  // namespace

void install_zendesk_routes(httplib::Server& server, Service& service) {
  install_fixtures(server, service);
  install_api(server, service);
  server.set_error_handler([&service](const httplib::Request& req, httplib::Response& res) {
    fill_error_body(service, req, res);
  });
}

}  // namespace authconform::target
