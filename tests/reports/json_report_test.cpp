#include "reports/writers.h"

#include "report_fixture.h"

#include <gtest/gtest.h>

#include <set>

namespace authconform::reports {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::FixtureRun;
using testing::mixed_run;

json written_json(const FixtureRun& run) {
  const fs::path file = testing::fresh_folder() / "run.json";
  const auto writer = make_json_writer(file.string());
  testing::replay(run, *writer);
  return json::parse(testing::read_file(file));
}

// Every object key of the document, except those that are data (scenario
// paths in steps_by_scenario, rule codes under coverage).
void collect_keys(const json& value, std::set<std::string>& keys, bool keys_are_data = false) {
  if (value.is_array()) {
    for (const json& item : value) collect_keys(item, keys);
  } else if (value.is_object()) {
    for (const auto& [key, item] : value.items()) {
      if (!keys_are_data) keys.insert(key);
      const bool data_keys = key == "coverage" || key == "steps_by_scenario";
      collect_keys(item, keys, data_keys && !keys_are_data);
    }
  }
}

TEST(JsonReport, MatchesTheGoldenFile) {
  const fs::path file = testing::fresh_folder() / "run.json";
  const auto writer = make_json_writer(file.string());
  testing::replay(mixed_run(), *writer);
  testing::expect_golden("mixed.json", testing::read_file(file));
}

TEST(JsonReport, HasTheDocumentedTopLevelFields) {
  const json doc = written_json(mixed_run());
  EXPECT_EQ(doc.at("schema_version"), 1);
  EXPECT_EQ(doc.at("run").at("seed"), 42);
  EXPECT_EQ(doc.at("run").at("policy"), "article");
  const json& summary = doc.at("summary");
  EXPECT_EQ(summary.at("scenarios"), 6);
  EXPECT_EQ(summary.at("flaky"), 1);
  EXPECT_EQ(summary.at("verdict"), "inconclusive");
  EXPECT_EQ(summary.at("exit_code"), 3);
  EXPECT_EQ(summary.at("interrupted"), true);
  EXPECT_EQ(summary.at("target_error"), "connection refused by 127.0.0.1:8080");
  EXPECT_EQ(doc.at("scenarios").size(), 6u);
}

TEST(JsonReport, WritesStepsWithModelOutcomeForms) {
  const json doc = written_json(mixed_run());
  const json& failed = doc.at("scenarios").at(1).at("steps").at(1);
  EXPECT_EQ(failed.at("index"), 2);
  EXPECT_EQ(failed.at("line"), 16);
  EXPECT_EQ(failed.at("expect"), nullptr);
  EXPECT_EQ(failed.at("model_outcome"), "unauthorized");
  EXPECT_EQ(failed.at("observed"), "user:eve");
  EXPECT_EQ(failed.at("status"), "failed");
  EXPECT_EQ(failed.at("rules"), json::array({"TOK-5"}));
  EXPECT_EQ(failed.at("exchange").at("status"), 200);
  EXPECT_EQ(failed.at("exchange").at("request_headers").at(0),
            (json{{"name", "Authorization"}, {"value", "Basic \u2026"}}));
  const json& broken = doc.at("scenarios").at(2).at("steps").at(0);
  EXPECT_EQ(broken.at("expect"), "ok");
  EXPECT_EQ(broken.at("model_outcome"), "forbidden:not_admin");
  EXPECT_EQ(doc.at("scenarios").at(5).at("steps").at(0).at("observed"), nullptr);
}

TEST(JsonReport, CoversEveryRuleOfThePolicy) {
  const json coverage = written_json(mixed_run()).at("coverage");
  EXPECT_EQ(coverage.size(), 29u);  // the article policy: every rule but 2FA-1
  EXPECT_FALSE(coverage.contains("2FA-1"));
  const json& tok5 = coverage.at("TOK-5");
  EXPECT_EQ(tok5.at("steps_by_scenario"), (json{{"scenarios/tokens/off.yaml", 1}}));
  EXPECT_EQ(tok5.at("total"), 1);
  EXPECT_EQ(tok5.at("exercised"), true);
  EXPECT_EQ(coverage.at("OAU-3").at("fuzz_steps"), 7);
  EXPECT_EQ(coverage.at("OAU-3").at("total"), 8);
  EXPECT_EQ(coverage.at("PWD-6").at("exercised"), false);
  EXPECT_EQ(coverage.at("PWD-6").at("stage"), "identity");
}

TEST(JsonReport, ModelTargetHasNoExchangeAndNoSeed) {
  const json doc = written_json(testing::conformant_run());
  EXPECT_EQ(doc.at("run").at("seed"), nullptr);
  EXPECT_EQ(doc.at("scenarios").at(0).at("steps").at(0).at("exchange"), nullptr);
  EXPECT_EQ(doc.at("summary").at("verdict"), "conformant");
}

TEST(JsonReport, TurnsInvalidUtf8IntoReplacementCharacters) {
  FixtureRun run = mixed_run();
  run.scenarios[0].title = "bad \xff byte";
  const json doc = run_to_json(run.info, run.scenarios, run.summary);
  EXPECT_NO_THROW((void)doc.dump());
  EXPECT_EQ(doc.at("scenarios").at(0).at("title"), "bad \xef\xbf\xbd byte");
}

TEST(JsonReport, EveryFieldIsDocumented) {
  const std::string doc =
      testing::read_file(fs::path(AUTHCONFORM_SOURCE_DIR) / "docs" / "report-format.md");
  std::set<std::string> keys;
  collect_keys(written_json(mixed_run()), keys);
  EXPECT_GT(keys.size(), 40u);
  for (const std::string& key : keys)
    EXPECT_NE(doc.find("`" + key + "`"), std::string::npos) << "docs/report-format.md does not document `" << key << "`";
}

}  // namespace
}  // namespace authconform::reports
