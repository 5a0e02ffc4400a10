#include "runner/scenario_loader.h"

#include "model/account.h"
#include "model/header.h"
#include "model/overloaded.h"

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace authconform::runner {
namespace {

// ---------------------------------------------------------------------------
// Words of the format
// ---------------------------------------------------------------------------

using Words = std::vector<std::string>;

const Words k_top_keys{"scenario", "description", "rules", "policy", "tags", "users", "steps"};
const Words k_user_keys{"name", "role", "password", "two_factor", "email"};
const Words k_step_extra_keys{"expect", "as", "by"};
const Words k_credential_keys{"user", "email", "password", "token", "oauth", "header"};
const Words k_setting_keys{"token_access", "end_user_password_access", "accepted_api_agreement"};
// `set` also takes `as_strings: true`: send the values as "true"/"false".
const Words k_set_keys{"token_access", "end_user_password_access", "accepted_api_agreement", "as_strings"};
const Words k_roles{"end-user", "agent", "admin"};
const Words k_probes{"me", "tickets"};
const Words k_scopes{"read", "write"};
const Words k_policies{"article", "zendesk-2026"};
const Words k_expect_words{"ok",      "anonymous", "unauthorized", "not_found",
                           "invalid", "forbidden", "user"};
const Words k_reasons{"not_admin",         "not_agent",
                      "missing_scope",     "agreement_not_accepted",
                      "token_access_disabled", "token_limit_reached"};
constexpr std::string_view k_undefined_user_hint = "define it under users: or with add_user first";

// "a, b or c"
std::string join_or(const Words& words) {
  std::string out;
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (i > 0) out += i + 1 == words.size() ? " or " : ", ";
    out += words[i];
  }
  return out;
}

std::string in_quotes(std::string_view text) { return "'" + std::string(text) + "'"; }

// " (did you mean 'x'?)" or " (use a, b or c)".
std::string suggestion(std::string_view word, const Words& candidates) {
  const std::string best = closest_match(word, candidates);
  if (!best.empty()) return " (did you mean " + in_quotes(best) + "?)";
  return " (use " + join_or(candidates) + ")";
}

bool contains(const Words& words, std::string_view word) {
  return std::find(words.begin(), words.end(), word) != words.end();
}

// Names of users, tokens and OAuth tokens: they go into ${kind:NAME}
// placeholders and reports, so they are kept to a plain alphabet.
bool is_valid_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// true/false and on/off, in any letter case; YAML 1.1's yes/no are refused on
// purpose (they surprise people: "no" is a country code, too).
std::optional<bool> parse_bool_word(std::string_view text) {
  const std::string word = lower_ascii(text);
  if (word == "true" || word == "on") return true;
  if (word == "false" || word == "off") return false;
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// yaml-cpp nodes
// ---------------------------------------------------------------------------

SourcePos pos_of(const YAML::Mark& mark) {
  if (mark.is_null() || mark.line < 0) return {};
  return {mark.line + 1, mark.column + 1};
}

std::string shorten(std::string_view text) {
  constexpr std::size_t k_max = 40;
  if (text.size() <= k_max) return std::string(text);
  return std::string(text.substr(0, k_max)) + "\u2026";
}

// "a string ('x')", "a list", ... for "expected X, got Y" messages.
std::string describe_node(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Scalar: return "a string (" + in_quotes(shorten(node.Scalar())) + ")";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a map";
    default: return "nothing";
  }
}

// How many documents a text holds, found without building nodes. yaml-cpp
// 0.7's LoadAll loops forever on a stray ',' (jbeder/yaml-cpp#1040): the parser
// then starts document after document at the same place. This scan stops
// there and reports the place as `stuck`.
struct DocumentScan {
  int count = 0;
  YAML::Mark second;                 // where the second document starts
  std::optional<YAML::Mark> stuck;
};

class DocumentStarts final : public YAML::EventHandler {
 public:
  std::vector<YAML::Mark> starts;
  void OnDocumentStart(const YAML::Mark& mark) override { starts.push_back(mark); }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t,
                const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                       YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                  YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

// Throws YAML::ParserException on a syntax error, as yaml-cpp's loaders do.
DocumentScan scan_documents(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentStarts handler;
  DocumentScan scan;
  while (parser.HandleNextDocument(handler)) {
    const auto& starts = handler.starts;
    if (starts.size() >= 2 && starts.back().pos <= starts[starts.size() - 2].pos) {
      scan.stuck = starts.back();
      break;
    }
    ++scan.count;
  }
  if (handler.starts.size() >= 2) scan.second = handler.starts[1];
  return scan;
}

// "','" for the character at `mark`, for syntax errors yaml-cpp does not report.
std::string character_at(std::string_view text, const YAML::Mark& mark) {
  if (mark.pos < 0 || static_cast<std::size_t>(mark.pos) >= text.size()) return "end of file";
  const char c = text[static_cast<std::size_t>(mark.pos)];
  if (c > ' ' && c < 0x7f) return "'" + std::string(1, c) + "'";
  return "text";
}

// One `key: value` of a map, with positions for messages.
struct Entry {
  std::string key;
  SourcePos key_pos;
  YAML::Node value;
  SourcePos value_pos;  // the key's when the value is empty (yaml-cpp gives the next line)
};

const Entry* find_entry(const std::vector<Entry>& entries, std::string_view key) {
  for (const Entry& e : entries)
    if (e.key == key) return &e;
  return nullptr;
}

// ---------------------------------------------------------------------------
// The loader: one per file; collects every error instead of stopping.
// ---------------------------------------------------------------------------

class Loader;
enum class CredentialRule : unsigned char { none, as, as_or_by, by };
using StepParser = std::optional<model::Operation> (Loader::*)(const Entry&);
struct StepKind {
  std::string_view name;
  CredentialRule credential;
  StepParser parse;
};

class Loader {
 public:
  explicit Loader(std::string file) : m_file(std::move(file)) {
    m_users.emplace(k_admin, SourcePos{});
    m_oauth.emplace(model::k_admin_oauth_name);
  }

  ScenarioLoad load(std::string_view text);

 private:
  static constexpr std::string_view k_admin = model::k_admin_name;
  static const std::array<StepKind, 17>& step_kinds();
  static const Words& step_names();

  void fail(SourcePos pos, std::string message) {
    m_errors.push_back({m_file, pos, std::move(message)});
  }

  // --- structure ---
  std::optional<std::vector<Entry>> map_entries(const YAML::Node& node, SourcePos pos,
                                                std::string_view expected, bool null_is_empty);
  void check_keys(const std::vector<Entry>& entries, const Words& allowed, std::string_view where);
  const Entry* required(const std::vector<Entry>& entries, std::string_view key,
                        std::string_view where, SourcePos pos);
  std::optional<std::vector<Entry>> arguments(const Entry& step, const Words& allowed,
                                              std::string_view example);
  bool no_arguments(const Entry& step);
  bool is_list(const Entry& e, std::string_view expected);
  static bool only_known(const std::vector<Entry>& entries, const Words& allowed);

  // --- values ---
  std::optional<std::string> string_value(const Entry& e);
  std::optional<std::string> nonempty_string(const Entry& e);
  std::optional<std::string> name_value(const Entry& e, std::string_view what);
  std::optional<std::string> defined_user(const Entry& e);
  std::optional<std::string> new_name(const Entry& e, std::set<std::string, std::less<>>& names,
                                      std::string_view what);
  std::optional<bool> bool_value(const Entry& e, std::string_view words);
  std::optional<bool> optional_bool(const std::vector<Entry>& entries, std::string_view key,
                                    bool fallback);
  bool check_template(const std::string& text, SourcePos pos, std::string_view what);

  // --- top level ---
  void read_scenario(const YAML::Node& root);
  void read_top_strings(const std::vector<Entry>& top, SourcePos root_pos);
  void read_rules(const Entry& e);
  void read_policy(const Entry& e);
  void read_tags(const Entry& e);
  void read_users(const Entry& e);
  void read_steps(const Entry& e);

  // --- users ---
  std::optional<model::AddUserOp> read_user(const YAML::Node& node, SourcePos pos,
                                            std::string_view where);
  std::optional<model::Role> read_role(const Entry& e);
  bool register_user(const Entry& name_entry, const std::string& name);
  void register_email(SourcePos pos, const std::string& email, const std::string& name);
  std::optional<std::string> user_email(const std::vector<Entry>& entries, const std::string& name,
                                        SourcePos user_pos);

  // --- steps ---
  std::optional<Step> read_step(const YAML::Node& node);
  const StepKind* find_step_kind(const std::vector<Entry>& entries, SourcePos pos, bool& good);
  std::optional<model::Credential> step_credential(const StepKind& kind,
                                                   const std::vector<Entry>& entries);
  std::optional<model::Credential> read_credential(const Entry& e);
  std::optional<model::Credential> credential_from(const std::vector<Entry>& fields, SourcePos pos);
  std::optional<model::Outcome> read_expect(const Entry& e);
  std::optional<model::Outcome> expect_word(const Entry& e);

  std::optional<model::Operation> parse_request(const Entry& e);
  std::optional<model::Operation> parse_read_settings(const Entry& e);
  std::optional<model::Operation> parse_list_tokens(const Entry& e);
  std::optional<model::Operation> parse_accept_agreement(const Entry& e);
  std::optional<model::Operation> parse_set(const Entry& e);
  std::optional<model::Operation> parse_malformed_settings(const Entry& e);
  std::optional<model::Operation> parse_generate_token(const Entry& e);
  std::optional<model::Operation> parse_deactivate_token(const Entry& e);
  std::optional<model::Operation> parse_activate_token(const Entry& e);
  std::optional<model::Operation> parse_delete_token(const Entry& e);
  std::optional<std::string> token_argument(const Entry& e);
  std::optional<model::Operation> parse_issue_oauth(const Entry& e);
  bool read_scopes(const Entry& e, model::IssueOAuthOp& op);
  std::optional<model::Operation> parse_revoke_oauth(const Entry& e);
  std::optional<model::Operation> parse_add_user(const Entry& e);
  std::optional<model::Operation> parse_set_password(const Entry& e);
  std::optional<model::Operation> parse_enroll_2fa(const Entry& e);
  std::optional<bool> on_argument(const Entry& e);
  std::optional<model::Operation> parse_require_2fa(const Entry& e);
  std::optional<model::Operation> parse_agent_password_access(const Entry& e);

  std::string m_file;
  std::vector<LoadError> m_errors;
  Scenario m_scenario;
  std::map<std::string, SourcePos, std::less<>> m_users;     // defined so far (with admin)
  std::map<std::string, std::string, std::less<>> m_emails;  // lower-case email -> user
  std::set<std::string, std::less<>> m_tokens;               // generated so far
  std::set<std::string, std::less<>> m_oauth;                // issued so far (with admin's)
};

const std::array<StepKind, 17>& Loader::step_kinds() {
  using C = CredentialRule;
  static const std::array<StepKind, 17> k_kinds{{
      {"request", C::as, &Loader::parse_request},
      {"read_settings", C::as_or_by, &Loader::parse_read_settings},
      {"list_tokens", C::as_or_by, &Loader::parse_list_tokens},
      {"accept_agreement", C::by, &Loader::parse_accept_agreement},
      {"set", C::by, &Loader::parse_set},
      {"malformed_settings", C::by, &Loader::parse_malformed_settings},
      {"generate_token", C::by, &Loader::parse_generate_token},
      {"deactivate_token", C::by, &Loader::parse_deactivate_token},
      {"activate_token", C::by, &Loader::parse_activate_token},
      {"delete_token", C::by, &Loader::parse_delete_token},
      {"issue_oauth", C::by, &Loader::parse_issue_oauth},
      {"revoke_oauth", C::by, &Loader::parse_revoke_oauth},
      {"add_user", C::none, &Loader::parse_add_user},
      {"set_password", C::none, &Loader::parse_set_password},
      {"enroll_2fa", C::none, &Loader::parse_enroll_2fa},
      {"require_2fa", C::none, &Loader::parse_require_2fa},
      {"agent_password_access", C::none, &Loader::parse_agent_password_access},
  }};
  return k_kinds;
}

const Words& Loader::step_names() {
  static const Words k_names = [] {
    Words names;
    for (const StepKind& kind : step_kinds()) names.emplace_back(kind.name);
    return names;
  }();
  return k_names;
}

// --- structure --------------------------------------------------------------

// The entries of a map in document order. Keys must be scalars and unique.
std::optional<std::vector<Entry>> Loader::map_entries(const YAML::Node& node, SourcePos pos,
                                                      std::string_view expected,
                                                      bool null_is_empty) {
  if (node.IsNull() && null_is_empty) return std::vector<Entry>{};
  if (!node.IsMap()) {
    fail(pos, "expected " + std::string(expected) + ", got " + describe_node(node));
    return std::nullopt;
  }
  std::vector<Entry> entries;
  for (const auto& item : node) {
    const SourcePos key_pos = pos_of(item.first.Mark());
    if (!item.first.IsScalar()) {
      fail(key_pos, "expected a key word, got " + describe_node(item.first));
      continue;
    }
    const std::string key = item.first.Scalar();
    if (const Entry* first = find_entry(entries, key)) {
      fail(key_pos, "duplicate key " + in_quotes(key) + " (first at line " +
                        std::to_string(first->key_pos.line) + "; keep one)");
      continue;
    }
    const SourcePos value_pos = item.second.IsNull() ? key_pos : pos_of(item.second.Mark());
    entries.push_back({key, key_pos, item.second, value_pos});
  }
  return entries;
}

void Loader::check_keys(const std::vector<Entry>& entries, const Words& allowed,
                        std::string_view where) {
  for (const Entry& e : entries)
    if (!contains(allowed, e.key))
      fail(e.key_pos, "unknown key " + in_quotes(e.key) + " in " + std::string(where) +
                          suggestion(e.key, allowed));
}

const Entry* Loader::required(const std::vector<Entry>& entries, std::string_view key,
                              std::string_view where, SourcePos pos) {
  const Entry* e = find_entry(entries, key);
  if (e == nullptr)
    fail(pos, "missing required key " + in_quotes(key) + " in " + std::string(where));
  return e;
}

// The arguments of a step written as a map; an empty value counts as {}.
std::optional<std::vector<Entry>> Loader::arguments(const Entry& step, const Words& allowed,
                                                    std::string_view example) {
  auto entries = map_entries(step.value, step.value_pos,
                             "a map for " + in_quotes(step.key) + " such as " + std::string(example),
                             true);
  if (entries) check_keys(*entries, allowed, step.key);
  return entries;
}

bool Loader::no_arguments(const Entry& step) {
  const bool empty = step.value.IsNull() || (step.value.IsMap() && step.value.size() == 0);
  if (!empty)
    fail(step.value_pos, in_quotes(step.key) + " takes no arguments, got " +
                             describe_node(step.value) + " (write " + step.key + ": {})");
  return empty;
}

// No unknown keys (they were reported by check_keys).
bool Loader::only_known(const std::vector<Entry>& entries, const Words& allowed) {
  return std::all_of(entries.begin(), entries.end(),
                     [&](const Entry& e) { return contains(allowed, e.key); });
}

bool Loader::is_list(const Entry& e, std::string_view expected) {
  if (e.value.IsSequence()) return true;
  fail(e.value_pos, "expected " + std::string(expected) + ", got " + describe_node(e.value));
  return false;
}

// --- values -----------------------------------------------------------------

std::optional<std::string> Loader::string_value(const Entry& e) {
  if (e.value.IsScalar()) return e.value.Scalar();
  if (e.value.IsNull())
    fail(e.value_pos, "missing value for " + in_quotes(e.key));
  else
    fail(e.value_pos,
         "expected a string for " + in_quotes(e.key) + ", got " + describe_node(e.value));
  return std::nullopt;
}

std::optional<std::string> Loader::nonempty_string(const Entry& e) {
  auto text = string_value(e);
  if (text && text->empty()) {
    fail(e.value_pos, in_quotes(e.key) + " must not be empty");
    return std::nullopt;
  }
  return text;
}

std::optional<std::string> Loader::name_value(const Entry& e, std::string_view what) {
  auto name = string_value(e);
  if (name && !is_valid_name(*name)) {
    fail(e.value_pos, std::string(what) + " name " + in_quotes(*name) +
                          " is not valid (use only a-z, 0-9, _ and -)");
    return std::nullopt;
  }
  return name;
}

std::optional<std::string> Loader::defined_user(const Entry& e) {
  auto name = string_value(e);
  if (!name || m_users.contains(*name)) return name;
  Words known;
  for (const auto& [user, pos] : m_users) known.push_back(user);
  const std::string best = closest_match(*name, known);
  fail(e.value_pos, "undefined user " + in_quotes(*name) +
                        (best.empty() ? " (" + std::string(k_undefined_user_hint) + ")"
                                      : " (did you mean " + in_quotes(best) + "?)"));
  return std::nullopt;
}

// A name a step creates: valid and not used before in the scenario. It is
// recorded even when the step has other errors, so that later steps do not
// report it as unknown again.
std::optional<std::string> Loader::new_name(const Entry& e,
                                            std::set<std::string, std::less<>>& names,
                                            std::string_view what) {
  auto name = name_value(e, what);
  if (!name) return std::nullopt;
  if (!names.insert(*name).second) {
    fail(e.value_pos, std::string(what) + " " + in_quotes(*name) +
                          " already exists in this scenario (choose a new name)");
    return std::nullopt;
  }
  return name;
}

std::optional<bool> Loader::bool_value(const Entry& e, std::string_view words) {
  auto text = string_value(e);
  if (!text) return std::nullopt;
  auto value = parse_bool_word(*text);
  if (!value) fail(e.value_pos, in_quotes(*text) + " is not " + std::string(words));
  return value;
}

std::optional<bool> Loader::optional_bool(const std::vector<Entry>& entries, std::string_view key,
                                          bool fallback) {
  const Entry* e = find_entry(entries, key);
  return e == nullptr ? std::optional<bool>(fallback) : bool_value(*e, "true or false");
}

// Header and email templates: the placeholders must be well formed and every
// ${email:USER} must name a defined user. Token and OAuth names may be made up.
bool Loader::check_template(const std::string& text, SourcePos pos, std::string_view what) {
  Words undefined;
  const model::SecretResolver resolve = [&](std::string_view kind, std::string_view name) {
    if (kind == "email" && !m_users.contains(name)) undefined.emplace_back(name);
    return std::string("x");
  };
  std::string error;
  if (!model::expand_header_template(text, resolve, &error)) {
    fail(pos, "bad " + std::string(what) + " template " + in_quotes(shorten(text)) + ": " + error);
    return false;
  }
  for (const std::string& name : undefined)
    fail(pos, "undefined user " + in_quotes(name) + " in '${email:" + name + "}' (" +
                  std::string(k_undefined_user_hint) + ")");
  return undefined.empty();
}

// --- top level --------------------------------------------------------------

ScenarioLoad Loader::load(std::string_view text) {
  m_scenario.path = m_file;
  try {
    const std::string input(text);
    const DocumentScan scan = scan_documents(input);
    if (scan.stuck)
      fail(pos_of(*scan.stuck), "YAML syntax error: unexpected " + character_at(text, *scan.stuck));
    else if (scan.count == 0)
      fail({}, "the file is empty (a scenario needs at least 'scenario:' and 'steps:')");
    else
      read_scenario(YAML::Load(input));  // the first document only
    if (!scan.stuck && scan.count > 1)
      fail(pos_of(scan.second), "a scenario file holds one YAML document, found " +
                                    std::to_string(scan.count) +
                                    " (put each scenario in a file of its own)");
  } catch (const YAML::ParserException& e) {
    fail(pos_of(e.mark), "YAML syntax error: " + e.msg);
  } catch (const YAML::Exception& e) {
    fail(pos_of(e.mark), "cannot read the YAML: " + e.msg);
  } catch (const std::exception& e) {
    fail({}, std::string("cannot read the YAML: ") + e.what());
  }
  std::stable_sort(m_errors.begin(), m_errors.end(), [](const LoadError& a, const LoadError& b) {
    return std::pair(a.pos.line, a.pos.column) < std::pair(b.pos.line, b.pos.column);
  });
  ScenarioLoad result;
  result.errors = std::move(m_errors);
  if (result.errors.empty()) result.scenario = std::move(m_scenario);
  return result;
}

// Keys are read in a fixed order, whatever the file's order: users before steps.
void Loader::read_scenario(const YAML::Node& root) {
  const SourcePos root_pos = root.IsNull() ? SourcePos{1, 1} : pos_of(root.Mark());
  auto top = map_entries(root, root_pos, "a map with 'scenario:' and 'steps:' at the top", false);
  if (!top) return;
  check_keys(*top, k_top_keys, "the scenario");
  read_top_strings(*top, root_pos);
  if (const Entry* e = find_entry(*top, "rules")) read_rules(*e);
  if (const Entry* e = find_entry(*top, "policy")) read_policy(*e);
  if (const Entry* e = find_entry(*top, "tags")) read_tags(*e);
  if (const Entry* e = find_entry(*top, "users")) read_users(*e);
  if (const Entry* e = find_entry(*top, "steps"))
    read_steps(*e);
  else
    fail(root_pos, "missing required key 'steps' (the list of steps)");
}

void Loader::read_top_strings(const std::vector<Entry>& top, SourcePos root_pos) {
  if (const Entry* e = find_entry(top, "scenario")) {
    if (auto title = nonempty_string(*e)) m_scenario.title = *title;
  } else {
    fail(root_pos, "missing required key 'scenario' (the scenario's title)");
  }
  if (const Entry* e = find_entry(top, "description")) {
    if (auto text = string_value(*e)) m_scenario.description = *text;
  }
}

void Loader::read_rules(const Entry& e) {
  if (!is_list(e, "a list of rule IDs such as [PWD-3, TOK-4]")) return;
  Words codes;
  for (const model::RuleInfo& info : model::all_rules()) codes.emplace_back(info.code);
  for (const YAML::Node& item : e.value) {
    const Entry rule{"rules", e.key_pos, item, pos_of(item.Mark())};
    auto code = string_value(rule);
    if (!code) continue;
    auto id = model::parse_rule_code(*code);
    if (!id) {
      const std::string best = closest_match(*code, codes);
      fail(rule.value_pos, "unknown rule " + in_quotes(*code) +
                               (best.empty() ? " (the rule IDs are listed in spec/policy.md)"
                                             : " (did you mean " + in_quotes(best) + "?)"));
    } else if (std::find(m_scenario.rules.begin(), m_scenario.rules.end(), *id) !=
               m_scenario.rules.end()) {
      fail(rule.value_pos, "rule " + in_quotes(*code) + " is listed twice");
    } else {
      m_scenario.rules.push_back(*id);
    }
  }
}

void Loader::read_policy(const Entry& e) {
  auto name = string_value(e);
  if (!name) return;
  auto policy = model::parse_policy(*name);
  if (!policy) {
    const std::string best = closest_match(*name, k_policies);
    fail(e.value_pos, "unknown policy " + in_quotes(*name) + " (use " + join_or(k_policies) +
                          (best.empty() ? ")" : "; did you mean " + in_quotes(best) + "?)"));
    return;
  }
  m_scenario.policy = *policy;
  m_scenario.policy_given = true;
}

void Loader::read_tags(const Entry& e) {
  if (!is_list(e, "a list of tags such as [tokens, smoke]")) return;
  for (const YAML::Node& item : e.value) {
    auto tag = nonempty_string({"tags", e.key_pos, item, pos_of(item.Mark())});
    if (!tag) continue;
    if (contains(m_scenario.tags, *tag))
      fail(pos_of(item.Mark()), "tag " + in_quotes(*tag) + " is listed twice");
    else
      m_scenario.tags.push_back(*tag);
  }
}

void Loader::read_users(const Entry& e) {
  if (!is_list(e, "a list of users")) return;
  for (const YAML::Node& item : e.value) {
    auto user = read_user(item, pos_of(item.Mark()), "user");
    if (!user) continue;
    m_scenario.users.push_back(
        {user->name, user->email, user->role, user->password, user->two_factor_enrolled});
  }
}

void Loader::read_steps(const Entry& e) {
  if (!is_list(e, "a list of steps")) return;
  if (e.value.size() == 0) {
    fail(e.value_pos, "'steps' is empty (a scenario needs at least one step)");
    return;
  }
  for (const YAML::Node& item : e.value)
    if (auto step = read_step(item)) m_scenario.steps.push_back(std::move(*step));
}

// --- users ------------------------------------------------------------------

// A user of `users:` or of an add_user step (`where` names which in messages).
std::optional<model::AddUserOp> Loader::read_user(const YAML::Node& node, SourcePos pos,
                                                  std::string_view where) {
  auto entries = map_entries(
      node, pos, "a user such as {name: eve, role: end-user, password: pw}", false);
  if (!entries) return std::nullopt;
  check_keys(*entries, k_user_keys, where);
  model::AddUserOp user;
  bool name_ok = false;
  if (const Entry* e = required(*entries, "name", where, pos)) {
    auto name = name_value(*e, "user");
    name_ok = name && register_user(*e, *name);
    if (name) user.name = *name;
  }
  const Entry* role_entry = required(*entries, "role", where, pos);
  auto role = role_entry ? read_role(*role_entry) : std::nullopt;
  if (role) user.role = *role;
  const Entry* password = required(*entries, "password", where, pos);
  auto password_text = password ? nonempty_string(*password) : std::nullopt;
  if (password_text) user.password = *password_text;
  auto two_factor = optional_bool(*entries, "two_factor", false);
  if (two_factor) user.two_factor_enrolled = *two_factor;
  // A user already reported (bad or repeated name) claims no email, to avoid a second error.
  auto email = user_email(*entries, name_ok ? user.name : "", pos);
  if (email) user.email = *email;
  const bool good = name_ok && role && password_text && two_factor && email;
  return good ? std::optional(user) : std::nullopt;
}

std::optional<model::Role> Loader::read_role(const Entry& e) {
  auto text = string_value(e);
  if (!text) return std::nullopt;
  auto role = model::parse_role(*text);
  if (!role) {
    const std::string best = closest_match(*text, k_roles);
    fail(e.value_pos, "role " + in_quotes(*text) + " does not exist (use end-user, agent or admin" +
                          (best.empty() ? ")" : "; did you mean " + in_quotes(best) + "?)"));
  }
  return role;
}

bool Loader::register_user(const Entry& name_entry, const std::string& name) {
  if (name == k_admin) {
    fail(name_entry.value_pos, "user name 'admin' is reserved for the built-in admin");
    return false;
  }
  auto [it, inserted] = m_users.emplace(name, name_entry.value_pos);
  if (!inserted)
    fail(name_entry.value_pos, "user " + in_quotes(name) + " is already defined (line " +
                                   std::to_string(it->second.line) + ")");
  return inserted;
}

// The email written, or NAME@example.test; unique among the scenario's users.
// An empty `name` (the user was reported already) registers nothing.
std::optional<std::string> Loader::user_email(const std::vector<Entry>& entries,
                                              const std::string& name, SourcePos user_pos) {
  const Entry* e = find_entry(entries, "email");
  if (e == nullptr) {
    if (name.empty()) return std::nullopt;
    register_email(user_pos, name + "@example.test", name);
    return name + "@example.test";
  }
  auto email = nonempty_string(*e);
  if (!email) return std::nullopt;
  if (email->find(':') != std::string::npos) {
    fail(e->value_pos, "email " + in_quotes(*email) +
                           " contains ':' (Basic credentials split at the first ':')");
    return std::nullopt;
  }
  if (!name.empty()) register_email(e->value_pos, *email, name);
  return email;
}

void Loader::register_email(SourcePos pos, const std::string& email, const std::string& name) {
  auto [it, inserted] = m_emails.emplace(lower_ascii(email), name);
  if (!inserted)
    fail(pos, "email " + in_quotes(email) + " is already used by user " + in_quotes(it->second) +
                  " (emails are matched without case)");
}

// --- steps ------------------------------------------------------------------

std::optional<Step> Loader::read_step(const YAML::Node& node) {
  const SourcePos node_pos = pos_of(node.Mark());
  auto entries = map_entries(node, node_pos, "a step such as {request: me}", false);
  if (!entries) return std::nullopt;
  Step step;
  step.pos = entries->empty() ? node_pos : entries->front().key_pos;
  bool good = true;
  const StepKind* kind = find_step_kind(*entries, step.pos, good);
  if (kind == nullptr) return std::nullopt;
  const Entry& key = *find_entry(*entries, kind->name);
  step.kind = key.key;
  auto op = (this->*kind->parse)(key);
  auto credential = step_credential(*kind, *entries);
  good = good && op && credential;
  if (const Entry* e = find_entry(*entries, "expect")) {
    step.expect = read_expect(*e);
    good = good && step.expect;
  }
  if (!good) return std::nullopt;
  step.request = {std::move(*op), std::move(*credential)};
  return step;
}

// The step's one step key. Unknown keys are reported (with the closest step or
// key) and clear `good`; the step is still read for its other errors.
const StepKind* Loader::find_step_kind(const std::vector<Entry>& entries, SourcePos pos,
                                       bool& good) {
  const StepKind* found = nullptr;
  for (const Entry& e : entries) {
    auto kind = std::find_if(step_kinds().begin(), step_kinds().end(),
                             [&](const StepKind& k) { return k.name == e.key; });
    if (kind != step_kinds().end()) {
      if (found != nullptr) {
        fail(e.key_pos, "a step has one step key, found " + in_quotes(found->name) + " and " +
                            in_quotes(e.key) + " (make them two steps)");
        return nullptr;
      }
      found = &*kind;
    } else if (!contains(k_step_extra_keys, e.key)) {
      const std::string extra = closest_match(e.key, k_step_extra_keys);
      if (!extra.empty())
        fail(e.key_pos, "unknown key " + in_quotes(e.key) + " in step (did you mean " +
                            in_quotes(extra) + "?)");
      else
        fail(e.key_pos, "unknown step " + in_quotes(e.key) + suggestion(e.key, step_names()));
      good = false;
    }
  }
  if (found == nullptr && good)
    fail(pos, "the step has no step key (use one of " + join_or(step_names()) + ")");
  return found;
}

std::optional<model::Credential> Loader::step_credential(const StepKind& kind,
                                                         const std::vector<Entry>& entries) {
  const Entry* as = find_entry(entries, "as");
  const Entry* by = find_entry(entries, "by");
  const std::string name(kind.name);
  bool good = true;
  if (kind.credential == CredentialRule::none && (as || by)) {
    fail((as ? as : by)->key_pos, in_quotes(name) + " is a fixture step and takes no " +
                                      in_quotes((as ? as : by)->key) + " (remove it)");
    good = false;
  } else if (kind.credential == CredentialRule::as && by) {
    fail(by->key_pos, in_quotes(name) + " takes 'as:', not 'by:'");
    good = false;
  } else if (kind.credential == CredentialRule::by && as) {
    fail(as->key_pos, in_quotes(name) + " takes 'by:', not 'as:'");
    good = false;
  } else if (as && by) {
    fail(by->key_pos, in_quotes(name) + " takes 'as:' or 'by:', not both");
    good = false;
  }
  if (!good) return std::nullopt;
  if (as || by) return read_credential(as ? *as : *by);
  if (kind.credential == CredentialRule::as || kind.credential == CredentialRule::none)
    return model::NoCredential{};
  return model::OAuthCredential{std::string(model::k_admin_oauth_name)};
}

std::optional<model::Credential> Loader::read_credential(const Entry& e) {
  if (e.value.IsScalar() && e.value.Scalar() == "anonymous") return model::NoCredential{};
  if (e.value.IsScalar()) {
    fail(e.value_pos, in_quotes(shorten(e.value.Scalar())) +
                          " is not a credential (use anonymous or a map such as "
                          "{user: eve, password: P})");
    return std::nullopt;
  }
  auto fields = map_entries(e.value, e.value_pos,
                            "a credential such as {user: eve, password: P} for " + in_quotes(e.key),
                            false);
  if (!fields) return std::nullopt;
  check_keys(*fields, k_credential_keys, "credential");
  return credential_from(*fields, e.value_pos);
}

// The six credential forms of docs/scenarios.md, told apart by their keys.
std::optional<model::Credential> Loader::credential_from(const std::vector<Entry>& fields,
                                                         SourcePos pos) {
  Words keys;
  for (const Entry& f : fields)
    if (contains(k_credential_keys, f.key)) keys.push_back(f.key);
  auto has = [&](std::string_view key) { return contains(keys, key); };
  const bool who = has("user") != has("email");
  const bool secret = has("password") != has("token");
  const bool single = keys.size() == 1 && (has("oauth") || has("header"));
  if (!single && !(keys.size() == 2 && who && secret)) {
    if (keys.size() == fields.size())  // unknown keys were reported already
      fail(pos, "a credential with " + (keys.empty() ? std::string("no keys") : join_or(keys)) +
                    " is not one of the forms anonymous, {user, password}, {email, password}, "
                    "{user, token}, {email, token}, {oauth} or {header}");
    return std::nullopt;
  }
  const Entry& first = *find_entry(fields, keys[0]);
  if (has("oauth")) {
    auto name = name_value(first, "OAuth token");
    return name ? std::optional<model::Credential>(model::OAuthCredential{*name}) : std::nullopt;
  }
  if (has("header")) {
    auto header = string_value(first);
    if (!header || !check_template(*header, first.value_pos, "header")) return std::nullopt;
    return model::RawCredential{*header};
  }
  std::optional<std::string> email;
  if (const Entry* user = find_entry(fields, "user")) {
    if (auto name = defined_user(*user)) email = "${email:" + *name + "}";
  } else if (const Entry* given = find_entry(fields, "email")) {
    email = string_value(*given);
    if (email && !check_template(*email, given->value_pos, "email")) email.reset();
  }
  if (const Entry* password = find_entry(fields, "password")) {
    auto text = string_value(*password);  // may be empty: empty passwords never match
    if (!email || !text) return std::nullopt;
    return model::PasswordCredential{*email, *text};
  }
  auto token = name_value(*find_entry(fields, "token"), "token");
  if (!email || !token) return std::nullopt;
  return model::TokenCredential{*email, *token};
}

std::optional<model::Outcome> Loader::read_expect(const Entry& e) {
  if (!e.value.IsMap()) return expect_word(e);
  auto fields = map_entries(e.value, e.value_pos, "an expectation", false);
  if (!fields) return std::nullopt;
  const Words allowed{"user", "forbidden"};
  check_keys(*fields, allowed, "expectation");
  if (fields->size() != 1) {
    if (fields->empty()) fail(e.value_pos, "the expectation is empty (use {user: NAME} or {forbidden: REASON})");
    else fail(e.value_pos, "an expectation has one key, found " + std::to_string(fields->size()));
    return std::nullopt;
  }
  const Entry& field = fields->front();
  if (field.key == "user") {
    auto name = defined_user(field);
    return name ? std::optional(model::Outcome::as_user(*name)) : std::nullopt;
  }
  if (field.key != "forbidden") return std::nullopt;
  auto text = string_value(field);
  if (!text) return std::nullopt;
  auto reason = model::parse_reason(*text);
  if (!reason) {
    fail(field.value_pos, "unknown reason " + in_quotes(*text) + suggestion(*text, k_reasons));
    return std::nullopt;
  }
  return model::Outcome::forbidden(*reason);
}

std::optional<model::Outcome> Loader::expect_word(const Entry& e) {
  auto text = string_value(e);
  if (!text) return std::nullopt;
  const auto colon = text->find(':');
  if (colon != std::string::npos && colon > 0) {
    fail(e.value_pos, "write the expectation " + in_quotes(*text) + " as {" + text->substr(0, colon) +
                          ": " + text->substr(colon + 1) + "}");
    return std::nullopt;
  }
  if (*text == "user") {
    fail(e.value_pos, "the expectation 'user' needs a name (write {user: NAME})");
    return std::nullopt;
  }
  if (*text == "forbidden") return model::Outcome::forbidden(model::Reason::none);
  auto outcome = contains(k_expect_words, *text) ? model::parse_outcome(*text) : std::nullopt;
  if (!outcome) {
    const std::string best = closest_match(*text, k_expect_words);
    fail(e.value_pos, "unknown expectation " + in_quotes(*text) +
                          (best.empty() ? " (use ok, anonymous, unauthorized, not_found, invalid, "
                                          "forbidden, {user: NAME} or {forbidden: REASON})"
                                        : " (did you mean " + in_quotes(best) + "?)"));
  }
  return outcome;
}

// --- step parsers -----------------------------------------------------------

std::optional<model::Operation> Loader::parse_request(const Entry& e) {
  auto text = string_value(e);
  if (!text) return std::nullopt;
  if (*text == "me") return model::ProbeOp{model::Probe::me};
  if (*text == "tickets") return model::ProbeOp{model::Probe::tickets};
  const std::string best = closest_match(*text, k_probes);
  fail(e.value_pos, "unknown request " + in_quotes(*text) + " (use me or tickets" +
                        (best.empty() ? ")" : "; did you mean " + in_quotes(best) + "?)"));
  return std::nullopt;
}

std::optional<model::Operation> Loader::parse_read_settings(const Entry& e) {
  if (!no_arguments(e)) return std::nullopt;
  return model::ReadSettingsOp{};
}

std::optional<model::Operation> Loader::parse_list_tokens(const Entry& e) {
  if (!no_arguments(e)) return std::nullopt;
  return model::ListTokensOp{};
}

std::optional<model::Operation> Loader::parse_accept_agreement(const Entry& e) {
  if (!no_arguments(e)) return std::nullopt;
  model::UpdateSettingsOp op;
  op.accepted_api_agreement = true;
  return op;
}

std::optional<model::Operation> Loader::parse_set(const Entry& e) {
  auto fields = arguments(e, k_set_keys, "{token_access: on}");
  if (!fields) return std::nullopt;
  model::UpdateSettingsOp op;
  bool good = true;
  bool any_setting = false;
  for (const Entry& field : *fields) {
    if (field.key == "as_strings") {
      const auto strings = bool_value(field, "true or false");
      op.as_strings = strings.value_or(false);
      good = good && strings.has_value();
      continue;
    }
    any_setting = true;
    std::optional<bool>* target = field.key == "token_access" ? &op.token_access
                                  : field.key == "end_user_password_access"
                                      ? &op.end_user_password_access
                                  : field.key == "accepted_api_agreement"
                                      ? &op.accepted_api_agreement
                                      : nullptr;
    if (target == nullptr) {
      good = false;  // reported by arguments()
      continue;
    }
    *target = bool_value(field, "on or off");
    good = good && target->has_value();
  }
  if (!any_setting) {
    fail(e.value_pos, "'set' needs at least one of " + join_or(k_setting_keys));
    good = false;
  }
  return good ? std::optional<model::Operation>(op) : std::nullopt;
}

std::optional<model::Operation> Loader::parse_malformed_settings(const Entry& e) {
  if (!no_arguments(e)) return std::nullopt;
  model::UpdateSettingsOp op;
  op.malformed = true;
  return op;
}

std::optional<model::Operation> Loader::parse_generate_token(const Entry& e) {
  const Words allowed{"name"};
  auto fields = arguments(e, allowed, "{name: t1}");
  if (!fields) return std::nullopt;
  const Entry* name_entry = required(*fields, "name", e.key, e.value_pos);
  auto name = name_entry ? new_name(*name_entry, m_tokens, "token") : std::nullopt;
  if (!name || !only_known(*fields, allowed)) return std::nullopt;
  return model::GenerateTokenOp{*name};
}

// The `token:` of a token step; it may name a token never generated (an unknown ID).
std::optional<std::string> Loader::token_argument(const Entry& e) {
  const Words allowed{"token"};
  auto fields = arguments(e, allowed, "{token: t1}");
  if (!fields) return std::nullopt;
  const Entry* token = required(*fields, "token", e.key, e.value_pos);
  auto name = token ? name_value(*token, "token") : std::nullopt;
  if (!only_known(*fields, allowed)) return std::nullopt;
  return name;
}

std::optional<model::Operation> Loader::parse_deactivate_token(const Entry& e) {
  auto token = token_argument(e);
  if (!token) return std::nullopt;
  return model::SetTokenActiveOp{*token, false};
}

std::optional<model::Operation> Loader::parse_activate_token(const Entry& e) {
  auto token = token_argument(e);
  if (!token) return std::nullopt;
  return model::SetTokenActiveOp{*token, true};
}

std::optional<model::Operation> Loader::parse_delete_token(const Entry& e) {
  auto token = token_argument(e);
  if (!token) return std::nullopt;
  return model::DeleteTokenOp{*token};
}

std::optional<model::Operation> Loader::parse_issue_oauth(const Entry& e) {
  const Words allowed{"name", "user", "scopes"};
  auto fields = arguments(e, allowed, "{name: o1, user: eve}");
  if (!fields) return std::nullopt;
  model::IssueOAuthOp op;
  bool good = only_known(*fields, allowed);
  const Entry* name = required(*fields, "name", e.key, e.value_pos);
  auto new_oauth = name ? new_name(*name, m_oauth, "OAuth token") : std::nullopt;
  if (new_oauth) op.name = *new_oauth;
  const Entry* user = required(*fields, "user", e.key, e.value_pos);
  auto owner = user ? defined_user(*user) : std::nullopt;
  if (owner) op.user = *owner;
  if (const Entry* scopes = find_entry(*fields, "scopes")) good = read_scopes(*scopes, op) && good;
  if (!good || !new_oauth || !owner) return std::nullopt;
  return op;
}

bool Loader::read_scopes(const Entry& e, model::IssueOAuthOp& op) {
  if (!is_list(e, "a list of scopes such as [read, write]")) return false;
  op.read = op.write = false;
  bool good = true;
  for (const YAML::Node& item : e.value) {
    const Entry scope_entry{"scopes", e.key_pos, item, pos_of(item.Mark())};
    auto scope = string_value(scope_entry);
    if (!scope) {
      good = false;
      continue;
    }
    bool* flag = *scope == "read" ? &op.read : *scope == "write" ? &op.write : nullptr;
    if (flag == nullptr)
      fail(scope_entry.value_pos, "unknown scope " + in_quotes(*scope) + suggestion(*scope, k_scopes));
    else if (*flag)
      fail(scope_entry.value_pos, "scope " + in_quotes(*scope) + " is listed twice");
    good = good && flag != nullptr && !*flag;
    if (flag != nullptr) *flag = true;
  }
  return good;
}

std::optional<model::Operation> Loader::parse_revoke_oauth(const Entry& e) {
  const Words allowed{"oauth"};
  auto fields = arguments(e, allowed, "{oauth: o1}");
  if (!fields) return std::nullopt;
  const Entry* oauth = required(*fields, "oauth", e.key, e.value_pos);
  auto name = oauth ? name_value(*oauth, "OAuth token") : std::nullopt;
  if (!name || !only_known(*fields, allowed)) return std::nullopt;
  return model::RevokeOAuthOp{*name};
}

std::optional<model::Operation> Loader::parse_add_user(const Entry& e) {
  auto user = read_user(e.value, e.value_pos, "add_user");
  if (!user) return std::nullopt;
  return *user;
}

std::optional<model::Operation> Loader::parse_set_password(const Entry& e) {
  const Words allowed{"user", "password"};
  auto fields = arguments(e, allowed, "{user: eve, password: P}");
  if (!fields) return std::nullopt;
  const Entry* user = required(*fields, "user", e.key, e.value_pos);
  auto name = user ? defined_user(*user) : std::nullopt;
  const Entry* password = required(*fields, "password", e.key, e.value_pos);
  auto text = password ? nonempty_string(*password) : std::nullopt;
  if (!name || !text || !only_known(*fields, allowed)) return std::nullopt;
  return model::SetPasswordOp{*name, *text};
}

std::optional<model::Operation> Loader::parse_enroll_2fa(const Entry& e) {
  const Words allowed{"user", "enrolled"};
  auto fields = arguments(e, allowed, "{user: eve}");
  if (!fields) return std::nullopt;
  const Entry* user = required(*fields, "user", e.key, e.value_pos);
  auto name = user ? defined_user(*user) : std::nullopt;
  auto enrolled = optional_bool(*fields, "enrolled", true);
  if (!name || !enrolled || !only_known(*fields, allowed)) return std::nullopt;
  return model::SetTwoFactorEnrolledOp{*name, *enrolled};
}

// The `on:` of require_2fa and agent_password_access (default true).
std::optional<bool> Loader::on_argument(const Entry& e) {
  const Words allowed{"on"};
  auto fields = arguments(e, allowed, "{on: true}");
  if (!fields) return std::nullopt;
  auto on = optional_bool(*fields, "on", true);
  if (!only_known(*fields, allowed)) return std::nullopt;
  return on;
}

std::optional<model::Operation> Loader::parse_require_2fa(const Entry& e) {
  auto on = on_argument(e);
  if (!on) return std::nullopt;
  return model::SetTwoFactorRequiredOp{*on};
}

std::optional<model::Operation> Loader::parse_agent_password_access(const Entry& e) {
  auto on = on_argument(e);
  if (!on) return std::nullopt;
  return model::SetAgentPasswordAccessOp{*on};
}

}  // namespace

// ---------------------------------------------------------------------------
// Files
// ---------------------------------------------------------------------------

ScenarioLoad load_scenario_text(std::string_view yaml_text, const std::string& file_name) {
  try {
    return Loader(file_name).load(yaml_text);
  } catch (const std::exception& e) {  // e.g. bad_alloc: still a value, never a throw
    return {std::nullopt, {{file_name, {}, std::string("cannot load the scenario: ") + e.what()}}};
  }
}

ScenarioLoad load_scenario_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    return {std::nullopt, {{path, {}, "is a folder, not a scenario file"}}};
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (in) text << in.rdbuf();
  if (!in || in.bad())
    return {std::nullopt, {{path, {}, "cannot read the file (check that it exists and is readable)"}}};
  return load_scenario_text(text.str(), path);
}

namespace {

bool is_scenario_file(const std::filesystem::path& path) {
  const std::string ext = path.extension().string();
  return ext == ".yaml" || ext == ".yml";
}

// Adds the scenario files under `folder`; errors while walking it are reported.
void collect_folder(const std::string& folder, std::vector<std::string>& files,
                    std::vector<LoadError>& errors) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::recursive_directory_iterator it(folder, fs::directory_options::skip_permission_denied, ec);
  for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code type_ec;
    if (it->is_regular_file(type_ec) && is_scenario_file(it->path()))
      files.push_back(it->path().string());
  }
  if (ec) errors.push_back({folder, {}, "cannot search the folder: " + ec.message()});
}

}  // namespace

std::vector<std::string> collect_scenario_files(const std::vector<std::string>& paths,
                                                std::vector<LoadError>& errors) {
  namespace fs = std::filesystem;
  std::vector<std::string> files;
  for (const std::string& path : paths) {
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status))
      errors.push_back({path, {}, "no such file or folder"});
    else if (fs::is_directory(status))
      collect_folder(path, files, errors);
    else
      files.push_back(path);  // named explicitly: taken whatever its extension
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

// ---------------------------------------------------------------------------
// Writing
// ---------------------------------------------------------------------------

namespace {

bool needs_quotes(std::string_view text) {
  if (text.empty()) return true;
  const auto plain = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-' || c == '.' || c == '@' || c == '/' || c == ' ';
  };
  const auto word = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  };
  // Plain text starts with a word character and has no space at either end.
  if (!word(text.front()) || text.back() == ' ') return true;
  if (!std::all_of(text.begin(), text.end(), plain)) return true;
  // Words a YAML reader may take for a boolean or null.
  static const Words k_special{"true", "false", "on", "off", "yes", "no", "y", "n", "null"};
  return contains(k_special, lower_ascii(text));
}

// A scalar as plain YAML when that reads back unchanged, else double-quoted.
std::string yaml_scalar(std::string_view text) {
  if (!needs_quotes(text)) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (byte < 0x20 || byte == 0x7f) {
      static constexpr char k_hex[] = "0123456789abcdef";
      out += "\\x";
      out += k_hex[byte >> 4];
      out += k_hex[byte & 15];
    } else {
      out += c;
    }
  }
  return out + "\"";
}

// "{a: x, b: y}" from key/value pairs already in YAML form.
std::string flow_map(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out = "{";
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ", ";
    out += fields[i].first + ": " + fields[i].second;
  }
  return out + "}";
}

std::string on_off(bool value) { return value ? "on" : "off"; }
std::string true_false(bool value) { return value ? "true" : "false"; }

// The user a "${email:USER}" email names, or "" for any other email.
std::string email_user(std::string_view email) {
  constexpr std::string_view k_prefix = "${email:";
  if (email.size() <= k_prefix.size() + 1 || email.substr(0, k_prefix.size()) != k_prefix ||
      email.back() != '}')
    return "";
  const std::string_view name = email.substr(k_prefix.size(), email.size() - k_prefix.size() - 1);
  return is_valid_name(name) ? std::string(name) : "";
}

std::pair<std::string, std::string> who(std::string_view email) {
  const std::string user = email_user(email);
  if (!user.empty()) return {"user", yaml_scalar(user)};
  return {"email", yaml_scalar(email)};
}

std::string credential_yaml(const model::Credential& credential) {
  return std::visit(
      Overloaded{
          [](const model::NoCredential&) { return std::string("anonymous"); },
          [](const model::PasswordCredential& c) {
            return flow_map({who(c.email), {"password", yaml_scalar(c.password)}});
          },
          [](const model::TokenCredential& c) {
            return flow_map({who(c.email), {"token", yaml_scalar(c.token)}});
          },
          [](const model::OAuthCredential& c) {
            return flow_map({{"oauth", yaml_scalar(c.oauth)}});
          },
          [](const model::RawCredential& c) {
            return flow_map({{"header", yaml_scalar(c.header)}});
          },
      },
      credential);
}

std::string expect_yaml(const model::Outcome& outcome) {
  if (outcome.kind == model::OutcomeKind::user)
    return flow_map({{"user", yaml_scalar(outcome.user)}});
  if (outcome.kind == model::OutcomeKind::forbidden && outcome.reason != model::Reason::none)
    return flow_map({{"forbidden", std::string(model::reason_name(outcome.reason))}});
  return std::string(model::outcome_kind_name(outcome.kind));
}

std::string user_yaml(const model::AddUserOp& user) {
  std::vector<std::pair<std::string, std::string>> fields{
      {"name", yaml_scalar(user.name)},
      {"role", std::string(model::role_name(user.role))},
      {"password", yaml_scalar(user.password)}};
  if (user.two_factor_enrolled) fields.emplace_back("two_factor", "true");
  if (user.email != user.name + "@example.test") fields.emplace_back("email", yaml_scalar(user.email));
  return flow_map(fields);
}

std::string settings_yaml(const model::UpdateSettingsOp& op) {
  std::vector<std::pair<std::string, std::string>> fields;
  if (op.accepted_api_agreement)
    fields.emplace_back("accepted_api_agreement", true_false(*op.accepted_api_agreement));
  if (op.token_access) fields.emplace_back("token_access", on_off(*op.token_access));
  if (op.end_user_password_access)
    fields.emplace_back("end_user_password_access", on_off(*op.end_user_password_access));
  if (op.as_strings) fields.emplace_back("as_strings", "true");
  return flow_map(fields);
}

// "key: value" of a step's operation; `kind` keeps accept_agreement apart from set.
std::string operation_yaml(const model::Operation& op, std::string_view kind) {
  using Fields = std::vector<std::pair<std::string, std::string>>;
  return std::visit(
      Overloaded{
          [](const model::ProbeOp& o) {
            return std::string("request: ") + (o.probe == model::Probe::me ? "me" : "tickets");
          },
          [](const model::ReadSettingsOp&) { return std::string("read_settings: {}"); },
          [](const model::ListTokensOp&) { return std::string("list_tokens: {}"); },
          [&](const model::UpdateSettingsOp& o) {
            if (o.malformed) return std::string("malformed_settings: {}");
            model::UpdateSettingsOp accept;
            accept.accepted_api_agreement = true;
            if (kind == "accept_agreement" && o == accept) return std::string("accept_agreement: {}");
            return "set: " + settings_yaml(o);
          },
          [](const model::GenerateTokenOp& o) {
            return "generate_token: " + flow_map({{"name", yaml_scalar(o.name)}});
          },
          [](const model::SetTokenActiveOp& o) {
            return std::string(o.active ? "activate_token: " : "deactivate_token: ") +
                   flow_map({{"token", yaml_scalar(o.token)}});
          },
          [](const model::DeleteTokenOp& o) {
            return "delete_token: " + flow_map({{"token", yaml_scalar(o.token)}});
          },
          [](const model::IssueOAuthOp& o) {
            Fields fields{{"name", yaml_scalar(o.name)}, {"user", yaml_scalar(o.user)}};
            if (!(o.read && o.write)) {
              const std::string scopes = o.read ? "[read]" : o.write ? "[write]" : "[]";
              fields.emplace_back("scopes", scopes);
            }
            return "issue_oauth: " + flow_map(fields);
          },
          [](const model::RevokeOAuthOp& o) {
            return "revoke_oauth: " + flow_map({{"oauth", yaml_scalar(o.oauth)}});
          },
          [](const model::AddUserOp& o) { return "add_user: " + user_yaml(o); },
          [](const model::SetPasswordOp& o) {
            return "set_password: " +
                   flow_map({{"user", yaml_scalar(o.user)}, {"password", yaml_scalar(o.password)}});
          },
          [](const model::SetTwoFactorEnrolledOp& o) {
            Fields fields{{"user", yaml_scalar(o.user)}};
            if (!o.enrolled) fields.emplace_back("enrolled", "false");
            return "enroll_2fa: " + flow_map(fields);
          },
          [](const model::SetTwoFactorRequiredOp& o) {
            return "require_2fa: " + flow_map({{"on", true_false(o.required)}});
          },
          [](const model::SetAgentPasswordAccessOp& o) {
            return "agent_password_access: " + flow_map({{"on", true_false(o.on)}});
          },
      },
      op);
}

// The credential line of a step, or "" where the default applies.
std::string credential_line(const model::Request& request) {
  if (model::is_fixture(request.op)) return "";
  if (std::holds_alternative<model::ProbeOp>(request.op)) {
    if (std::holds_alternative<model::NoCredential>(request.credential)) return "";
    return "as: " + credential_yaml(request.credential);
  }
  const model::Credential admin = model::OAuthCredential{std::string(model::k_admin_oauth_name)};
  if (request.credential == admin) return "";
  return "by: " + credential_yaml(request.credential);
}

void write_step(std::string& out, const Step& step) {
  out += "  - " + operation_yaml(step.request.op, step.kind) + "\n";
  const std::string credential = credential_line(step.request);
  if (!credential.empty()) out += "    " + credential + "\n";
  if (step.expect) out += "    expect: " + expect_yaml(*step.expect) + "\n";
}

void write_comment(std::string& out, const std::string& text) {
  std::size_t start = 0;
  while (true) {
    // A CR would end the comment for a YAML reader, like a newline.
    const std::size_t end = text.find_first_of("\r\n", start);
    const std::string line = text.substr(start, end == std::string::npos ? end : end - start);
    out += line.empty() ? "#\n" : "# " + line + "\n";
    if (end == std::string::npos) break;
    start = end + 1;
  }
}

std::string scalar_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i > 0 ? ", " : "") + yaml_scalar(items[i]);
  return out + "]";
}

}  // namespace

std::string write_scenario_yaml(const Scenario& s, const std::vector<std::string>& header_comment) {
  std::string out;
  for (const std::string& line : header_comment) write_comment(out, line);
  out += "scenario: " + yaml_scalar(s.title) + "\n";
  if (!s.description.empty()) out += "description: " + yaml_scalar(s.description) + "\n";
  if (!s.rules.empty()) {
    std::vector<std::string> codes;
    for (const model::RuleId id : s.rules) codes.emplace_back(model::rule_code(id));
    out += "rules: " + scalar_list(codes) + "\n";
  }
  if (s.policy_given) out += "policy: " + std::string(model::policy_name(s.policy)) + "\n";
  if (!s.tags.empty()) out += "tags: " + scalar_list(s.tags) + "\n";
  if (!s.users.empty()) {
    out += "users:\n";
    for (const model::AddUserOp& user : user_fixtures(s)) out += "  - " + user_yaml(user) + "\n";
  }
  out += "steps:\n";
  for (const Step& step : s.steps) write_step(out, step);
  return out;
}

}  // namespace authconform::runner
