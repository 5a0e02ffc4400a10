// `authconform report verify|merge`: re-check a certification's manifest, and
// combine shard reports into one certification.
#include "reports/certification.h"
#include "runner/certify.h"
#include "runner/cli_options.h"
#include "runner/scenario_runner.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace authconform::runner {
namespace {

constexpr CommandHelp k_help{
    "authconform report verify DIR | authconform report merge --out DIR A.json B.json...",
    "verify: re-hashes every input the certification in DIR names in its manifest (policy\n"
    "catalogue, profile, scenario files, waivers) and its report files; exit 0 when all match, 1\n"
    "when any differs. Inputs are named as certify was given them: run it from the folder\n"
    "certify ran in.\n"
    "merge: combines the report.json of shards (certify --shard K/N) into one certification with\n"
    "the verdicts an unsharded run of the same seeds gives.",
    "  authconform report verify certification/\n"
    "  authconform report merge --out merged/ shard1/report.json shard2/report.json"};

nlohmann::json read_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError("cannot read '" + path + "'");
  try {
    return nlohmann::json::parse(in);
  } catch (const nlohmann::json::exception& e) {
    throw UsageError("'" + path + "' is not JSON: " + e.what());
  }
}

std::string hash_of(const reports::ManifestEntry& m, const std::string& dir) {
  if (m.kind == "policy") {
    const auto policy = model::parse_policy(m.path);
    return policy ? reports::sha256_hex(policy_catalogue_text(*policy)) : "unknown policy";
  }
  const std::string path = m.kind == "report" ? dir + "/" + m.path : m.path;
  std::ifstream in(path, std::ios::binary);
  if (!in) return "missing";
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return reports::sha256_hex(bytes.str());
}

int verify(CommandContext& context, const std::string& dir) {
  const reports::Certification c = reports::certification_from_json(read_json(dir + "/report.json"));
  int mismatches = 0, missing_relative = 0;
  for (const reports::ManifestEntry& m : c.manifest) {
    const std::string now = hash_of(m, dir);
    if (now == m.sha256) continue;
    ++mismatches;
    if (now == "missing" && m.kind != "report" && !std::filesystem::path(m.path).is_absolute()) ++missing_relative;
    context.out << "MISMATCH " << m.kind << " " << m.path << ": manifest " << m.sha256 << ", now " << now << "\n";
  }
  context.out << c.manifest.size() << " manifest entries, " << mismatches << " mismatches\n";
  // The manifest names inputs as certify was given them: relative paths are
  // relative to the folder certify ran in.
  if (missing_relative > 0)
    context.out << "note: " << missing_relative << " input" << (missing_relative == 1 ? " named by a relative path is" : "s named by relative paths are")
                << " missing from " << std::filesystem::current_path().string()
                << "; run 'report verify' from the folder 'certify' ran in\n";
  return mismatches == 0 ? k_exit_ok : k_exit_not_conformant;
}

std::string worst_fuzz_result(const std::string& a, const std::string& b) {
  static const std::vector<std::string> k_order{"not run", "passed", "flaky", "failed", "inconclusive"};
  const auto rank = [&](const std::string& r) { return std::find(k_order.begin(), k_order.end(), r) - k_order.begin(); };
  return rank(a) >= rank(b) ? a : b;
}

void merge_fuzz(reports::FuzzSummary& into, const reports::FuzzSummary& f) {
  into.ran = into.ran || f.ran;
  into.seeds.insert(into.seeds.end(), f.seeds.begin(), f.seeds.end());
  into.sequences += f.sequences;
  into.steps += f.steps;
  into.requests += f.requests;
  into.seconds += f.seconds;
  for (const auto& [rule, n] : f.rules_fired) into.rules_fired[rule] += n;
  if (worst_fuzz_result(into.result, f.result) != into.result || into.result == "not run") {
    const bool take_details = f.result != "passed" || into.result == "not run";
    into.result = worst_fuzz_result(into.result, f.result);
    if (take_details && f.result != "passed") {
      into.counterexample_path = f.counterexample_path;
      into.counterexample_rules = f.counterexample_rules;
      into.replay_command = f.replay_command;
      into.message = f.message;
    }
  }
}

reports::Certification merge_all(const std::vector<reports::Certification>& shards) {
  reports::Certification merged = shards.front();
  merged.scenarios.clear();
  merged.fuzz = {};
  merged.manifest.clear();
  merged.duration_ms = 0;
  merged.suite = {};
  init_coverage(merged.suite, merged.info.policy);
  for (const reports::Certification& c : shards) {
    if (c.info.policy != merged.info.policy || c.info.seed != merged.info.seed)
      throw UsageError("shard reports differ in policy or seed: they are not one campaign");
    merged.scenarios.insert(merged.scenarios.end(), c.scenarios.begin(), c.scenarios.end());
    merge_fuzz(merged.fuzz, c.fuzz);
    for (const auto& m : c.manifest)
      if (m.kind != "report" && std::none_of(merged.manifest.begin(), merged.manifest.end(),
                                             [&](const auto& e) { return e.path == m.path && e.kind == m.kind; }))
        merged.manifest.push_back(m);
    merged.duration_ms = std::max(merged.duration_ms, c.duration_ms);
    merged.incomplete = merged.incomplete || c.incomplete;
    if (c.incomplete && merged.incomplete_reason.empty()) merged.incomplete_reason = c.incomplete_reason;
  }
  std::sort(merged.scenarios.begin(), merged.scenarios.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  return merged;
}

void recount(reports::Certification& c) {
  auto& s = c.suite;
  for (const reports::ScenarioResult& r : c.scenarios) {
    ++s.scenarios;
    s.steps += static_cast<int>(r.steps.size());
    using S = reports::ScenarioStatus;
    s.passed += r.status == S::passed;
    s.failed += r.status == S::failed;
    s.broken += r.status == S::broken;
    s.errors += r.status == S::error;
    s.flaky += r.status == S::flaky;
    add_coverage(s, r);
  }
  s.interrupted = c.incomplete;
  s.verdict = verdict_of(s);
}

int merge(CommandContext& context, const std::string& out, const std::vector<std::string>& files) {
  if (files.empty()) throw UsageError("report merge needs the shard report.json files to merge");
  std::vector<reports::Certification> shards;
  for (const std::string& f : files) shards.push_back(reports::certification_from_json(read_json(f)));
  reports::Certification merged = merge_all(shards);
  merged.shard = "merged from " + std::to_string(files.size()) + " shards";
  recount(merged);
  reports::decide_verdicts(merged, today_utc());
  reports::write_certification(out, merged);
  context.out << "Merged " << files.size() << " shard reports: " << reports::verdict_name(merged.verdict)
              << "\nReport: " << out << "/report.html\n";
  return reports::exit_code(merged.verdict);
}

}  // namespace

int cmd_report(CommandContext& context) {
  po::options_description options("Options");
  options.add_options()("out", po::value<std::string>()->default_value(""), "merge: folder for the merged report")(
      "args", po::value<std::vector<std::string>>(), "verify DIR | merge FILES...");
  int exit_code = 0;
  const auto vm = parse_command_line(context, options, k_help, exit_code, "args");
  if (!vm) return exit_code;
  const auto args = vm->count("args") ? (*vm)["args"].as<std::vector<std::string>>() : std::vector<std::string>{};
  if (args.empty()) throw UsageError("say 'verify DIR' or 'merge --out DIR FILES...'");
  if (args[0] == "verify") {
    if (args.size() != 2) throw UsageError("report verify takes one folder");
    return verify(context, args[1]);
  }
  if (args[0] == "merge") {
    const std::string out = (*vm)["out"].as<std::string>();
    if (out.empty()) throw UsageError("report merge needs --out DIR");
    return merge(context, out, {args.begin() + 1, args.end()});
  }
  throw UsageError("unknown report action '" + args[0] + "' (use verify or merge)");
}

}  // namespace authconform::runner
