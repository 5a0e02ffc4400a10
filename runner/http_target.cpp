#include "runner/http_target.h"

#include "model/account.h"
#include "model/header.h"
#include "model/overloaded.h"
#include "reports/redact.h"
#include "runner/exchange_redaction.h"
#include "runner/fuzz_generator.h"
#include "runner/profile_schema.h"
#include "runner/profile_template.h"
#include "runner/response_classifier.h"

#include <cstdint>
#include <deque>
#include <exception>
#include <stdexcept>
#include <tuple>
#include <cstdio>
#include <functional>
#include <map>
#include <mutex>
#include <unordered_set>

namespace authconform::runner {
namespace {

using Json = nlohmann::ordered_json;
using Kind = TargetError::Kind;

// The ID sent for a token, OAuth token or user that a scenario names but
// never created: no target hands it out, so the target must answer not_found.
const Json k_absent_id = 999999999;
constexpr std::size_t k_snippet_bytes = 200;

struct TargetConfig {
  Profile profile;
  HttpOptions options;
  ParsedUrl root;
};

// Per session: what a Target's record_exchanges said when the session opened.
enum class Recording : bool { off, on };

// Keep-alive connections outlive the sessions that borrow them. A fuzzed
// sequence is one account (one session), and a new connection for each cost
// more than the sequence's requests: a connect, the target's accept, and the
// client's deadline thread. Shared by the target's sessions on all threads.
class ClientPool {
 public:
  std::unique_ptr<HttpClient> take(const ParsedUrl& origin, const HttpOptions& options) {
    {
      const std::lock_guard lock(m_mutex);
      const std::string wanted = origin.origin();
      for (auto it = m_idle.begin(); it != m_idle.end(); ++it) {
        if ((*it)->origin_text() != wanted) continue;
        std::unique_ptr<HttpClient> client = std::move(*it);
        m_idle.erase(it);
        return client;
      }
    }
    return std::make_unique<HttpClient>(origin, options);
  }
  void give_back(std::unique_ptr<HttpClient> client) {
    if (!client) return;
    const std::lock_guard lock(m_mutex);
    if (m_idle.size() < k_max_idle) m_idle.push_back(std::move(client));
  }

 private:
  static constexpr std::size_t k_max_idle = 64;  // more than any --jobs needs, per origin pair
  std::mutex m_mutex;
  std::vector<std::unique_ptr<HttpClient>> m_idle;
};

struct UserEntry {
  Json id;
  std::string email;
};

struct SecretEntry {
  Json id;  // null when the target never said it
  std::string secret;
};

// Templates are filled twice: with the real values for the wire, and with
// secrets redacted for the report.
struct Vars {
  TemplateVars real;
  TemplateVars shown;
  // The operation's body already filled with `real`, when the filler kept it.
  std::optional<std::string> real_body;
  // The body's object keys written in reverse order (with_keys_reversed).
  bool keys_reversed = false;
};

// VALUE with the keys of every object in reverse order. JSON objects are
// unordered, so a target must not care; one that applies a settings body key
// by key in the order written (a toggle before the agreement beside it) does.
Json with_keys_reversed(const Json& value) {
  if (value.is_array()) {
    Json out = Json::array();
    for (const Json& element : value) out.push_back(with_keys_reversed(element));
    return out;
  }
  if (!value.is_object()) return value;
  Json out = Json::object();
  for (auto it = value.rbegin(); it != value.rend(); ++it) out[it.key()] = with_keys_reversed(it.value());
  return out;
}

Vars make_vars(TemplateVars real) {
  Vars vars{real, std::move(real), std::nullopt};
  for (auto& [name, value] : vars.shown)
    if (is_secret_variable(name) && value.is_string()) value = reports::redact(value.get<std::string>());
  return vars;
}

Vars user_vars(const std::string& name, const std::string& email, model::Role role,
               const std::string& password, bool two_factor) {
  return make_vars({{"name", name},
                    {"email", email},
                    {"role", std::string(model::role_name(role))},
                    {"password", password},
                    {"two_factor_enrolled", two_factor}});
}

// The variables of account creation for a cast of users, its body filled
// once: a fuzz run creates an account with the same cast for every sequence,
// and filling the users into the body was most of the client's work for it.
// Shared by the target's sessions on all threads.
class CastVarsCache {
 public:
  // Made by `make` the first time; kept while fewer than k_capacity casts are.
  std::shared_ptr<const Vars> get(const std::vector<ScenarioUser>& users, const std::function<Vars()>& make) {
    {
      const std::lock_guard lock(m_mutex);
      for (const auto& [cast, vars] : m_entries)
        if (cast == users) return vars;
    }
    auto vars = std::make_shared<const Vars>(make());
    const std::lock_guard lock(m_mutex);
    if (m_entries.size() < k_capacity) m_entries.emplace_back(users, vars);
    return vars;
  }

 private:
  static constexpr std::size_t k_capacity = 16;  // a fuzz run needs 1; a suite's casts rarely repeat
  std::mutex m_mutex;
  std::vector<std::pair<std::vector<ScenarioUser>, std::shared_ptr<const Vars>>> m_entries;
};

// A secret for a name the target never issued: 40 hex digits derived from
// the name, so that it looks like a real one and is the same in every run.
std::string made_up_secret(std::string_view kind, std::string_view name) {
  std::uint64_t h = 14695981039346656037ull;
  for (const char c : std::string(kind) + ":" + std::string(name)) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  std::string out;
  while (out.size() < 40) {
    h += 0x9E3779B97F4A7C15ull;  // splitmix64
    std::uint64_t z = h;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    char digits[17];
    std::snprintf(digits, sizeof digits, "%016llx", static_cast<unsigned long long>(z));
    out += digits;
  }
  out.resize(40);
  return out;
}

std::string dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

constexpr const char* k_json_content_type = "application/json; charset=utf-8";

bool has_header(const HeaderList& headers, std::string_view name) { return find_header(headers, name) != nullptr; }

std::string email_of(const ScenarioUser& user) {
  return user.email.empty() ? user.name + "@example.test" : user.email;
}

// What a request was made of, to show it in a report later; valid while
// the arguments of the send() that made it are.
struct RequestMade {
  const ProfileOperation* op;
  const Vars* vars;
  std::string_view origin;  // of the client it went through
  std::string_view prefix;  // of the root or the account's base URL
  bool invalid_body;
};

// The body template a request sends (the operation's, or its invalid_body);
// null when it sends none.
const std::optional<Json>& body_template(const RequestMade& made) {
  return made.invalid_body ? made.op->invalid_body : made.op->body;
}

// That template filled with `values` (the real ones or the shown ones), its
// keys reversed when the variables say so, never for an invalid body, whose
// order is its point (C22).
std::string body_text(const RequestMade& made, const TemplateVars& values) {
  const Json body = render_json(*body_template(made), values);
  return dump(made.vars->keys_reversed && !made.invalid_body ? with_keys_reversed(body) : body);
}

// One answer, with its report form: complete when the session records,
// else status and time only (HttpSession::exchange_of fills in the rest
// for an error). Its body is parsed as JSON on first use: most answers are
// read by their status alone.
class Sent {
 public:
  Sent(HttpResponse r, Exchange e, RequestMade m) : response(std::move(r)), exchange(std::move(e)), made(m) {}
  HttpResponse response;
  Exchange exchange;
  RequestMade made;

  // The body as JSON; null when it is empty or not JSON.
  const Json* json() const {
    if (!m_parsed && !response.body.empty()) {
      Json parsed = Json::parse(response.body, nullptr, false);
      if (!parsed.is_discarded()) m_json = std::move(parsed);
    }
    m_parsed = true;
    return m_json ? &*m_json : nullptr;
  }

 private:
  mutable bool m_parsed = false;
  mutable std::optional<Json> m_json;
};

class HttpSession;

// A second sandbox account, made on first need, whose live secrets stand in
// for the secrets a step names but this account never issued (the names of
// is_foreign_name): a target must refuse another account's API token and
// OAuth token exactly as a made-up one, and one that looks secrets up across
// accounts shows itself. Shared by the target's sessions on all threads.
class ForeignAccount {
 public:
  using Opener = std::function<std::unique_ptr<HttpSession>()>;
  explicit ForeignAccount(Opener open) : m_open(std::move(open)) {}
  ~ForeignAccount();
  // Its live secret of `kind` ("token" or "oauth"); nullopt when it has none
  // (a policy that refuses it tokens). Throws TargetError when it cannot be made.
  std::optional<std::string> secret(std::string_view kind);
  // Its API token's ID; null when it has none. Throws as secret().
  Json token_id();

 private:
  void make();

  std::mutex m_mutex;  // guards what follows
  Opener m_open;
  std::unique_ptr<HttpSession> m_session;  // deleted (and its account) with this
  std::optional<std::string> m_token, m_oauth;
  Json m_token_id;
};

// Unknown token or OAuth names that get the foreign account's secrets: the
// fuzzer's made-up names and, for scenarios, "foreign".
bool is_foreign_name(std::string_view name) {
  return name == k_made_up_token || name == k_made_up_oauth || name == "foreign";
}

class HttpSession final : public AccountSession {
 public:
  // `foreign`: where unknown foreign names get their secrets; null: made-up secrets only.
  // `overlap`: start() and finish() overlap the caller's work with the
  // target's (HttpClient::overlap_io); sessions of fuzzing with a spare core.
  HttpSession(std::shared_ptr<const TargetConfig> config, Recording recording, std::shared_ptr<ClientPool> pool,
              std::shared_ptr<ForeignAccount> foreign, std::shared_ptr<CastVarsCache> casts, bool overlap = false)
      : m_config(std::move(config)),
        m_recording(recording),
        m_overlap(overlap),
        m_pool(std::move(pool)),
        m_foreign(std::move(foreign)),
        m_casts(std::move(casts)),
        m_root_client(m_pool->take(m_config->root, m_config->options)) {}
  ~HttpSession() override;
  // Creates the account with `users`. Throws TargetError.
  void open(const std::vector<ScenarioUser>& users);
  Observation execute(const model::Request& request) override;
  // `report`: whether the observation's exchange is in report form (when
  // off, it holds the status and time only).
  Observation execute(const model::Request& request, Recording report);
  // A request started while another is outstanding goes out right after the
  // answer before it, unless it names what that answer creates (a token,
  // OAuth token or user of that name) or goes through another connection:
  // then it is filled in and sent once that answer is read.
  void start(const model::Request& request) override;
  Observation finish() override;
  // What this account issued as the token or OAuth token `name` (kind
  // "token" or "oauth"); null when nothing.
  const SecretEntry* issued_entry(std::string_view kind, std::string_view name) const;

 private:
  const Profile& profile() const { return m_config->profile; }
  std::string resolve(std::string_view kind, std::string_view name);
  Json user_id(std::string_view name) const;
  Json token_id(std::string_view name) const;
  Json oauth_id(std::string_view name) const;
  void remember(const std::string& secret);

  Vars variables_for(const model::Operation& op);
  std::optional<std::string> authorization(const model::Credential& credential);
  HttpClient& client_for(const ProfileOperation& op) const;
  RequestMade made_for(const ProfileOperation& op, const Vars& vars, bool invalid_body) const;
  HttpRequest compose(const RequestMade& made, const std::optional<std::string>& auth) const;
  // The answer to a request made of `made`; throws TargetError when it failed.
  Sent receive(HttpResult result, const RequestMade& made, const std::optional<std::string>& auth);
  Sent send(const ProfileOperation& op, const Vars& vars, const std::optional<std::string>& auth,
            bool invalid_body = false);

  // A request between start() and finish().
  struct Pending {
    model::Request request;
    const ProfileOperation* op = nullptr;
    Vars vars;
    std::optional<std::string> auth;
    bool invalid_body = false;
    bool foreign_secret_sent = false;
    HttpClient* client = nullptr;
    bool posted = false;       // on its client's wire or queue
    std::exception_ptr error;  // filling it in failed: finish() throws it
  };
  // Fills in p's operation, variables and Authorization (throws TargetError).
  void render(Pending& p);
  void post(Pending& p);
  // Renders and posts a request that had to wait for the answer before it.
  void post_after_answer(Pending& p);
  // Drops what was started and not finished, reading the answers already asked for.
  void abandon() noexcept;
  // The name a lookup asks for, checked against what the outstanding request creates.
  void note_lookup(const std::string* book, std::string_view name) const;
  void harvest_secrets(const ProfileOperation& op, const Sent& sent);

  [[noreturn]] void fail(Kind kind, const Sent& sent, const std::string& message) const;
  std::string redirect_hint(const Sent& sent) const;
  // The request of `made` as reports show it; with its body and Authorization
  // header when `auth` is given (the send()'s).
  Exchange shown_request(const RequestMade& made, const std::optional<std::string>* auth) const;
  // The exchange of `sent` with its redacted answer (its request filled in
  // here when the session does not record).
  Exchange exchange_of(const Sent& sent) const;
  std::string snippet(const Sent& sent) const;
  const Json& field(const Sent& sent, const ProfileOperation& op, std::string_view name) const;
  Json id_field(const Sent& sent, const ProfileOperation& op, std::string_view name) const;
  std::string string_field(const Sent& sent, const ProfileOperation& op, std::string_view name) const;

  model::Outcome classify(const ProfileOperation& op, const model::Operation& operation, const Sent& sent);
  model::Outcome on_success(const ProfileOperation& op, const model::Operation& operation, const Sent& sent);
  model::Outcome ok_unless_token_secret_shown(const Sent& sent) const;
  model::Outcome identify_caller(const ProfileOperation& op, const Sent& sent) const;
  std::string name_of_user(std::string_view id) const;
  std::string name_of_email(std::string_view email) const;  // "" when no user has it
  // users/me showed `shown`, no user of this account: throws a protocol TargetError.
  [[noreturn]] void foreign_user(const Sent& sent, const std::string& shown) const;
  std::string admin_oauth_id_unknown(std::string_view name) const;

  Vars cast_vars(const ProfileOperation& op, const std::vector<ScenarioUser>& users) const;
  void read_account(const ProfileOperation& op, const Sent& sent);
  void read_created_users(const ProfileOperation& op, const Sent& sent,
                          const std::vector<ScenarioUser>& users);
  void add_user(const ScenarioUser& user);

  std::shared_ptr<const TargetConfig> m_config;
  Recording m_recording;
  bool m_overlap = false;
  std::shared_ptr<ClientPool> m_pool;
  std::shared_ptr<ForeignAccount> m_foreign;
  std::shared_ptr<CastVarsCache> m_casts;
  bool m_foreign_secret_sent = false;  // by the request being executed
  std::deque<Pending> m_pending;       // started, not finished: at most two
  // While a request is rendered behind an outstanding one that creates
  // something: the book ("token", "oauth", "user") and name it creates, and
  // whether the rendering looked that name up.
  const std::string* m_awaited_book = nullptr;
  std::string m_awaited_name;
  mutable bool m_uses_awaited = false;
  std::unique_ptr<HttpClient> m_root_client;
  std::unique_ptr<HttpClient> m_account_client;  // when the base URL is on another origin
  ParsedUrl m_base;
  Json m_account_id;
  bool m_created = false;
  std::map<std::string, UserEntry, std::less<>> m_users;  // "admin" included
  std::map<std::string, SecretEntry, std::less<>> m_tokens;
  std::map<std::string, SecretEntry, std::less<>> m_oauth;  // "admin-oauth" included
  std::vector<std::string> m_secrets;  // everything a report must not show
  std::unordered_set<std::string> m_secrets_known;  // the same, to add each once in O(1) (the 256-token fill)
  int m_settings_with_agreement = 0;  // settings bodies that set the agreement beside a toggle, so far
};

// --- names, IDs and secrets ------------------------------------------------

// The secret and its ${swapcase:} and ${chop:} near misses, which are as good
// as the secret to a target that ignores case or compares only a prefix.
void HttpSession::remember(const std::string& secret) {
  if (secret.empty()) return;
  for (std::string form : {secret, model::swap_case(secret), model::chop_last(secret)})
    if (m_secrets_known.insert(form).second) m_secrets.push_back(std::move(form));
}

const std::string k_book_token = "token", k_book_oauth = "oauth", k_book_user = "user";

// The book a creating operation writes to, and the name; null when it creates nothing.
std::pair<const std::string*, std::string_view> created_by(const model::Operation& op) {
  if (const auto* o = std::get_if<model::GenerateTokenOp>(&op)) return {&k_book_token, o->name};
  if (const auto* o = std::get_if<model::IssueOAuthOp>(&op)) return {&k_book_oauth, o->name};
  if (const auto* o = std::get_if<model::AddUserOp>(&op)) return {&k_book_user, o->name};
  return {nullptr, {}};
}

void HttpSession::note_lookup(const std::string* book, std::string_view name) const {
  if (m_awaited_book == book && m_awaited_name == name) m_uses_awaited = true;
}

std::string HttpSession::resolve(std::string_view kind, std::string_view name) {
  note_lookup(kind == "email" ? &k_book_user : kind == "token" ? &k_book_token : &k_book_oauth, name);
  if (kind == "email") {
    const auto it = m_users.find(name);
    return it != m_users.end() ? it->second.email : std::string(name) + "@unknown.example";
  }
  if (const SecretEntry* issued = issued_entry(kind, name)) return issued->secret;
  if (m_foreign && is_foreign_name(name))
    if (std::optional<std::string> foreign = m_foreign->secret(kind)) {
      remember(*foreign);
      m_foreign_secret_sent = true;
      return *foreign;
    }
  std::string secret = made_up_secret(kind, name);
  remember(secret);  // it looks real, so it is shown like a real one
  return secret;
}

Json HttpSession::user_id(std::string_view name) const {
  note_lookup(&k_book_user, name);
  const auto it = m_users.find(name);
  return it == m_users.end() ? k_absent_id : it->second.id;
}

// A name this account never issued gets an ID no target hands out, or, for
// a foreign name, the second account's token's ID, unless a token of this
// account has that ID (with IDs counted per account it often has): a target
// must answer not_found for another account's token, and one that looks IDs
// up across accounts shows itself.
Json HttpSession::token_id(std::string_view name) const {
  note_lookup(&k_book_token, name);
  const auto it = m_tokens.find(name);
  if (it != m_tokens.end()) return it->second.id;
  if (!m_foreign || !is_foreign_name(name)) return k_absent_id;
  // A token the outstanding answer creates may have that ID: wait for it.
  if (m_awaited_book == &k_book_token) m_uses_awaited = true;
  const Json foreign = m_foreign->token_id();
  const bool also_here = std::any_of(m_tokens.begin(), m_tokens.end(),
                                     [&](const auto& entry) { return entry.second.id == foreign; });
  return foreign.is_null() || also_here ? k_absent_id : foreign;
}

Json HttpSession::oauth_id(std::string_view name) const {
  note_lookup(&k_book_oauth, name);
  const auto it = m_oauth.find(name);
  if (it == m_oauth.end()) return k_absent_id;
  if (it->second.id.is_null())
    throw TargetError(Kind::unclassifiable, admin_oauth_id_unknown(name));
  return it->second.id;
}

// wire.md gives the admin's OAuth secret at account creation but not its ID,
// which a revocation needs; a guessed ID could revoke another token.
std::string HttpSession::admin_oauth_id_unknown(std::string_view name) const {
  const ProfileOperation& create = profile().operation("create_account");
  const auto pointer = create.read.find("admin_oauth_id");
  return "cannot send a request naming the OAuth token '" + std::string(name) + "': " +
         m_config->options.url + " did not give its ID when the account was created" +
         (pointer == create.read.end() ? " (profile '" + profile().name + "' reads no 'admin_oauth_id')"
                                       : " (profile '" + profile().name + "' looks for it at " +
                                             pointer->second + ")") +
         ", and the target's ID for it cannot be guessed safely";
}

std::string HttpSession::name_of_user(std::string_view id) const {
  for (const auto& [name, entry] : m_users)
    if (id_text(entry.id) == id) return name;
  return {};
}

// --- building requests -----------------------------------------------------

Vars HttpSession::variables_for(const model::Operation& operation) {
  TemplateVars v;
  v["account_id"] = m_account_id;
  bool keys_reversed = false;
  std::visit(
      Overloaded{
          [&](const model::UpdateSettingsOp& o) {
            // The agreement beside a toggle: the first such body in a
            // session, and every second one after, lists its keys the other
            // way round (ACT-3: the agreement applies first, wherever it is
            // written).
            if (o.accepted_api_agreement && (o.token_access || o.end_user_password_access))
              keys_reversed = m_settings_with_agreement++ % 2 == 0;
            const bool strings = o.as_strings && profile().operation("update_settings").string_values;
            const auto put = [&](const char* name, std::optional<bool> value) {
              if (!value) return;
              if (strings) v[name] = std::string(*value ? "true" : "false");
              else v[name] = *value;
            };
            put("accepted_api_agreement", o.accepted_api_agreement);
            put("token_access", o.token_access);
            put("end_user_password_access", o.end_user_password_access);
          },
          [&](const model::GenerateTokenOp& o) { v["name"] = o.name; },
          [&](const model::SetTokenActiveOp& o) {
            v.insert({{"token", o.token}, {"token_id", token_id(o.token)}, {"active", o.active}});
          },
          [&](const model::DeleteTokenOp& o) {
            v.insert({{"token", o.token}, {"token_id", token_id(o.token)}});
          },
          [&](const model::IssueOAuthOp& o) {
            // Scopes are a set: both orders are sent, by the name's last
            // character, for a target that reads them by position.
            const bool write_first = o.read && o.write && !o.name.empty() && o.name.back() % 2 == 1;
            Json scopes = Json::array();
            if (o.write && write_first) scopes.push_back("write");
            if (o.read) scopes.push_back("read");
            if (o.write && !write_first) scopes.push_back("write");
            std::string scopes_text;  // the same list, space-separated
            for (const Json& scope : scopes) scopes_text += (scopes_text.empty() ? "" : " ") + scope.get<std::string>();
            v.insert({{"name", o.name}, {"user", o.user}, {"user_id", user_id(o.user)}, {"scopes", scopes},
                      {"scopes_text", scopes_text}, {"read", o.read}, {"write", o.write}});
          },
          [&](const model::RevokeOAuthOp& o) {
            v.insert({{"oauth", o.oauth}, {"oauth_id", oauth_id(o.oauth)}});
          },
          [&](const model::AddUserOp& o) {
            v.merge(user_vars(o.name, o.email, o.role, o.password, o.two_factor_enrolled).real);
          },
          [&](const model::SetPasswordOp& o) {
            v.insert({{"user", o.user}, {"user_id", user_id(o.user)}, {"password", o.password}});
          },
          [&](const model::SetTwoFactorEnrolledOp& o) {
            v.insert({{"user", o.user}, {"user_id", user_id(o.user)}, {"enrolled", o.enrolled}});
          },
          [&](const model::SetTwoFactorRequiredOp& o) { v["required"] = o.required; },
          [&](const model::SetAgentPasswordAccessOp& o) { v["on"] = o.on; },
          [](const auto&) {},
      },
      operation);
  Vars vars = make_vars(std::move(v));
  vars.keys_reversed = keys_reversed;
  return vars;
}

std::optional<std::string> HttpSession::authorization(const model::Credential& credential) {
  std::string problem;
  const model::SecretResolver resolver = [this](std::string_view kind, std::string_view name) {
    return resolve(kind, name);
  };
  auto header = model::render_authorization(credential, resolver, &problem);
  if (!header && !problem.empty())
    throw TargetError(Kind::protocol, "cannot write the Authorization header: " + problem);
  return header;
}

HttpClient& HttpSession::client_for(const ProfileOperation& op) const {
  return (op.base == UrlBase::root || !m_account_client) ? *m_root_client : *m_account_client;
}

RequestMade HttpSession::made_for(const ProfileOperation& op, const Vars& vars, bool invalid_body) const {
  const std::string& prefix = (op.base == UrlBase::root ? m_config->root : m_base).prefix;
  return RequestMade{&op, &vars, client_for(op).origin_text(), prefix, invalid_body};
}

HttpRequest HttpSession::compose(const RequestMade& made, const std::optional<std::string>& auth) const {
  const ProfileOperation& op = *made.op;
  const Vars& vars = *made.vars;
  HttpRequest request;
  request.method = op.method;
  request.path = std::string(made.prefix) + render_path(op.path, vars.real);
  for (const auto& [name, value] : op.headers) request.headers.emplace_back(name, render_text(value, vars.real));
  const std::optional<Json>& body = body_template(made);
  if (body) request.body = vars.real_body && !made.invalid_body ? *vars.real_body : body_text(made, vars.real);
  if (body && !has_header(op.headers, "Content-Type"))
    request.headers.emplace_back("Content-Type", k_json_content_type);
  if (auth) request.headers.emplace_back("Authorization", *auth);
  return request;
}

Sent HttpSession::receive(HttpResult result, const RequestMade& made, const std::optional<std::string>& auth) {
  // The redacted request costs more than the request itself: only for a
  // report (recording) or an error.
  if (result.failure) {
    Exchange ex = shown_request(made, &auth);
    ex.elapsed_ms = result.elapsed_ms;
    if (result.failure->partial) ex.status = result.failure->partial->status;
    throw TargetError(result.failure->kind, result.failure->message, std::move(ex));
  }
  Exchange ex = m_recording == Recording::on ? shown_request(made, &auth) : Exchange{};
  ex.status = result.response->status;
  ex.elapsed_ms = result.elapsed_ms;
  Sent sent(std::move(*result.response), std::move(ex), made);
  harvest_secrets(*made.op, sent);
  if (m_recording == Recording::on) sent.exchange = exchange_of(sent);
  return sent;
}

Sent HttpSession::send(const ProfileOperation& op, const Vars& vars,
                       const std::optional<std::string>& auth, bool invalid_body) {
  const RequestMade made = made_for(op, vars, invalid_body);
  return receive(client_for(op).send(compose(made, auth)), made, auth);
}

Exchange HttpSession::shown_request(const RequestMade& made, const std::optional<std::string>* auth) const {
  const ProfileOperation& op = *made.op;
  const TemplateVars& shown = made.vars->shown;
  Exchange ex;
  ex.method = op.method;
  ex.url = std::string(made.origin) + std::string(made.prefix) + render_path(op.path, shown);
  for (const auto& [name, value] : op.headers) ex.request_headers.emplace_back(name, render_text(value, shown));
  const std::optional<Json>& body = body_template(made);
  if (body && !has_header(op.headers, "Content-Type")) ex.request_headers.emplace_back("Content-Type", k_json_content_type);
  if (!auth) return ex;
  if (body) ex.request_body = truncate_for_report(redact_secrets(body_text(made, shown), m_secrets));
  if (*auth) ex.request_headers.emplace_back("Authorization", redact_authorization(**auth, m_secrets));
  return ex;
}

Exchange HttpSession::exchange_of(const Sent& sent) const {
  Exchange ex = sent.exchange;
  if (ex.url.empty()) {  // not recorded: the request without its body and Authorization
    ex = shown_request(sent.made, nullptr);
    ex.status = sent.exchange.status;
    ex.elapsed_ms = sent.exchange.elapsed_ms;
  }
  if (ex.response_body.empty() && !sent.response.body.empty())
    ex.response_body = truncate_for_report(redact_secrets(sent.response.body, m_secrets));
  return ex;
}

// Secrets the answer hands out are known before anything can fail, so no
// report of this exchange shows them.
void HttpSession::harvest_secrets(const ProfileOperation& op, const Sent& sent) {
  for (const char* field : {"admin_oauth", "token_secret", "oauth_secret"}) {
    const auto it = op.read.find(field);
    if (it == op.read.end() || !sent.json()) continue;
    const Json* value = find_at(*sent.json(), it->second);
    if (value && value->is_string()) remember(value->get<std::string>());
  }
}

// --- reading answers -------------------------------------------------------

std::string HttpSession::snippet(const Sent& sent) const {
  if (sent.response.body.empty()) return "(empty body)";
  return truncate_for_report(redact_secrets(sent.response.body, m_secrets), k_snippet_bytes);
}

// A redirect is not followed (a checker must see the target's own answers):
// the message says where it points, which is most often the URL meant.
std::string HttpSession::redirect_hint(const Sent& sent) const {
  const int status = sent.response.status;
  const std::string* location = find_header(sent.response.headers, "Location");
  if (status < 300 || status > 399 || !location) return "";
  return " (it redirects to " + redact_secrets(*location, m_secrets) +
         "; authconform does not follow redirects: give the URL the target means as --target)";
}

void HttpSession::fail(Kind kind, const Sent& sent, const std::string& message) const {
  Exchange ex = exchange_of(sent);
  std::string text = ex.method + " " + ex.url + " answered " + std::to_string(sent.response.status) + ": " +
                     message + redirect_hint(sent);
  throw TargetError(kind, std::move(text), std::move(ex));
}

const Json& HttpSession::field(const Sent& sent, const ProfileOperation& op, std::string_view name) const {
  const std::string& pointer = op.read.find(name)->second;
  if (!sent.json())
    fail(Kind::protocol, sent, "the body is not JSON, but profile '" + profile().name + "' reads '" +
                                   std::string(name) + "' from it: " + snippet(sent));
  const Json* value = find_at(*sent.json(), pointer);
  if (!value)
    fail(Kind::protocol, sent, "the body has no '" + std::string(name) + "' at " + pointer + ": " + snippet(sent));
  return *value;
}

Json HttpSession::id_field(const Sent& sent, const ProfileOperation& op, std::string_view name) const {
  const Json& value = field(sent, op, name);
  if (!id_text(value))
    fail(Kind::protocol, sent, "'" + std::string(name) + "' at " + op.read.find(name)->second + " is " +
                                   dump(value) + ", not an ID (a number or a string)");
  return value;
}

std::string HttpSession::string_field(const Sent& sent, const ProfileOperation& op,
                                      std::string_view name) const {
  const Json& value = field(sent, op, name);
  if (!value.is_string() || value.get_ref<const std::string&>().empty())
    fail(Kind::protocol, sent, "'" + std::string(name) + "' at " + op.read.find(name)->second +
                                   " is not a non-empty string: " + snippet(sent));
  return value.get<std::string>();
}

model::Outcome HttpSession::classify(const ProfileOperation& op, const model::Operation& operation,
                                     const Sent& sent) {
  const auto kind = classify_status(op.responses, sent.response.status);
  // A 4xx the profile does not map is a wrong answer, not a broken target: it
  // is observed as such and mismatches (docs/spec-choices.md C17).
  const int status = sent.response.status;
  if (!kind && status >= 400 && status < 500)
    return model::Outcome{model::OutcomeKind::unexpected, model::Reason::none, std::to_string(status)};
  if (!kind)
    fail(Kind::unclassifiable, sent, "profile '" + profile().name + "' does not map this status for '" +
                                         op.name + "' (" + describe_rules(op.responses) + "); body: " +
                                         snippet(sent));
  switch (*kind) {
    case model::OutcomeKind::forbidden:
      return model::Outcome::forbidden(
          read_reason(profile(), op.responses, sent.json()));
    case model::OutcomeKind::unauthorized: return model::Outcome::unauthorized();
    case model::OutcomeKind::not_found: return model::Outcome::not_found();
    case model::OutcomeKind::invalid: return model::Outcome::invalid();
    default: return on_success(op, operation, sent);
  }
}

model::Outcome HttpSession::on_success(const ProfileOperation& op, const model::Operation& operation,
                                       const Sent& sent) {
  return std::visit(
      Overloaded{
          [&](const model::ProbeOp& p) {
            if (p.probe == model::Probe::me) return identify_caller(op, sent);
            // A 200 on tickets shows that some agent or admin is calling, not which.
            return model::Outcome::as_user(std::string(model::k_any_user));
          },
          [&](const model::GenerateTokenOp& o) {
            m_tokens[o.name] = SecretEntry{id_field(sent, op, "token_id"), string_field(sent, op, "token_secret")};
            return model::Outcome::ok();
          },
          [&](const model::IssueOAuthOp& o) {
            m_oauth[o.name] = SecretEntry{id_field(sent, op, "oauth_id"), string_field(sent, op, "oauth_secret")};
            return model::Outcome::ok();
          },
          [&](const model::AddUserOp& o) {
            m_users[o.name] = UserEntry{id_field(sent, op, "user_id"), o.email};
            return model::Outcome::ok();
          },
          [&](const model::ListTokensOp&) { return ok_unless_token_secret_shown(sent); },
          [&](const model::SetTokenActiveOp&) { return ok_unless_token_secret_shown(sent); },
          [](const auto&) { return model::Outcome::ok(); },
      },
      operation);
}

// TOK-3: a token's secret is returned once, at creation. Any later answer
// that shows it again is a wrong answer (observed, so that it mismatches).
model::Outcome HttpSession::ok_unless_token_secret_shown(const Sent& sent) const {
  for (const auto& [name, entry] : m_tokens)
    if (!entry.secret.empty() && sent.response.body.find(entry.secret) != std::string::npos)
      return model::Outcome::secret_shown_again(name);
  return model::Outcome::ok();
}

// users/me: null ID -> anonymous; a known ID -> that user, unless the email
// shown belongs to another user of the account ("?ID <email>", which matches
// nobody: the target confuses its own users, a wrong answer). An ID or email
// of no user of this account is not a wrong answer about this account but
// another account's data (or garbage): the target is broken, a TargetError.
model::Outcome HttpSession::identify_caller(const ProfileOperation& op, const Sent& sent) const {
  const Json* email = nullptr;
  if (op.reads("user_id")) {
    const Json& id = field(sent, op, "user_id");  // the body is JSON from here on
    if (op.reads("user_email")) email = find_at(*sent.json(), op.read.find("user_email")->second);
    if (id.is_null()) return model::Outcome::anonymous();
    const auto text = id_text(id);
    if (!text) fail(Kind::protocol, sent, "users/me shows the ID " + dump(id) + ", neither null nor an ID");
    const std::string shown_email = email && email->is_string() ? email->get<std::string>() : "";
    const std::string name = name_of_user(*text);
    const std::string shown = "the ID " + *text + (shown_email.empty() ? "" : " <" + shown_email + ">");
    if (name.empty() || (!shown_email.empty() && name_of_email(shown_email).empty())) {
      // Sent another account's secret, the target took it: a wrong answer.
      if (m_foreign_secret_sent) return model::Outcome::as_user("?" + *text + " (another account's user)");
      foreign_user(sent, shown);
    }
    const bool same_email = shown_email.empty() || model::iequals_ascii(shown_email, m_users.find(name)->second.email);
    return model::Outcome::as_user(same_email ? name : "?" + *text + " <" + shown_email + ">");
  }
  email = &field(sent, op, "user_email");
  if (email->is_null()) return model::Outcome::anonymous();
  if (!email->is_string()) fail(Kind::protocol, sent, "users/me shows the email " + dump(*email));
  const std::string name = name_of_email(email->get<std::string>());
  if (name.empty() && m_foreign_secret_sent) return model::Outcome::as_user("?" + email->get<std::string>());
  if (name.empty()) foreign_user(sent, "the email " + email->get<std::string>());
  return model::Outcome::as_user(name);
}

std::string HttpSession::name_of_email(std::string_view email) const {
  for (const auto& [name, entry] : m_users)
    if (model::iequals_ascii(entry.email, email)) return name;
  return {};
}

void HttpSession::foreign_user(const Sent& sent, const std::string& shown) const {
  fail(Kind::protocol, sent,
       "the target answered with a user who is not in this account (another account's data?): users/me shows " +
           truncate_for_report(redact_secrets(shown, m_secrets), k_snippet_bytes) +
           ", which is no user of this account");
}

// --- the account -----------------------------------------------------------

void HttpSession::open(const std::vector<ScenarioUser>& users) {
  const ProfileOperation& op = profile().operation("create_account");
  for (const ScenarioUser& u : users) remember(u.password);
  const bool users_inline = op.body_uses("users");
  static const Vars no_vars;
  const std::shared_ptr<const Vars> vars =
      users_inline ? m_casts->get(users, [&] { return cast_vars(op, users); }) : nullptr;
  const Sent sent = send(op, vars ? *vars : no_vars, std::nullopt);
  if (classify_status(op.responses, sent.response.status) != model::OutcomeKind::ok)
    fail(Kind::unclassifiable, sent, "creating a sandbox account failed (" + describe_rules(op.responses) +
                                         "): " + snippet(sent));
  read_account(op, sent);
  if (users_inline && !users.empty()) read_created_users(op, sent, users);
  else for (const ScenarioUser& u : users) add_user(u);
}

// The users filled into the profile's user item, twice (real and shown),
// and the body filled with the real ones.
Vars HttpSession::cast_vars(const ProfileOperation& op, const std::vector<ScenarioUser>& users) const {
  Json real = Json::array(), shown = Json::array();
  for (const ScenarioUser& u : users) {
    const Vars uv = user_vars(u.name, email_of(u), u.role, u.password, u.two_factor);
    real.push_back(render_json(*op.user_item, uv.real));
    shown.push_back(render_json(*op.user_item, uv.shown));
  }
  Vars vars;
  vars.real["users"] = std::move(real);
  vars.shown["users"] = std::move(shown);
  if (op.body) vars.real_body = dump(render_json(*op.body, vars.real));
  return vars;
}

void HttpSession::read_account(const ProfileOperation& op, const Sent& sent) {
  m_account_id = id_field(sent, op, "account_id");
  m_created = true;  // from here on, the destructor deletes it
  m_base = m_config->root;
  if (op.reads("base_url")) {
    const std::string base = string_field(sent, op, "base_url");
    try {
      m_base = resolve_url(m_config->root, base);
    } catch (const std::invalid_argument& e) {
      fail(Kind::protocol, sent, std::string("the account's base URL is unusable: ") + e.what());
    }
  }
  if (m_base.origin() != m_config->root.origin())
    m_account_client = m_pool->take(m_base, m_config->options);
  m_users[std::string(model::k_admin_name)] =
      UserEntry{id_field(sent, op, "admin_id"), string_field(sent, op, "admin_email")};
  // Optional even where the profile names it: wire.md does not promise it.
  Json admin_oauth_id;
  if (const auto it = op.read.find("admin_oauth_id"); it != op.read.end())
    if (const Json* id = find_at(*sent.json(), it->second); id && id_text(*id)) admin_oauth_id = *id;
  m_oauth[std::string(model::k_admin_oauth_name)] = SecretEntry{admin_oauth_id, string_field(sent, op, "admin_oauth")};
}

// Each user is found by its email when the profile reads emails, else by its place.
void HttpSession::read_created_users(const ProfileOperation& op, const Sent& sent,
                                     const std::vector<ScenarioUser>& users) {
  const Json& list = field(sent, op, "users");
  if (!list.is_array() || list.size() != users.size())
    fail(Kind::protocol, sent, "'users' at " + op.read.find("users")->second + " is not a list of the " +
                                   std::to_string(users.size()) + " users created: " + snippet(sent));
  const std::string& id_pointer = op.read.find("user_id")->second;
  const auto email_pointer = op.read.find("user_email");
  for (std::size_t i = 0; i < users.size(); ++i) {
    const std::string email = email_of(users[i]);
    std::size_t at = i;
    if (email_pointer != op.read.end()) {
      at = list.size();
      for (std::size_t k = 0; k < list.size(); ++k) {
        const Json* e = find_at(list[k], email_pointer->second);
        if (e && e->is_string() && model::iequals_ascii(e->get<std::string>(), email)) at = k;
      }
      if (at == list.size()) fail(Kind::protocol, sent, "the created account lists no user '" + email + "'");
    }
    const Json* id = find_at(list[at], id_pointer);
    if (!id || !id_text(*id))
      fail(Kind::protocol, sent, "the created user '" + email + "' has no ID at " + id_pointer);
    m_users[users[i].name] = UserEntry{*id, email};
  }
}

void HttpSession::add_user(const ScenarioUser& user) {
  const model::AddUserOp op{user.name, email_of(user), user.role, user.password, user.two_factor};
  const Observation seen = execute(model::Request{op, model::NoCredential{}}, Recording::on);
  if (seen.outcome != model::Outcome::ok())
    throw TargetError(Kind::unclassifiable, "adding the user '" + user.name + "' to a new account gave " +
                                                model::to_string(seen.outcome) + ", not ok",
                      seen.exchange);
}

Observation HttpSession::execute(const model::Request& request) { return execute(request, m_recording); }

Observation HttpSession::execute(const model::Request& request, Recording report) {
  abandon();  // execute() is not for use between start() and finish()
  Pending p;
  p.request = request;
  render(p);
  Sent sent = send(*p.op, p.vars, p.auth, p.invalid_body);
  m_foreign_secret_sent = p.foreign_secret_sent;
  model::Outcome outcome = classify(*p.op, request.op, sent);
  if (report == Recording::on && m_recording == Recording::off) sent.exchange = exchange_of(sent);
  return Observation{std::move(outcome), std::move(sent.exchange)};
}

void HttpSession::render(Pending& p) {
  m_foreign_secret_sent = false;
  p.op = &profile().operation(model::operation_name(p.request.op));
  if (const auto* add = std::get_if<model::AddUserOp>(&p.request.op)) remember(add->password);
  if (const auto* set = std::get_if<model::SetPasswordOp>(&p.request.op)) remember(set->password);
  p.vars = variables_for(p.request.op);
  p.auth = model::is_fixture(p.request.op) ? std::nullopt : authorization(p.request.credential);
  const auto* update = std::get_if<model::UpdateSettingsOp>(&p.request.op);
  p.invalid_body = update && update->malformed;
  p.foreign_secret_sent = m_foreign_secret_sent;
}

void HttpSession::post(Pending& p) {
  p.client = &client_for(*p.op);
  p.client->overlap_io(m_overlap);
  p.client->start(compose(made_for(*p.op, p.vars, p.invalid_body), p.auth));
  p.posted = true;
}

void HttpSession::post_after_answer(Pending& p) {
  try {
    render(p);
    post(p);
  } catch (const TargetError&) {
    p.error = std::current_exception();
  }
}

void HttpSession::start(const model::Request& request) {
  if (m_pending.size() >= 2) throw std::logic_error("HttpSession::start: two requests are outstanding already");
  Pending& p = m_pending.emplace_back();
  p.request = request;
  if (m_pending.size() == 1) return post_after_answer(p);
  // Behind an outstanding request: filled in now, unless it needs that answer.
  const Pending& ahead = m_pending.front();
  std::tie(m_awaited_book, m_awaited_name) = created_by(ahead.request.op);
  m_uses_awaited = false;
  try {
    render(p);
  } catch (const TargetError&) {
    p.error = std::current_exception();
  }
  m_awaited_book = nullptr;
  const bool wait = m_uses_awaited || !ahead.posted || (!p.error && &client_for(*p.op) != ahead.client);
  if (wait) p.error = nullptr;  // filled in again after the answer, which may change how
  else if (!p.error) post(p);
}

Observation HttpSession::finish() {
  Pending& front = m_pending.front();
  if (!front.posted && !front.error) post_after_answer(front);
  Pending p = std::move(front);
  m_pending.pop_front();
  if (p.error) std::rethrow_exception(p.error);
  HttpResult result = p.client->finish();
  const RequestMade made = made_for(*p.op, p.vars, p.invalid_body);
  Sent sent = receive(std::move(result), made, p.auth);
  m_foreign_secret_sent = p.foreign_secret_sent;
  model::Outcome outcome = classify(*p.op, p.request.op, sent);
  if (!m_pending.empty() && !m_pending.front().posted && !m_pending.front().error)
    post_after_answer(m_pending.front());
  return Observation{std::move(outcome), std::move(sent.exchange)};
}

void HttpSession::abandon() noexcept {
  for (Pending& p : m_pending)
    if (p.posted) p.client->drop_outstanding();
  m_pending.clear();
}

HttpSession::~HttpSession() {
  abandon();
  if (m_created) {
    try {
      TemplateVars vars{{"account_id", m_account_id}};
      (void)send(profile().operation("delete_account"), make_vars(std::move(vars)), std::nullopt);
    } catch (...) {
      // Best effort: a target that cannot delete its sandbox account keeps it.
    }
  }
  m_pool->give_back(std::move(m_root_client));
  m_pool->give_back(std::move(m_account_client));
}

const SecretEntry* HttpSession::issued_entry(std::string_view kind, std::string_view name) const {
  const auto& book = kind == "token" ? m_tokens : m_oauth;
  const auto it = book.find(name);
  return it == book.end() ? nullptr : &it->second;
}

// --- the foreign account ------------------------------------------------------

ForeignAccount::~ForeignAccount() = default;

std::optional<std::string> ForeignAccount::secret(std::string_view kind) {
  const std::lock_guard lock(m_mutex);
  if (!m_session) make();
  return kind == "token" ? m_token : m_oauth;
}

Json ForeignAccount::token_id() {
  const std::lock_guard lock(m_mutex);
  if (!m_session) make();
  return m_token_id;
}

// An account with no users, its agreement accepted and token access on, and
// one API token (refused under a policy that retires tokens: then none).
void ForeignAccount::make() {
  const model::OAuthCredential admin{std::string(model::k_admin_oauth_name)};
  try {
    std::unique_ptr<HttpSession> session = m_open();
    session->open({});
    model::UpdateSettingsOp activate;
    activate.accepted_api_agreement = true;
    activate.token_access = true;
    session->execute({activate, admin});
    session->execute({model::GenerateTokenOp{"foreign"}, admin});
    if (const SecretEntry* token = session->issued_entry("token", "foreign")) {
      if (!token->secret.empty()) m_token = token->secret;
      m_token_id = token->id;
    }
    if (const SecretEntry* oauth = session->issued_entry("oauth", model::k_admin_oauth_name); oauth && !oauth->secret.empty())
      m_oauth = oauth->secret;
    m_session = std::move(session);
  } catch (const TargetError& e) {
    throw TargetError(e.kind(), std::string("while making a second account, whose secrets test that this one "
                                            "refuses another account's: ") + e.what(),
                      e.exchange());
  }
}

class HttpTarget final : public Target {
 public:
  HttpTarget(HttpOptions options, Profile profile) {
    auto config = std::make_shared<TargetConfig>();
    config->root = parse_url(options.url);
    config->options = std::move(options);
    config->profile = std::move(profile);
    m_config = std::move(config);
    m_foreign = std::make_shared<ForeignAccount>([config = m_config, pool = m_pool] {
      return std::make_unique<HttpSession>(config, Recording::off, pool, nullptr, std::make_shared<CastVarsCache>());
    });
  }

  std::unique_ptr<AccountSession> open_account(const std::vector<ScenarioUser>& users) override {
    auto session = std::make_unique<HttpSession>(m_config, m_recording, m_pool, m_foreign, m_casts, m_overlap);
    session->open(users);
    return session;
  }

  std::string describe() const override { return m_config->options.url; }
  void record_exchanges(bool on) override { m_recording = on ? Recording::on : Recording::off; }
  bool overlap_requests(bool on) override { return m_overlap = on; }
  bool accounts_are_remote() const override { return true; }

 private:
  std::shared_ptr<const TargetConfig> m_config;
  Recording m_recording = Recording::on;
  bool m_overlap = false;
  std::shared_ptr<ClientPool> m_pool = std::make_shared<ClientPool>();
  std::shared_ptr<CastVarsCache> m_casts = std::make_shared<CastVarsCache>();
  std::shared_ptr<ForeignAccount> m_foreign;  // after m_config, which it uses
};

}  // namespace

std::unique_ptr<Target> make_http_target(HttpOptions options, Profile profile) {
  return std::make_unique<HttpTarget>(std::move(options), std::move(profile));
}

}  // namespace authconform::runner
