#include "reports/certification.h"

#include "reports/atomic_file.h"
#include "reports/escape.h"
#include "reports/json_report.h"
#include "reports/report_text.h"

#include <openssl/evp.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <sstream>

namespace authconform::reports {

std::string_view rule_status_name(RuleStatus status) {
  switch (status) {
    case RuleStatus::pass: return "pass";
    case RuleStatus::fail: return "fail";
    case RuleStatus::waived: return "waived";
    case RuleStatus::not_exercised: return "not exercised";
  }
  return "not exercised";
}

std::string_view waiver_status_name(WaiverStatus status) {
  switch (status) {
    case WaiverStatus::applied: return "applied";
    case WaiverStatus::unused: return "unused";
    case WaiverStatus::expected_failure_did_not_happen: return "expected failure did not happen";
    case WaiverStatus::expired: return "expired";
  }
  return "unused";
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += k_hex[digest[i] >> 4];
    hex += k_hex[digest[i] & 15];
  }
  return hex;
}

// --- verdicts -----------------------------------------------------------------

namespace {

bool is_identity_outcome(const model::Outcome& o) {
  return o.kind == model::OutcomeKind::anonymous || o.kind == model::OutcomeKind::unauthorized;
}

bool identity_refused(const std::vector<model::RuleId>& rules) {
  using R = model::RuleId;
  return std::any_of(rules.begin(), rules.end(), [](R r) {
    return r == R::ANO_2 || r == R::TOK_5 || r == R::TOK_7 || r == R::OAU_2;
  });
}

std::vector<model::RuleId> of_stage(const std::vector<model::RuleId>& rules, bool identity) {
  std::vector<model::RuleId> out;
  for (model::RuleId r : rules) {
    const bool is_identity = model::rule_info(r).stage == model::Stage::identity;
    if (is_identity == identity && r != model::RuleId::PRB_1) out.push_back(r);
  }
  return out;
}

// Where in policy.md §2's order a refusal comes: the scope (OAU-3), the role
// (ADM-1, PRB-2 and PRB-3, OAU-4's ownership), then the effect stage's
// refusals in their order (ACT-3, TOK-3, TOK-8, not_found). A malformed body
// is refused at the effect stage, in no order the spec gives (C6); an answer
// that refused nothing, or that no check gives, comes after all of them.
enum class Refusal { scope, role, agreement, token_access, token_limit, not_found, invalid, none };

Refusal refusal_of(const model::Outcome& o) {
  using model::Reason;
  // Past identity, a 401 is the role check's answer to an anonymous caller
  // (PRB-2, ADM-1).
  if (o.kind == model::OutcomeKind::unauthorized) return Refusal::role;
  if (o.kind == model::OutcomeKind::not_found) return Refusal::not_found;
  if (o.kind == model::OutcomeKind::invalid) return Refusal::invalid;
  if (o.kind != model::OutcomeKind::forbidden) return Refusal::none;
  switch (o.reason) {
    case Reason::missing_scope: return Refusal::scope;
    case Reason::not_admin:
    case Reason::not_agent: return Refusal::role;
    case Reason::agreement_not_accepted: return Refusal::agreement;
    case Reason::token_access_disabled: return Refusal::token_access;
    case Reason::token_limit_reached: return Refusal::token_limit;
    default: return Refusal::none;
  }
}

bool at_effect_stage(Refusal r) { return r >= Refusal::agreement && r <= Refusal::invalid; }
bool in_order(Refusal r) { return r <= Refusal::not_found; }

// The rules that refuse for `reason`: those of them the step fired, or all
// when it fired none (the target refused where the model saw no such check).
std::vector<model::RuleId> owners_of(model::Reason reason, const std::vector<model::RuleId>& fired) {
  using R = model::RuleId;
  std::vector<R> owners;
  switch (reason) {
    case model::Reason::missing_scope: owners = {R::OAU_3}; break;
    case model::Reason::not_admin: owners = {R::ADM_1, R::OAU_4}; break;
    case model::Reason::not_agent: owners = {R::PRB_2, R::PRB_3}; break;
    case model::Reason::agreement_not_accepted: owners = {R::ACT_3}; break;
    case model::Reason::token_access_disabled: owners = {R::TOK_3}; break;
    case model::Reason::token_limit_reached: owners = {R::TOK_8}; break;
    default: break;
  }
  std::vector<R> among_fired;
  for (R r : owners)
    if (std::find(fired.begin(), fired.end(), r) != fired.end()) among_fired.push_back(r);
  return among_fired.empty() ? owners : among_fired;
}

// A refusal whose reason names a state the model's decision did not refuse
// on: the target acted on another state (an agreement withdrawn, token
// access flipped, tokens uncounted), which an earlier step may have caused.
// The rules that govern that state are implicated too; and a token's secret
// shown again breaks TOK-3 whatever the step was. Not when the target only
// passed the check the model refused at, on to a later one: the model never
// reached that one, so the target's state there is no evidence.
std::vector<model::RuleId> state_rules(const model::Outcome& expected, const model::Outcome& observed) {
  using R = model::RuleId;
  if (observed.is_secret_shown_again()) return {R::TOK_3};  // "returned once, at creation"
  if (observed.kind != model::OutcomeKind::forbidden || observed == expected) return {};
  const Refusal model_at = refusal_of(expected), target_at = refusal_of(observed);
  if (in_order(model_at) && in_order(target_at) && target_at > model_at) return {};
  switch (observed.reason) {
    case model::Reason::agreement_not_accepted: return {R::ACT_2, R::ACT_3};
    case model::Reason::token_access_disabled: return {R::TOK_2, R::TOK_3};
    case model::Reason::token_limit_reached: return {R::TOK_8};
    default: return {};
  }
}

std::vector<model::RuleId> effect_rules(const std::vector<model::RuleId>& rules) {
  std::vector<model::RuleId> out;
  for (model::RuleId r : rules)
    if (model::rule_info(r).stage == model::Stage::effect) out.push_back(r);
  return out;
}

void add_once(std::vector<model::RuleId>& rules, const std::vector<model::RuleId>& more) {
  for (model::RuleId r : more)
    if (std::find(rules.begin(), rules.end(), r) == rules.end()) rules.push_back(r);
}

// Past identity, target and model part at the earlier of their refusals:
// - the target refused at a check the model passed (or where the model
//   allowed): that check's rule, and nothing after it, which the target
//   never reached (the effect the model applied included);
// - the target passed the check the model refused at: the model's refusing
//   rule (the last fired) and its effect rules (a later check the target
//   then refused at gave the answer its own rule promises for the state);
// - the model allowed and the target answered 404 or 400: the effect rules
//   (its answer shows it applied the permission rules); any other
//   difference: the permission and effect rules.
std::vector<model::RuleId> stage_rules_blamed(const StepResult& step, const model::Outcome& observed) {
  const model::Outcome& expected = step.model_outcome;
  const Refusal model_at = refusal_of(expected), target_at = refusal_of(observed);
  // A check with a rule of its own, before the model's refusal (or its
  // allowing); a malformed body's 400 has no place in the order to compare.
  const bool named_check = target_at <= Refusal::role || (target_at <= Refusal::token_limit && model_at != Refusal::invalid);
  if (target_at < model_at && named_check) {
    std::vector<model::RuleId> owners = owners_of(observed.reason, step.rules);
    if (!owners.empty()) return owners;
  }
  std::vector<model::RuleId> blamed;
  const bool model_refused = expected.kind != model::OutcomeKind::ok && expected.kind != model::OutcomeKind::user;
  if (model_refused && !step.rules.empty()) {
    blamed.push_back(step.rules.back());
    add_once(blamed, effect_rules(step.rules));
    return blamed;
  }
  if (at_effect_stage(target_at)) blamed = effect_rules(step.rules);
  return blamed.empty() ? of_stage(step.rules, false) : blamed;
}

// The rules of the step's own decision at the stage where model and target part.
std::vector<model::RuleId> decision_rules_blamed(const StepResult& step) {
  const model::Outcome& expected = step.model_outcome;
  const model::Outcome observed = step.observed.value_or(model::Outcome{});
  const bool users_differ = expected.kind == model::OutcomeKind::user &&
                            observed.kind == model::OutcomeKind::user;
  const bool identity_level = is_identity_outcome(expected) || is_identity_outcome(observed) || users_differ;
  const bool permission_401 = expected.kind == model::OutcomeKind::unauthorized && !identity_refused(step.rules);
  std::vector<model::RuleId> blamed;
  if (identity_level && !permission_401) blamed = of_stage(step.rules, true);
  if (blamed.empty()) blamed = stage_rules_blamed(step, observed);
  return blamed.empty() ? step.rules : blamed;
}

}  // namespace

// The rules a failing step implicates: those of the check where model and
// target part, in policy.md §2's order (identity, scope, role, the effect
// stage's refusals; stage_rules_blamed), and those of a state the target
// refused on where the model did not (state_rules). A token's secret shown
// again in an answer the model allowed blames TOK-3 alone.
std::vector<model::RuleId> blamed_rules(const StepResult& step) {
  // Allowed as the model allowed, but the answer showed a token's secret
  // again: the decision was right, only TOK-3's "returned once" is broken.
  const model::Outcome observed = step.observed.value_or(model::Outcome{});
  if (observed.is_secret_shown_again() && step.model_outcome.kind == model::OutcomeKind::ok) return {model::RuleId::TOK_3};
  std::vector<model::RuleId> blamed = decision_rules_blamed(step);
  add_once(blamed, state_rules(step.model_outcome, observed));
  return blamed;
}

namespace {

void add_scenario_evidence(Certification& c, std::map<model::RuleId, std::vector<std::string>>& failures) {
  for (const ScenarioResult& s : c.scenarios) {
    if (s.status != ScenarioStatus::failed && s.status != ScenarioStatus::flaky) continue;
    for (const StepResult& step : s.steps) {
      if (step.status != StepStatus::failed) continue;
      std::string text = s.path + " step " + std::to_string(step.index) + " (line " +
                         std::to_string(step.line) + "): " + step.message;
      if (s.status == ScenarioStatus::flaky) text = "FLAKY: " + text;
      text += " - replay: authconform run " + s.path + c.replay_args;
      for (model::RuleId r : blamed_rules(step)) failures[r].push_back(text);
    }
  }
}

void add_fuzz_evidence(Certification& c, std::map<model::RuleId, std::vector<std::string>>& failures) {
  if (c.fuzz.result != "failed" && c.fuzz.result != "flaky") return;
  std::string text = std::string(c.fuzz.result == "flaky" ? "FLAKY: " : "") + "fuzzing: " +
                     c.fuzz.message + " - minimal counterexample " + c.fuzz.counterexample_path +
                     " - replay: " + c.fuzz.replay_command;
  for (model::RuleId r : c.fuzz.counterexample_rules) failures[r].push_back(text);
}

void apply_waivers(Certification& c, const std::string& today) {
  for (WaiverResult& w : c.waivers) {
    if (!w.waiver.expires.empty() && w.waiver.expires < today) {
      w.status = WaiverStatus::expired;
      continue;
    }
    auto it = std::find_if(c.rules.begin(), c.rules.end(),
                           [&](const RuleVerdict& v) { return model::rule_code(v.rule) == w.waiver.rule; });
    if (it == c.rules.end()) continue;
    if (it->status == RuleStatus::fail) {
      it->status = RuleStatus::waived;
      it->waiver_reason = w.waiver.reason;
      w.status = WaiverStatus::applied;
    } else if (it->status == RuleStatus::pass) {
      w.status = WaiverStatus::expected_failure_did_not_happen;
    }
  }
}

// Whether some failure blamed no rule, so that no waiver can cover it.
bool failure_without_a_rule(const Certification& c) {
  for (const ScenarioResult& s : c.scenarios) {
    if (s.status != ScenarioStatus::failed && s.status != ScenarioStatus::flaky) continue;
    for (const StepResult& step : s.steps)
      if (step.status == StepStatus::failed && blamed_rules(step).empty()) return true;
  }
  const bool fuzz_failed = c.fuzz.result == "failed" || c.fuzz.result == "flaky";
  return fuzz_failed && c.fuzz.counterexample_rules.empty();
}

}  // namespace

void decide_verdicts(Certification& c, const std::string& today) {
  std::map<model::RuleId, std::vector<std::string>> failures;
  add_scenario_evidence(c, failures);
  add_fuzz_evidence(c, failures);
  c.rules.clear();
  for (const model::RuleInfo& info : model::all_rules()) {
    if (!model::rule_in_policy(info.id, c.info.policy)) continue;
    RuleVerdict v;
    v.rule = info.id;
    if (auto it = c.suite.coverage.find(info.id); it != c.suite.coverage.end())
      v.scenario_steps = it->second.steps_by_scenario;
    if (auto it = c.fuzz.rules_fired.find(info.id); it != c.fuzz.rules_fired.end()) v.fuzz_steps = it->second;
    long exercised = v.fuzz_steps;
    for (const auto& [path, n] : v.scenario_steps) exercised += n;
    v.evidence = failures[info.id];
    v.status = !v.evidence.empty() ? RuleStatus::fail
               : exercised > 0     ? RuleStatus::pass
                                   : RuleStatus::not_exercised;
    c.rules.push_back(std::move(v));
  }
  apply_waivers(c, today);
  const bool any_fail = std::any_of(c.rules.begin(), c.rules.end(),
                                    [](const RuleVerdict& v) { return v.status == RuleStatus::fail; });
  const bool expired = std::any_of(c.waivers.begin(), c.waivers.end(),
                                   [](const WaiverResult& w) { return w.status == WaiverStatus::expired; });
  // A failure whose every blamed rule is waived does not fail the run (a
  // waiver is an accepted deviation); a flaky one does, waived or not, as does
  // a failure that blamed no rule (none can be waived for it).
  const bool flaky = c.fuzz.result == "flaky" || c.suite.flaky > 0;
  if (c.incomplete) c.verdict = RunVerdict::inconclusive;
  else if (any_fail || expired || flaky || failure_without_a_rule(c))
    c.verdict = RunVerdict::not_conformant;
  else if (c.suite.broken > 0) c.verdict = RunVerdict::input_error;
  else c.verdict = RunVerdict::conformant;
}

// --- JSON -----------------------------------------------------------------------

namespace {

nlohmann::json codes(const std::vector<model::RuleId>& rules) {
  nlohmann::json list = nlohmann::json::array();
  for (model::RuleId r : rules) list.push_back(model::rule_code(r));
  return list;
}

std::vector<model::RuleId> rules_from(const nlohmann::json& list) {
  std::vector<model::RuleId> rules;
  for (const auto& code : list)
    if (auto r = model::parse_rule_code(code.get<std::string>())) rules.push_back(*r);
  return rules;
}

nlohmann::json outcome_json(const std::optional<model::Outcome>& o) {
  return o ? nlohmann::json(model::to_string(*o)) : nlohmann::json(nullptr);
}

std::optional<model::Outcome> outcome_from(const nlohmann::json& j) {
  if (j.is_null()) return std::nullopt;
  return model::parse_outcome(j.get<std::string>());
}

// Just what a merge needs to recompute coverage and verdicts.
nlohmann::json scenario_record(const ScenarioResult& s) {
  nlohmann::json steps = nlohmann::json::array();
  for (const StepResult& st : s.steps)
    steps.push_back({{"index", st.index}, {"line", st.line}, {"status", step_status_name(st.status)},
                     {"model", outcome_json(st.model_outcome)}, {"observed", outcome_json(st.observed)},
                     {"rules", codes(st.rules)}, {"message", to_valid_utf8(st.message)}});
  return {{"path", s.path}, {"folder", s.folder}, {"title", to_valid_utf8(s.title)},
          {"status", scenario_status_name(s.status)}, {"message", to_valid_utf8(s.message)},
          {"duration_ms", s.duration_ms}, {"steps", steps}};
}

template <class Enum, std::size_t N>
Enum enum_from(const std::string& text, const std::array<Enum, N>& all, std::string_view (*name)(Enum)) {
  for (Enum e : all)
    if (name(e) == text) return e;
  throw std::runtime_error("unknown value '" + text + "' in report");
}

constexpr std::array k_step_statuses{StepStatus::passed, StepStatus::failed, StepStatus::broken,
                                     StepStatus::error, StepStatus::not_run};
constexpr std::array k_scenario_statuses{ScenarioStatus::passed, ScenarioStatus::failed, ScenarioStatus::broken,
                                         ScenarioStatus::error, ScenarioStatus::flaky};

ScenarioResult scenario_from_record(const nlohmann::json& j) {
  ScenarioResult s;
  s.path = j.at("path");
  s.folder = j.at("folder");
  s.title = j.at("title");
  s.status = enum_from(j.at("status").get<std::string>(), k_scenario_statuses, scenario_status_name);
  s.message = j.at("message");
  s.duration_ms = j.at("duration_ms");
  for (const auto& st : j.at("steps")) {
    StepResult r;
    r.index = st.at("index");
    r.line = st.at("line");
    r.status = enum_from(st.at("status").get<std::string>(), k_step_statuses, step_status_name);
    r.model_outcome = outcome_from(st.at("model")).value_or(model::Outcome{});
    r.observed = outcome_from(st.at("observed"));
    r.rules = rules_from(st.at("rules"));
    r.message = st.at("message");
    s.steps.push_back(std::move(r));
  }
  return s;
}

nlohmann::json fuzz_json(const FuzzSummary& f) {
  nlohmann::json fired = nlohmann::json::object();
  for (const auto& [rule, n] : f.rules_fired) fired[std::string(model::rule_code(rule))] = n;
  return {{"ran", f.ran}, {"seeds", f.seeds}, {"sequences", f.sequences}, {"steps", f.steps},
          {"requests", f.requests}, {"seconds", f.seconds}, {"rules_fired", fired},
          {"result", f.result}, {"counterexample_path", f.counterexample_path},
          {"counterexample_rules", codes(f.counterexample_rules)},
          {"replay_command", f.replay_command}, {"message", to_valid_utf8(f.message)},
          {"details", f.details}};
}

FuzzSummary fuzz_from_json(const nlohmann::json& j) {
  FuzzSummary f;
  f.ran = j.at("ran");
  f.seeds = j.at("seeds").get<std::vector<std::uint64_t>>();
  f.sequences = j.at("sequences");
  f.steps = j.at("steps");
  f.requests = j.at("requests");
  f.seconds = j.at("seconds");
  for (const auto& [code, n] : j.at("rules_fired").items())
    if (auto r = model::parse_rule_code(code)) f.rules_fired[*r] = n.get<long>();
  f.result = j.at("result");
  f.counterexample_path = j.at("counterexample_path");
  f.counterexample_rules = rules_from(j.at("counterexample_rules"));
  f.replay_command = j.at("replay_command");
  f.message = j.at("message");
  f.details = j.value("details", nlohmann::json::object());
  return f;
}

nlohmann::json rule_json(const RuleVerdict& v) {
  const model::RuleInfo& info = model::rule_info(v.rule);
  return {{"id", info.code}, {"statement", info.statement}, {"status", rule_status_name(v.status)},
          {"scenario_steps", v.scenario_steps}, {"fuzz_steps", v.fuzz_steps},
          {"evidence", v.evidence}, {"waiver_reason", v.waiver_reason}};
}

}  // namespace

nlohmann::json certification_to_json(const Certification& c) {
  nlohmann::json rules = nlohmann::json::array();
  for (const RuleVerdict& v : c.rules) rules.push_back(rule_json(v));
  nlohmann::json waivers = nlohmann::json::array();
  for (const WaiverResult& w : c.waivers)
    waivers.push_back({{"rule", w.waiver.rule}, {"reason", w.waiver.reason},
                       {"expires", w.waiver.expires}, {"status", waiver_status_name(w.status)}});
  nlohmann::json manifest = nlohmann::json::array();
  for (const ManifestEntry& m : c.manifest)
    manifest.push_back({{"kind", m.kind}, {"path", m.path}, {"sha256", m.sha256}});
  nlohmann::json records = nlohmann::json::array();
  for (const ScenarioResult& s : c.scenarios) records.push_back(scenario_record(s));
  return {{"schema_version", k_certification_schema_version},
          {"kind", "authconform-certification"},
          {"verdict", verdict_name(c.verdict)},
          {"incomplete", c.incomplete},
          {"incomplete_reason", to_valid_utf8(c.incomplete_reason)},
          {"shard", c.shard},
          {"replay_args", c.replay_args},
          {"policy", model::policy_name(c.info.policy)},
          {"target", to_valid_utf8(c.info.target)},
          {"profile", c.info.profile},
          {"tool_version", c.info.tool_version},
          {"command", to_valid_utf8(c.info.command)},
          {"started_at", c.info.started_at},
          {"duration_ms", c.duration_ms},
          {"seed", c.info.seed ? nlohmann::json(*c.info.seed) : nlohmann::json(nullptr)},
          {"rules", rules},
          {"gaps", c.gaps},
          {"waivers", waivers},
          {"fuzz", fuzz_json(c.fuzz)},
          {"scenario_results", records},
          {"suite", run_to_json(c.info, c.scenarios, c.suite)},
          {"manifest", manifest}};
}

Certification certification_from_json(const nlohmann::json& doc) {
  try {
    if (doc.at("kind") != "authconform-certification")
      throw std::runtime_error("not an authconform certification report");
    Certification c;
    c.shard = doc.at("shard");
    c.replay_args = doc.value("replay_args", "");
    c.info.policy = model::parse_policy(doc.at("policy").get<std::string>()).value();
    c.info.target = doc.at("target");
    c.info.profile = doc.at("profile");
    c.info.tool_version = doc.at("tool_version");
    c.info.command = doc.at("command");
    c.info.started_at = doc.at("started_at");
    if (!doc.at("seed").is_null()) c.info.seed = doc.at("seed").get<unsigned long long>();
    c.incomplete = doc.at("incomplete");
    c.incomplete_reason = doc.at("incomplete_reason");
    c.duration_ms = doc.at("duration_ms");
    c.gaps = doc.at("gaps").get<std::vector<std::string>>();
    for (const auto& w : doc.at("waivers"))
      c.waivers.push_back({{w.at("rule"), w.at("reason"), w.at("expires")}, WaiverStatus::unused});
    c.fuzz = fuzz_from_json(doc.at("fuzz"));
    for (const auto& s : doc.at("scenario_results")) c.scenarios.push_back(scenario_from_record(s));
    for (const auto& m : doc.at("manifest")) c.manifest.push_back({m.at("kind"), m.at("path"), m.at("sha256")});
    return c;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(std::string("malformed certification report: ") + e.what());
  } catch (const std::bad_optional_access&) {
    throw std::runtime_error("malformed certification report: unknown policy");
  }
}

}  // namespace authconform::reports
