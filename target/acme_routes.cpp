// The `acme` variant: the same policy behind other paths, key names, status
// codes and shapes, so that a profile can be shown to describe another API
// (docs/mutants.md, "The acme variant"; profiles/acme.yaml).
#include "target/fixtures.h"
#include "target/routes.h"

#include <array>
#include <sstream>
#include <utility>

namespace authconform::target {
namespace {

using model::Outcome;
using model::OutcomeKind;

constexpr SecretStyle k_style{"acme_tok_", "acme_oat_"};
constexpr std::size_t k_max_label_bytes = 255;
constexpr std::string_view k_mfa_key = "mfa";

void send_code(httplib::Response& res, int status, std::string_view code) {
  send_json(res, status, {{"code", code}});
}

void send_not_found(httplib::Response& res) { send_code(res, 404, "not_found"); }

void refuse(httplib::Response& res, const Verdict& verdict, std::string_view) {
  const Outcome& o = verdict.outcome;
  switch (o.kind) {
    case OutcomeKind::unauthorized:
      send_code(res, 401, "unauthenticated");
      res.set_header("WWW-Authenticate", verdict.bearer ? "Bearer realm=\"acme\", error=\"invalid_token\""
                                                        : "Basic realm=\"acme\"");
      return;
    case OutcomeKind::forbidden: return send_code(res, 403, model::reason_name(o.reason));
    case OutcomeKind::not_found: return send_not_found(res);
    case OutcomeKind::invalid: return send_code(res, 422, "invalid");
    default: return send_code(res, 500, "internal");
  }
}

void fixture_error(httplib::Response& res, std::string_view description) {
  send_json(res, 422, {{"code", "invalid"}, {"description", description}});
}

// --- shapes ---------------------------------------------------------------------------

constexpr std::array<std::pair<std::string_view, std::optional<bool> model::UpdateSettingsOp::*>, 3>
    k_settings{{{"agreement", &model::UpdateSettingsOp::accepted_api_agreement},
                {"tokens", &model::UpdateSettingsOp::token_access},
                {"end_user_passwords", &model::UpdateSettingsOp::end_user_password_access}}};

Json access_json(const model::AccountState& s) {
  return {{"agreement", s.agreement_accepted},
          {"tokens", s.token_access},
          {"end_user_passwords", s.end_user_password_access}};
}

Json token_json(const Account& account, const TokenRecord& record) {
  const model::ApiToken* token = account.state().find_token(record.name);
  return {{"id", record.id}, {"label", record.description}, {"enabled", token && token->active}};
}

// --- reading API bodies --------------------------------------------------------------------

ApiCall read_access_update(const Account&, const httplib::Request& req) {
  const auto body = parse_object(req.body);
  if (!body) return malformed_call("the body must be a JSON object");
  if (auto e = unknown_key_error(*body, {k_settings[0].first, k_settings[1].first, k_settings[2].first});
      !e.empty())
    return malformed_call(e);
  if (body->empty()) return malformed_call("give one or more settings");
  model::UpdateSettingsOp op;
  for (const auto& [key, field] : k_settings) {
    if (!body->contains(key)) continue;
    op.*field = read_bool(body->at(key));
    if (!(op.*field)) return malformed_call("'" + std::string(key) + "' must be true or false");
  }
  return ApiCall{op, {}, {}};
}

ApiCall read_token_creation(const Account& account, const httplib::Request& req) {
  const auto body = parse_object(req.body);
  if (!body || body->size() != 1 || !body->contains("label") || !body->at("label").is_string() ||
      body->at("label").get_ref<const std::string&>().size() > k_max_label_bytes)
    return malformed_call("the body must be {\"label\": \"...\"} (at most 255 bytes)");
  return ApiCall{model::GenerateTokenOp{account.next_token_name()}, {}, body->at("label").get<std::string>()};
}

ApiCall read_token_update(const Account& account, const httplib::Request& req) {
  const auto body = parse_object(req.body);
  const auto enabled = body && body->size() == 1 && body->contains("enabled") ? read_bool(body->at("enabled"))
                                                                              : std::nullopt;
  if (!enabled) return malformed_call("the body must be {\"enabled\": true|false}");
  return ApiCall{model::SetTokenActiveOp{token_name_at(account, req.matches[2].str()), *enabled}, {}, {}};
}

// "read write": scope names separated by spaces, each at most once.
std::optional<std::pair<bool, bool>> read_scopes(const Json& value) {
  if (!value.is_string()) return std::nullopt;
  std::istringstream words(value.get<std::string>());
  std::pair<bool, bool> read_write{false, false};
  for (std::string word; words >> word;) {
    if (word == "read" && !read_write.first) read_write.first = true;
    else if (word == "write" && !read_write.second) read_write.second = true;
    else return std::nullopt;
  }
  return read_write;
}

ApiCall read_grant(const Account& account, const httplib::Request& req) {
  const auto body = parse_object(req.body);
  if (!body || !unknown_key_error(*body, {"member_id", "scopes"}).empty())
    return malformed_call("the body must be {\"member_id\": N, \"scopes\": \"read write\"}");
  const auto member = body->contains("member_id") ? read_id(body->at("member_id")) : std::nullopt;
  const auto scopes = body->contains("scopes") ? read_scopes(body->at("scopes")) : std::nullopt;
  if (!member || !scopes) return malformed_call("the body must be {\"member_id\": N, \"scopes\": \"read write\"}");
  return issue_oauth_call(account, *member, *scopes);
}

// --- writing API answers ------------------------------------------------------------------------

void write_access(Account& account, const ApiCall&, const Outcome&, httplib::Response& res) {
  send_json(res, 200, access_json(account.state()));
}

void write_token_list(Account& account, const ApiCall&, const Outcome&, httplib::Response& res) {
  Json items = Json::array();
  for (const TokenRecord* record : account.live_token_records()) items.push_back(token_json(account, *record));
  send_json(res, 200, {{"items", items}});
}

void write_new_token(Account& account, const ApiCall& call, const Outcome&, httplib::Response& res) {
  const auto& op = std::get<model::GenerateTokenOp>(call.op);
  const IssuedSecret issued = account.record_token(op.name, call.description);
  send_json(res, 201, {{"id", issued.id}, {"secret", issued.secret}});
}

void write_token(Account& account, const ApiCall& call, const Outcome&, httplib::Response& res) {
  const auto& op = std::get<model::SetTokenActiveOp>(call.op);
  send_json(res, 200, token_json(account, *account.token_by_name(op.token)));
}

void write_grant(Account& account, const ApiCall& call, const Outcome&, httplib::Response& res) {
  const IssuedSecret issued = account.record_oauth(std::get<model::IssueOAuthOp>(call.op).name);
  send_json(res, 201, {{"id", issued.id}, {"access_token", issued.secret}});
}

void write_whoami(Account& account, const ApiCall&, const Outcome& outcome, httplib::Response& res) {
  const model::User* user = account.state().find_user_by_name(outcome.user);
  if (outcome.kind != OutcomeKind::user || !user) return send_json(res, 200, {{"member", nullptr}});
  send_json(res, 200, {{"member", {{"id", account.user_id(user->name)}, {"email", user->email}}}});
}

void write_tickets(Account&, const ApiCall&, const Outcome&, httplib::Response& res) {
  send_json(res, 200, {{"data", Json::array()}});
}

void install_api(httplib::Server& server, Service& service) {
  const auto route = [](std::string_view tail) { return account_route("/v3" + std::string(tail)); };
  const auto api = [&service](ApiReader read, ApiWriter write) {
    return api_handler(service, refuse, std::move(read), std::move(write));
  };
  // Probes first: httplib tries a method's routes in order (zendesk_routes.cpp).
  server.Get(route("/whoami"), api(fixed_call(model::ProbeOp{model::Probe::me}), write_whoami));
  server.Get(route("/tickets"), api(fixed_call(model::ProbeOp{model::Probe::tickets}), write_tickets));
  server.Get(route("/api-access"), api(fixed_call(model::ReadSettingsOp{}), write_access));
  server.Patch(route("/api-access"), api(read_access_update, write_access));
  server.Get(route("/tokens"), api(fixed_call(model::ListTokensOp{}), write_token_list));
  server.Post(route("/tokens"), api(read_token_creation, write_new_token));
  server.Patch(route(R"(/tokens/(\d+))"), api(read_token_update, write_token));
  server.Delete(route(R"(/tokens/(\d+))"), api(delete_token_call, write_no_content));
  server.Post(route("/oauth-grants"), api(read_grant, write_grant));
  server.Delete(route(R"(/oauth-grants/(\d+))"), api(revoke_oauth_call, write_no_content));
}

// --- the fixture interface ------------------------------------------------------------------------

void create_account(Service& service, const httplib::Request& req, httplib::Response& res) {
  const auto members = read_user_list(req.body, "members", k_mfa_key);
  if (!members.ok()) return fixture_error(res, members.error);
  auto created = target::create_account(service.engine(), service.store(), members.value, k_style);
  if (!created.ok()) return fixture_error(res, created.error);
  Account& account = *created.value.account;
  const auto lock = account.lock();
  Json listed = Json::array();
  for (int id : created.value.user_ids) listed.push_back({{"id", id}, {"email", account.user_by_id(id)->email}});
  send_json(res, 201, {{"account_id", account.id()},
                       {"api_root", account_base(Service::root_url(req, service.url()), account.id())},
                       {"owner", {{"id", 1},
                                  {"email", account.state().users.front().email},
                                  {"bearer", created.value.admin_oauth_secret}}},
                       {"members", listed}});
}

void add_member(Service& service, const httplib::Request& req, httplib::Response& res) {
  const bool found = service.with_account(req, [&](Account& account) {
    const auto added = add_user_from(service.engine(), account, req.body, k_mfa_key);
    if (!added.ok()) return fixture_error(res, added.error);
    send_json(res, 201, {{"id", added.value}, {"email", account.user_by_id(added.value)->email}});
  });
  if (!found) send_not_found(res);
}

void change_member(Service& service, const httplib::Request& req, httplib::Response& res) {
  const bool found = service.with_account(req, [&](Account& account) {
    const auto id = parse_id(req.matches[2].str());
    const model::User* user = id ? account.user_by_id(*id) : nullptr;
    if (!user) return send_not_found(res);
    const std::string name = user->name;  // the change may move the account's users
    const std::string error = change_user_from(service.engine(), account, name, req.body, k_mfa_key);
    if (!error.empty()) return fixture_error(res, error);
    send_json(res, 200, {{"id", *id}});
  });
  if (!found) send_not_found(res);
}

void change_account(Service& service, const httplib::Request& req, httplib::Response& res) {
  const bool found = service.with_account(req, [&](Account& account) {
    const std::string error =
        change_account_from(service.engine(), account, req.body, "mfa_required", "legacy_agent_passwords");
    if (!error.empty()) return fixture_error(res, error);
    send_json(res, 200, Json::object());
  });
  if (!found) send_not_found(res);
}

void install_fixtures(httplib::Server& server, Service& service) {
  const auto bind = [&service](FixtureHandler handle) { return fixture_handler(service, handle); };
  server.Post("/fixtures/accounts", bind(create_account));
  server.Delete(R"(/fixtures/accounts/([A-Za-z0-9_-]+))",
                [&service](const httplib::Request& req, httplib::Response& res) {
                  if (service.store().erase(req.matches[1].str())) return send_no_content(res);
                  send_not_found(res);
                });
  server.Post(account_route("/fixtures/members"), bind(add_member));
  server.Patch(account_route(R"(/fixtures/members/(\d+))"), bind(change_member));
  server.Patch(account_route("/fixtures/account"), bind(change_account));
}

void fill_error_body(const httplib::Request&, httplib::Response& res) {
  if (!res.body.empty()) return;
  if (res.status == 404) return send_not_found(res);
  if (res.status == 413) return send_code(res, 413, "too_large");
  if (res.status >= 500) return send_code(res, res.status, "internal");
  send_code(res, res.status, "bad_request");
}

}  // namespace

void install_acme_routes(httplib::Server& server, Service& service) {
  install_fixtures(server, service);
  install_api(server, service);
  server.set_error_handler(fill_error_body);
}

}  // namespace authconform::target
