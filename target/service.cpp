#include "target/service.h"

#include <algorithm>
#include <cctype>

namespace authconform::target {
namespace {

bool plausible_host(std::string_view host) {
  return !host.empty() && host.size() < 256 && std::all_of(host.begin(), host.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' ||
           c == '[' || c == ']';
  });
}

bool is_success(const model::Outcome& outcome) {
  return outcome.kind == model::OutcomeKind::ok || outcome.kind == model::OutcomeKind::user ||
         outcome.kind == model::OutcomeKind::anonymous;
}

}  // namespace

ApiCall malformed_call(std::string why) {
  model::UpdateSettingsOp op;
  op.malformed = true;
  return ApiCall{op, std::move(why), {}};
}

std::string Service::root_url(const httplib::Request& req, const std::string& fallback) {
  const std::string host = req.get_header_value("Host");
  return plausible_host(host) ? "http://" + host : fallback;
}

void Service::serve_api(const httplib::Request& req, httplib::Response& res, Refuser refuse,
                        const ApiReader& read, const ApiWriter& write) {
  const std::shared_ptr<Account> account = m_store.find(req.matches[1].str());
  if (!account) {
    refuse(res, Verdict{model::Outcome::not_found(), false}, {});
    return;
  }
  const auto lock = account->lock();
  const ApiCall call = read(*account, req);
  const bool has_header = req.has_header("Authorization");
  const std::string header = req.get_header_value("Authorization");
  const Verdict verdict = m_engine.decide(*account, call.op, has_header ? &header : nullptr);
  if (is_success(verdict.outcome))
    write(*account, call, verdict.outcome, res);
  else
    refuse(res, verdict, call.body_error);
}

bool Service::with_account(const httplib::Request& req, const std::function<void(Account&)>& use) {
  const std::shared_ptr<Account> account = m_store.find(req.matches[1].str());
  if (!account) return false;
  const auto lock = account->lock();
  use(*account);
  return true;
}

std::string account_base(const std::string& root, const std::string& account_id) {
  return root + "/accounts/" + account_id;
}

std::string account_route(std::string_view tail) {
  return "/accounts/([A-Za-z0-9_-]+)" + std::string(tail);
}

void send_json(httplib::Response& res, int status, const Json& body) {
  res.status = status;
  res.set_content(dump_json(body), "application/json; charset=utf-8");
}

void send_no_content(httplib::Response& res) {
  res.status = 204;
  res.body.clear();
}

std::string token_name_at(const Account& account, const std::string& id_text) {
  const auto id = parse_id(id_text);
  const TokenRecord* record = id ? account.token_by_id(*id) : nullptr;
  return record ? record->name : std::string();
}

ApiCall delete_token_call(const Account& account, const httplib::Request& req) {
  return ApiCall{model::DeleteTokenOp{token_name_at(account, req.matches[2].str())}, {}, {}};
}

ApiCall revoke_oauth_call(const Account& account, const httplib::Request& req) {
  const auto id = parse_id(req.matches[2].str());
  const OAuthRecord* record = id ? account.oauth_by_id(*id) : nullptr;
  return ApiCall{model::RevokeOAuthOp{record ? record->name : std::string()}, {}, {}};
}

void write_no_content(Account&, const ApiCall&, const model::Outcome&, httplib::Response& res) {
  send_no_content(res);
}

httplib::Server::Handler api_handler(Service& service, Refuser refuse, ApiReader read, ApiWriter write) {
  return [&service, refuse, read = std::move(read), write = std::move(write)](const httplib::Request& req,
                                                                              httplib::Response& res) {
    service.serve_api(req, res, refuse, read, write);
  };
}

httplib::Server::Handler fixture_handler(Service& service, FixtureHandler handle) {
  return [&service, handle](const httplib::Request& req, httplib::Response& res) { handle(service, req, res); };
}

ApiCall issue_oauth_call(const Account& account, int user_id, std::pair<bool, bool> read_write) {
  const model::User* owner = account.user_by_id(user_id);
  return ApiCall{model::IssueOAuthOp{account.next_oauth_name(), owner ? owner->name : std::string(),
                                     read_write.first, read_write.second},
                 {}, {}};
}

}  // namespace authconform::target
