#include "runner/certify.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <ctime>
#include <fstream>
#include <regex>
#include <sstream>

namespace authconform::runner {

std::optional<Shard> parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  Shard shard;
  const auto k = text.substr(0, slash), n = text.substr(slash + 1);
  if (std::from_chars(k.data(), k.data() + k.size(), shard.index).ptr != k.data() + k.size() || k.empty())
    return std::nullopt;
  if (std::from_chars(n.data(), n.data() + n.size(), shard.count).ptr != n.data() + n.size() || n.empty())
    return std::nullopt;
  if (shard.count < 1 || shard.index < 1 || shard.index > shard.count) return std::nullopt;
  return shard;
}

std::vector<Scenario> shard_scenarios(std::vector<Scenario> scenarios, Shard shard) {
  std::sort(scenarios.begin(), scenarios.end(),
            [](const Scenario& a, const Scenario& b) { return a.path < b.path; });
  std::vector<Scenario> mine;
  for (std::size_t i = 0; i < scenarios.size(); ++i)
    if (static_cast<int>(i % shard.count) + 1 == shard.index) mine.push_back(std::move(scenarios[i]));
  return mine;
}

namespace {

SourcePos pos_of(const YAML::Node& node) {
  return {node.Mark().line + 1, node.Mark().column + 1};
}

void read_waiver(const YAML::Node& item, const std::string& path, WaiversLoad& load) {
  static const std::vector<std::string> k_keys{"rule", "reason", "expires"};
  if (!item.IsMap()) {
    load.errors.push_back({path, pos_of(item), "a waiver is a map {rule, reason, expires}"});
    return;
  }
  reports::Waiver w;
  for (const auto& kv : item) {
    const std::string key = kv.first.as<std::string>();
    if (std::find(k_keys.begin(), k_keys.end(), key) == k_keys.end()) {
      std::string message = "unknown key '" + key + "' in waiver";
      if (auto guess = closest_match(key, k_keys); !guess.empty()) message += " (did you mean '" + guess + "'?)";
      load.errors.push_back({path, pos_of(kv.first), message});
      continue;
    }
    const std::string value = kv.second.IsScalar() ? kv.second.as<std::string>() : "";
    if (key == "rule") {
      if (!model::parse_rule_code(value))
        load.errors.push_back({path, pos_of(kv.second), "unknown rule '" + value + "' (see 'authconform rules')"});
      w.rule = value;
    } else if (key == "reason") {
      w.reason = value;
    } else if (!std::regex_match(value, std::regex(R"(\d{4}-\d{2}-\d{2})"))) {
      load.errors.push_back({path, pos_of(kv.second), "expiry '" + value + "' is not a date (write YYYY-MM-DD)"});
    } else {
      w.expires = value;
    }
  }
  if (w.rule.empty()) load.errors.push_back({path, pos_of(item), "a waiver needs 'rule'"});
  if (w.reason.empty()) load.errors.push_back({path, pos_of(item), "a waiver needs 'reason' (why the deviation is accepted)"});
  load.waivers.push_back(std::move(w));
}

}  // namespace

WaiversLoad load_waivers_file(const std::string& path) {
  WaiversLoad load;
  try {
    const YAML::Node root = YAML::LoadFile(path);
    const YAML::Node list = root.IsMap() ? root["waivers"] : YAML::Node();
    if (!list || !list.IsSequence()) {
      load.errors.push_back({path, {}, "expected a map with a 'waivers:' list"});
      return load;
    }
    for (const auto& item : list) read_waiver(item, path, load);
  } catch (const YAML::BadFile&) {
    load.errors.push_back({path, {}, "cannot read the waivers file"});
  } catch (const YAML::Exception& e) {
    load.errors.push_back({path, {e.mark.line + 1, e.mark.column + 1}, e.msg});
  }
  return load;
}

std::string policy_catalogue_text(model::PolicyId policy) {
  std::string text = std::string(model::policy_name(policy)) + "\n";
  for (const model::RuleInfo& r : model::all_rules())
    if (model::rule_in_policy(r.id, policy))
      text += std::string(r.code) + "\t" + std::string(r.statement) + "\n";
  return text;
}

namespace {

std::string file_sha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "unreadable";
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return reports::sha256_hex(bytes.str());
}

}  // namespace

std::vector<reports::ManifestEntry> input_manifest(model::PolicyId policy, const std::string& profile,
                                                   const std::vector<Scenario>& scenarios,
                                                   const std::string& waivers) {
  std::vector<reports::ManifestEntry> manifest;
  manifest.push_back({"policy", std::string(model::policy_name(policy)),
                      reports::sha256_hex(policy_catalogue_text(policy))});
  if (!profile.empty()) manifest.push_back({"profile", profile, file_sha256(profile)});
  for (const Scenario& s : scenarios) manifest.push_back({"scenario", s.path, file_sha256(s.path)});
  if (!waivers.empty()) manifest.push_back({"waivers", waivers, file_sha256(waivers)});
  return manifest;
}

std::vector<std::string> spec_gaps() {
  return {
      "G1 (spec): before the agreement is accepted, the two API settings are off and cannot change (ACT-3); "
      "OAuth works (OAU-1); the legacy agent-password fixture (PWD-6) applies regardless.",
      "G2 (spec): the anonymous user's body is the one in wire.md.",
      "G3 (spec): disabled token access yields 401, not anonymous (TOK-5).",
      "G4 (spec): a token's own active state is kept across an account-wide off/on (TOK-6).",
      "G5 (spec): suspended and unverified users are not modelled by the article policy.",
      "C1 (docs/spec-choices.md): before the agreement, setting a toggle to its current value may be refused or accepted.",
      "C2: under zendesk-2026 the agent_password_access fixture may refuse or ignore 'on'; the setting stays off.",
      "C3: revoking an OAuth token anonymously is 401; C5: issuing for an unknown user is 404.",
      "C6: the 256-token limit counts tokens not deleted (deactivated ones count).",
      "C7: (de)activating a token while token access is off is allowed.",
      "C8: zendesk-2026 token retirement is the run option --tokens-retired (reason token_access_disabled).",
      "C12: a 200 on tickets does not show who called; it matches any expected user, never anonymous.",
  };
}

std::string today_utc() {
  const std::time_t t = std::time(nullptr);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", std::gmtime(&t));
  return text;
}

}  // namespace authconform::runner
