#include "tests/utils/test_utils.h"

#include "runner/cli.h"
#include "runner/scenario_loader.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

namespace authconform::testing {

CliResult run_cli(const std::vector<std::string>& args) {
  std::vector<std::string> storage{"authconform"};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& s : storage) argv.push_back(s.data());
  std::ostringstream out, err;
  const int code = runner::run_cli(static_cast<int>(argv.size()), argv.data(), out, err);
  return {code, out.str(), err.str()};
}

std::string source_dir() { return AUTHCONFORM_SOURCE_DIR; }
std::string suite_dir() { return source_dir() + "/scenarios"; }
std::string test_data_dir() { return AUTHCONFORM_TEST_DATA; }

runner::Scenario scenario_from_yaml(const std::string& yaml, const std::string& name) {
  runner::ScenarioLoad load = runner::load_scenario_text(yaml, name);
  for (const auto& e : load.errors) ADD_FAILURE() << e.format();
  if (!load.scenario) {
    ADD_FAILURE() << "scenario did not load";
    return {};
  }
  return *load.scenario;
}

std::vector<std::string> step_lines(const runner::Scenario& scenario) {
  std::vector<std::string> lines;
  for (const runner::Step& step : scenario.steps) lines.push_back(runner::describe_step(step));
  return lines;
}

std::string make_temp_dir(const std::string& prefix) {
  std::random_device rd;
  const auto dir = std::filesystem::temp_directory_path() /
                   (prefix + "-" + std::to_string(rd()) + std::to_string(rd()));
  std::filesystem::create_directories(dir);
  return dir.string();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

runner::FuzzOptions fuzz_options(std::uint64_t seed, long runs) {
  runner::FuzzOptions o;
  o.seed = seed;
  o.runs = runs;
  o.time_s = 0;
  return o;
}

}  // namespace authconform::testing
