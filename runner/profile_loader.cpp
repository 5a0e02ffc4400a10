// Reading profile files strictly: every problem is reported at once, as
// FILE:LINE:COL errors quoting the value and suggesting a fix.
#include "runner/profile.h"
#include "runner/profile_schema.h"
#include "runner/profile_template.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace authconform::runner {
namespace {

using Json = nlohmann::ordered_json;
using Names = std::vector<std::string>;

const Names k_methods = {"GET", "POST", "PUT", "PATCH", "DELETE"};
const Names k_top_keys = {"profile", "description", "defaults", "reasons", "operations"};
const Names k_default_keys = {"headers", "responses"};
const Names k_response_keys = {"ok", "unauthorized", "forbidden", "not_found", "invalid",
                               "forbidden_reason"};
const Names k_reserved_headers = {"authorization", "host", "content-length"};

SourcePos pos_of(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  if (mark.is_null()) return {};
  return {mark.line + 1, mark.column + 1};
}

// The key node of `key` in a mapping (for positions), or an undefined node.
YAML::Node key_node(const YAML::Node& map, const std::string& key) {
  for (const auto& entry : map)
    if (entry.first.IsScalar() && entry.first.Scalar() == key) return entry.first;
  return YAML::Node();
}

std::string join(const Names& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

Names to_names(const std::vector<std::string_view>& views) { return {views.begin(), views.end()}; }

// " (did you mean 'x'?)", or " (FALLBACK)" when nothing is close.
std::string suggest(std::string_view word, const Names& candidates, std::string_view fallback,
                    std::string_view before = "", std::string_view after = "") {
  const std::string best = closest_match(word, candidates);
  if (!best.empty())
    return " (did you mean '" + std::string(before) + best + std::string(after) + "'?)";
  return fallback.empty() ? "" : " (" + std::string(fallback) + ")";
}

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

bool is_token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

std::optional<Json> plain_number(const std::string& s) {
  const std::string_view digits = (s.size() > 1 && (s[0] == '-' || s[0] == '+')) ? std::string_view(s).substr(1) : s;
  if (all_digits(digits)) {
    try {
      return Json(std::stoll(s));
    } catch (const std::exception&) {
      return std::nullopt;  // too large: kept as text
    }
  }
  std::istringstream in(s);
  double d = 0;
  if (s.find_first_of(".eE") != std::string::npos && (in >> d) && in.peek() == EOF) return Json(d);
  return std::nullopt;
}

// A YAML scalar as JSON: quoted scalars are strings; plain ones follow the
// YAML 1.2 core schema (bool, null, int, float, else string).
Json scalar_json(const YAML::Node& node) {
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") return s;
  if (s == "true" || s == "True" || s == "TRUE") return true;
  if (s == "false" || s == "False" || s == "FALSE") return false;
  if (s.empty() || s == "~" || s == "null" || s == "Null" || s == "NULL") return nullptr;
  if (auto number = plain_number(s)) return *number;
  return s;
}

struct Defaults {
  std::vector<std::pair<std::string, std::string>> headers;
  ResponseRules responses;
};

class Parser {
 public:
  explicit Parser(std::string file) : m_file(std::move(file)) {}
  ProfileLoad run(std::string_view text);

 private:
  void error(SourcePos pos, std::string message) {
    m_errors.push_back(LoadError{m_file, pos, std::move(message)});
  }
  void error(const YAML::Node& at, std::string message) { error(pos_of(at), std::move(message)); }

  bool expect_map(const YAML::Node& node, const std::string& what);
  void check_keys(const YAML::Node& map, const Names& allowed, const std::string& where);
  std::optional<std::string> text(const YAML::Node& node, const std::string& what);
  std::optional<std::string> pointer(const YAML::Node& node, const std::string& what);

  void parse_top(const YAML::Node& root, Profile& profile);
  Defaults parse_defaults(const YAML::Node& node);
  void parse_reasons(const YAML::Node& node, Profile& profile);
  void parse_operations(const YAML::Node& key, const YAML::Node& node, const Defaults& defaults,
                        Profile& profile);
  ProfileOperation parse_operation(const YAML::Node& key, const YAML::Node& value,
                                   const OperationSchema& schema, const Defaults& defaults);
  void parse_bodies(const YAML::Node& value, const Names& vars, ProfileOperation& op);
  void parse_method(const YAML::Node& node, ProfileOperation& op);
  void parse_path(const YAML::Node& node, const Names& vars, ProfileOperation& op);
  void parse_base(const YAML::Node& node, ProfileOperation& op);
  void parse_headers(const YAML::Node& node, const Names& vars, const std::string& where,
                     std::vector<std::pair<std::string, std::string>>& headers);
  void parse_responses(const YAML::Node& node, const std::string& where, ResponseRules& rules);
  void parse_status_set(const YAML::Node& node, const std::string& where, StatusSet& set);
  void parse_read(const YAML::Node& node, const OperationSchema& schema, ProfileOperation& op);
  std::optional<Json> parse_template(const YAML::Node& node, const Names& vars, const std::string& where);
  void check_variables(const YAML::Node& at, const Names& used, const Names& allowed,
                       const std::string& where, bool path_style);
  void check_required_reads(const YAML::Node& key, const OperationSchema& schema,
                            const ProfileOperation& op);
  void check_statuses(const YAML::Node& key, const ProfileOperation& op);
  void complete_user_item(const YAML::Node& operations_key, Profile& profile);

  std::string m_file;
  std::vector<LoadError> m_errors;
};

bool Parser::expect_map(const YAML::Node& node, const std::string& what) {
  if (node.IsMap()) return true;
  error(node, what + " must be a mapping of keys to values");
  return false;
}

void Parser::check_keys(const YAML::Node& map, const Names& allowed, const std::string& where) {
  Names seen;
  for (const auto& entry : map) {
    const std::string key = entry.first.as<std::string>("");
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) {
      error(entry.first, "duplicate key '" + key + "' in " + where + " (keep one)");
      continue;
    }
    seen.push_back(key);
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end())
      error(entry.first, "unknown key '" + key + "' in " + where +
                             suggest(key, allowed, "allowed: " + join(allowed)));
  }
}

std::optional<std::string> Parser::text(const YAML::Node& node, const std::string& what) {
  if (node.IsScalar()) return node.Scalar();
  error(node, what + " must be a text value");
  return std::nullopt;
}

std::optional<std::string> Parser::pointer(const YAML::Node& node, const std::string& what) {
  auto value = text(node, what);
  if (!value) return std::nullopt;
  try {
    (void)Json::json_pointer(*value);
    return value;
  } catch (const nlohmann::json::exception&) {
    const std::string fix = value->empty() || (*value)[0] == '/'
                                ? "escape '~' as '~0' and '/' inside a name as '~1'"
                                : "a pointer is '' or starts with '/', e.g. '/" + *value + "'";
    error(node, "bad JSON pointer '" + *value + "' for " + what + " (" + fix + ")");
    return std::nullopt;
  }
}

ProfileLoad Parser::run(std::string_view yaml) {
  Profile profile;
  profile.file = m_file;
  try {
    const YAML::Node root = YAML::Load(std::string(yaml));
    if (!root.IsMap()) {
      error(SourcePos{1, 1}, "a profile is a YAML mapping with the keys 'profile', 'defaults' "
                             "and 'operations' (see docs/profiles.md)");
    } else {
      parse_top(root, profile);
    }
  } catch (const YAML::Exception& e) {
    error(SourcePos{e.mark.line + 1, e.mark.column + 1}, "YAML syntax error: " + e.msg);
  }
  std::stable_sort(m_errors.begin(), m_errors.end(), [](const LoadError& a, const LoadError& b) {
    return std::tie(a.pos.line, a.pos.column) < std::tie(b.pos.line, b.pos.column);
  });
  ProfileLoad load;
  load.errors = std::move(m_errors);
  if (load.errors.empty()) load.profile = std::move(profile);
  return load;
}

void Parser::parse_top(const YAML::Node& root, Profile& profile) {
  check_keys(root, k_top_keys, "the profile");
  if (const YAML::Node name = root["profile"]; !name)
    error(root, "missing 'profile:' (the profile's name, e.g. 'profile: zendesk')");
  else if (auto value = text(name, "'profile'"))
    profile.name = *value;
  if (const YAML::Node description = root["description"])
    if (auto value = text(description, "'description'")) profile.description = *value;
  for (int r = 1; r <= static_cast<int>(model::Reason::token_limit_reached); ++r) {
    const auto reason = static_cast<model::Reason>(r);
    profile.reasons.emplace(std::string(model::reason_name(reason)), reason);
  }
  if (const YAML::Node reasons = root["reasons"]) parse_reasons(reasons, profile);
  const Defaults defaults = root["defaults"] ? parse_defaults(root["defaults"]) : Defaults{};
  if (const YAML::Node operations = root["operations"])
    parse_operations(key_node(root, "operations"), operations, defaults, profile);
  else
    error(root, "missing 'operations:' (one mapping per operation: see docs/profiles.md)");
}

Defaults Parser::parse_defaults(const YAML::Node& node) {
  Defaults defaults;
  if (!expect_map(node, "'defaults'")) return defaults;
  check_keys(node, k_default_keys, "'defaults'");
  if (const YAML::Node headers = node["headers"])
    parse_headers(headers, {}, "the default headers", defaults.headers);
  if (const YAML::Node responses = node["responses"])
    parse_responses(responses, "the default responses", defaults.responses);
  return defaults;
}

void Parser::parse_reasons(const YAML::Node& node, Profile& profile) {
  if (!expect_map(node, "'reasons'")) return;
  Names names;
  for (const auto& [reason, name] : profile.reasons) names.push_back(reason);
  for (const auto& entry : node) {
    const auto value = text(entry.second, "a reason");
    if (!value) continue;
    if (const auto reason = model::parse_reason(*value))
      profile.reasons[entry.first.as<std::string>("")] = *reason;
    else
      error(entry.second, "unknown reason '" + *value + "'" +
                              suggest(*value, names, "reasons: " + join(names)));
  }
}

void Parser::parse_operations(const YAML::Node& key, const YAML::Node& node, const Defaults& defaults,
                              Profile& profile) {
  if (!expect_map(node, "'operations'")) return;
  const Names& all = profile_operation_names();
  for (const auto& entry : node) {
    const std::string name = entry.first.as<std::string>("");
    const OperationSchema* schema = find_operation_schema(name);
    if (!schema) {
      error(entry.first, "unknown operation '" + name + "'" +
                             suggest(name, all, "operations: " + join(all)));
    } else if (profile.operations.count(name)) {
      error(entry.first, "duplicate operation '" + name + "' (keep one)");
    } else {
      profile.operations.emplace(name, parse_operation(entry.first, entry.second, *schema, defaults));
    }
  }
  for (const std::string& name : all)
    if (!profile.operations.count(name))
      error(key, "missing operation '" + name +
                     "' (every operation needs a mapping: see docs/profiles.md)");
  complete_user_item(key, profile);
}

// create_account's users are rendered with add_user's body unless it says otherwise.
void Parser::complete_user_item(const YAML::Node& operations_key, Profile& profile) {
  const auto create = profile.operations.find("create_account");
  const auto add = profile.operations.find("add_user");
  if (create == profile.operations.end() || create->second.user_item) return;
  if (!create->second.body_uses("users")) return;
  if (add != profile.operations.end() && add->second.body) {
    create->second.user_item = add->second.body;
  } else {
    error(operations_key, "create_account uses ${users} but neither it ('user_item') nor "
                          "add_user ('body') gives the shape of one user");
  }
}

ProfileOperation Parser::parse_operation(const YAML::Node& key, const YAML::Node& value,
                                         const OperationSchema& schema, const Defaults& defaults) {
  ProfileOperation op;
  op.name = std::string(schema.name);
  op.pos = pos_of(key);
  op.base = schema.base;
  op.headers = defaults.headers;
  op.responses = defaults.responses;
  const std::string where = "operation '" + op.name + "'";
  if (!expect_map(value, where)) return op;
  Names allowed = {"method", "path", "base", "headers", "body", "responses", "read"};
  if (op.name == "update_settings") {
    allowed.push_back("invalid_body");
    allowed.push_back("string_values");
  }
  if (op.name == "create_account") allowed.push_back("user_item");
  check_keys(value, allowed, where);
  Names vars = to_names(schema.variables);
  if (op.name != "create_account") vars.push_back("account_id");
  if (const YAML::Node method = value["method"]) parse_method(method, op);
  else error(key, where + " has no 'method' (GET, POST, PUT, PATCH or DELETE)");
  if (const YAML::Node path = value["path"]) parse_path(path, vars, op);
  else error(key, where + " has no 'path' (e.g. 'path: /api/v2/users/me.json')");
  if (const YAML::Node base = value["base"]) parse_base(base, op);
  if (const YAML::Node headers = value["headers"])
    parse_headers(headers, vars, "the headers of '" + op.name + "'", op.headers);
  parse_bodies(value, vars, op);
  if (const YAML::Node strings = value["string_values"]) {
    if (strings.IsScalar() && (strings.Scalar() == "true" || strings.Scalar() == "false"))
      op.string_values = strings.Scalar() == "true";
    else
      error(strings, "'string_values' is true or false (does the target take \"true\"/\"false\" strings?)");
  }
  if (const YAML::Node responses = value["responses"])
    parse_responses(responses, "the responses of '" + op.name + "'", op.responses);
  if (const YAML::Node read = value["read"]) parse_read(read, schema, op);
  check_required_reads(key, schema, op);
  check_statuses(key, op);
  return op;
}

void Parser::parse_bodies(const YAML::Node& value, const Names& vars, ProfileOperation& op) {
  const auto body_of = [&](const char* field, const Names& names) -> std::optional<Json> {
    const YAML::Node node = value[field];
    if (!node) return std::nullopt;
    auto parsed = parse_template(node, names, "the " + std::string(field) + " of '" + op.name + "'");
    if (parsed && parsed->is_null()) return std::nullopt;  // `body:` left empty
    return parsed;
  };
  op.body = body_of("body", vars);
  op.invalid_body = body_of("invalid_body", vars);
  op.user_item = body_of("user_item", to_names(user_item_variables()));
  if (op.method == "GET" && op.body)
    error(value["body"], "a GET request has no body; remove 'body' from '" + op.name + "'");
  if (op.name == "update_settings" && !op.invalid_body)
    error(value, "operation 'update_settings' needs 'invalid_body': a body the target must "
                 "refuse with 400, e.g. {\"settings\": {\"api\": {\"api_token_access\": \"maybe\"}}}");
}

void Parser::parse_method(const YAML::Node& node, ProfileOperation& op) {
  const auto method = text(node, "'method'");
  if (!method) return;
  if (std::find(k_methods.begin(), k_methods.end(), *method) != k_methods.end()) {
    op.method = *method;
    return;
  }
  const std::string up = upper(*method);
  if (std::find(k_methods.begin(), k_methods.end(), up) != k_methods.end())
    error(node, "bad method '" + *method + "' (did you mean '" + up + "'? methods are upper case)");
  else
    error(node, "bad method '" + *method + "'" +
                    suggest(up, k_methods, "use GET, POST, PUT, PATCH or DELETE"));
}

void Parser::parse_path(const YAML::Node& node, const Names& vars, ProfileOperation& op) {
  const auto path = text(node, "'path'");
  if (!path) return;
  const std::string where = "the path of '" + op.name + "'";
  if (path->empty() || (*path)[0] != '/') {
    error(node, "path '" + *path + "' must start with '/' (it is relative to the root or the "
                "account's base URL)");
    return;
  }
  if (path->find("${") != std::string::npos) {
    error(node, "path '" + *path + "' uses ${...}; paths name variables as {name}");
    return;
  }
  std::string problem;
  const Names used = path_variables(*path, &problem);
  if (!problem.empty()) {
    error(node, problem + " in " + where);
    return;
  }
  check_variables(node, used, vars, where, true);
  op.path = *path;
}

void Parser::parse_base(const YAML::Node& node, ProfileOperation& op) {
  const auto base = text(node, "'base'");
  if (!base) return;
  if (*base == "root") op.base = UrlBase::root;
  else if (*base == "account") op.base = UrlBase::account;
  else error(node, "bad base '" + *base + "'" + suggest(*base, {"root", "account"}, "use root or account"));
}

void Parser::parse_headers(const YAML::Node& node, const Names& vars, const std::string& where,
                           std::vector<std::pair<std::string, std::string>>& headers) {
  if (!expect_map(node, where)) return;
  for (const auto& entry : node) {
    const std::string name = entry.first.as<std::string>("");
    const auto value = text(entry.second, "header '" + name + "'");
    if (name.empty() || !std::all_of(name.begin(), name.end(), is_token_char)) {
      error(entry.first, "bad header name '" + name + "' in " + where);
      continue;
    }
    const std::string low = lower(name);
    if (std::find(k_reserved_headers.begin(), k_reserved_headers.end(), low) != k_reserved_headers.end()) {
      error(entry.first, "header '" + name + "' is set by the harness; remove it from " + where);
      continue;
    }
    if (!value) continue;
    std::string problem;
    const Names used = text_variables(*value, &problem);
    if (!problem.empty()) error(entry.second, problem + " in " + where);
    else check_variables(entry.second, used, vars, where, false);
    std::erase_if(headers, [&](const auto& h) { return lower(h.first) == low; });
    headers.emplace_back(name, *value);
  }
}

void Parser::parse_responses(const YAML::Node& node, const std::string& where, ResponseRules& rules) {
  if (!expect_map(node, where)) return;
  check_keys(node, k_response_keys, where);
  const std::vector<std::pair<const char*, StatusSet*>> sets = {
      {"ok", &rules.ok}, {"unauthorized", &rules.unauthorized}, {"forbidden", &rules.forbidden},
      {"not_found", &rules.not_found}, {"invalid", &rules.invalid}};
  for (const auto& [key, set] : sets)
    if (const YAML::Node list = node[key]) parse_status_set(list, key + (" in " + where), *set);
  if (const YAML::Node reason = node["forbidden_reason"])
    if (auto p = pointer(reason, "'forbidden_reason' in " + where)) rules.forbidden_reason = *p;
}

void Parser::parse_status_set(const YAML::Node& node, const std::string& where, StatusSet& set) {
  StatusSet out;
  const auto add = [&](const YAML::Node& item) {
    const std::string s = item.IsScalar() ? item.Scalar() : "";
    if (s.size() == 3 && all_digits(s) && s >= "100" && s <= "599") {
      out.codes.push_back(std::stoi(s));
    } else if (s.size() == 3 && s[0] >= '1' && s[0] <= '5' && lower(s.substr(1)) == "xx") {
      out.classes.push_back(s[0] - '0');
    } else {
      error(item, "bad status '" + s + "' in " + where +
                      " (write a code such as 404 or a class such as 4xx)");
    }
  };
  if (node.IsSequence()) {
    for (const auto& item : node) add(item);
  } else {
    add(node);
  }
  set = std::move(out);
}

void Parser::parse_read(const YAML::Node& node, const OperationSchema& schema, ProfileOperation& op) {
  const std::string where = "'read' of '" + op.name + "'";
  if (!expect_map(node, where)) return;
  Names fields;
  for (const ReadFieldSchema& f : schema.reads) fields.emplace_back(f.name);
  if (fields.empty()) {
    error(node, "operation '" + op.name + "' reads no results; remove 'read'");
    return;
  }
  check_keys(node, fields, where);
  for (const auto& entry : node) {
    const std::string field = entry.first.as<std::string>("");
    if (std::find(fields.begin(), fields.end(), field) == fields.end()) continue;
    // A bad pointer is reported once, not again as a missing field.
    const auto p = pointer(entry.second, "'read." + field + "' of '" + op.name + "'");
    op.read[field] = p.value_or("");
  }
}

std::optional<Json> Parser::parse_template(const YAML::Node& node, const Names& vars,
                                           const std::string& where) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar: {
      Json value = scalar_json(node);
      if (!value.is_string()) return value;
      std::string problem;
      const Names used = text_variables(value.get_ref<const std::string&>(), &problem);
      if (!problem.empty()) error(node, problem + " in " + where);
      else check_variables(node, used, vars, where, false);
      return value;
    }
    case YAML::NodeType::Sequence: {
      Json out = Json::array();
      for (const auto& item : node)
        if (auto v = parse_template(item, vars, where)) out.push_back(std::move(*v));
      return out;
    }
    case YAML::NodeType::Map: {
      Json out = Json::object();
      for (const auto& entry : node) {
        if (!entry.first.IsScalar()) {
          error(entry.first, "keys in " + where + " must be text");
          continue;
        }
        if (auto v = parse_template(entry.second, vars, where)) out[entry.first.Scalar()] = std::move(*v);
      }
      return out;
    }
    default:
      return Json(nullptr);
  }
}

void Parser::check_variables(const YAML::Node& at, const Names& used, const Names& allowed,
                             const std::string& where, bool path_style) {
  const std::string open = path_style ? "{" : "${";
  for (const std::string& name : used) {
    if (std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
    const std::string fallback =
        allowed.empty() ? "this operation has no variables" : "variables here: " + join(allowed);
    error(at, "unknown variable '" + open + name + "}' in " + where +
                  suggest(name, allowed, fallback, open, "}"));
  }
}

void Parser::check_required_reads(const YAML::Node& key, const OperationSchema& schema,
                                  const ProfileOperation& op) {
  const std::string where = "operation '" + op.name + "'";
  for (const ReadFieldSchema& f : schema.reads)
    if (f.required && !op.reads(f.name))
      error(key, where + " must read '" + std::string(f.name) +
                     "' (add it under 'read:' as a JSON pointer into the success body)");
  if (op.name == "me" && !op.reads("user_id") && !op.reads("user_email"))
    error(key, "operation 'me' must read 'user_id' or 'user_email' (or both) to tell who is calling");
  if (op.name != "create_account") return;
  if (op.body_uses("users") && !op.reads("users"))
    error(key, "create_account sends ${users}, so it must read 'users': the pointer of the "
               "created users' array (e.g. '/account/users')");
  if (op.reads("users") && !op.reads("user_id"))
    error(key, "create_account reads 'users', so it must read 'user_id' too: the pointer of the "
               "ID inside each element (e.g. '/id')");
}

void Parser::check_statuses(const YAML::Node& key, const ProfileOperation& op) {
  const ResponseRules& r = op.responses;
  if (r.ok.empty())
    error(key, "operation '" + op.name + "' maps no status to 'ok' (add 'ok: [2xx]' under "
                                         "'responses' here or in 'defaults')");
  const std::vector<std::pair<std::string, const StatusSet*>> sets = {
      {"ok", &r.ok}, {"unauthorized", &r.unauthorized}, {"forbidden", &r.forbidden},
      {"not_found", &r.not_found}, {"invalid", &r.invalid}};
  for (std::size_t i = 0; i < sets.size(); ++i)
    for (std::size_t j = i + 1; j < sets.size(); ++j) {
      for (const int code : sets[i].second->codes)
        if (sets[j].second->has_code(code))
          error(key, "status " + std::to_string(code) + " of '" + op.name + "' is mapped to both '" +
                         sets[i].first + "' and '" + sets[j].first + "' (keep it in one)");
      for (const int c : sets[i].second->classes)
        if (std::find(sets[j].second->classes.begin(), sets[j].second->classes.end(), c) !=
            sets[j].second->classes.end())
          error(key, "status class " + std::to_string(c) + "xx of '" + op.name +
                         "' is mapped to both '" + sets[i].first + "' and '" + sets[j].first + "'");
    }
}

}  // namespace

ProfileLoad load_profile_text(std::string_view yaml, const std::string& file_name) {
  return Parser(file_name).run(yaml);
}

ProfileLoad load_profile_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    ProfileLoad load;
    load.errors.push_back(LoadError{path, {}, std::string("cannot read the profile: ") +
                                                  std::strerror(errno) +
                                                  " (give --profile a profile YAML file)"});
    return load;
  }
  std::ostringstream text;
  text << in.rdbuf();
  return load_profile_text(text.str(), path);
}

}  // namespace authconform::runner

