// Helpers shared by every test executable.
#pragma once

#include "runner/fuzz_engine.h"
#include "runner/scenario.h"

#include <cstdint>

#include <string>
#include <vector>

namespace authconform::testing {

struct CliResult {
  int exit_code = 0;
  std::string out;
  std::string err;
};

// Runs the CLI in-process, as `authconform ARGS...`, capturing both streams.
CliResult run_cli(const std::vector<std::string>& args);

// The source tree's folders.
std::string source_dir();
std::string suite_dir();       // scenarios/
std::string test_data_dir();   // tests/data/

// A scenario parsed from YAML text; fails the current test on load errors.
runner::Scenario scenario_from_yaml(const std::string& yaml, const std::string& name = "inline.yaml");

// describe_step of every step: a scenario's steps as a reader sees them.
std::vector<std::string> step_lines(const runner::Scenario& scenario);

// A fresh empty directory under the system temp dir, removed by the caller if it wants.
std::string make_temp_dir(const std::string& prefix);
std::string read_file(const std::string& path);

// Fuzzing `runs` sequences from `seed`, with no time budget (so the run is the same every time).
runner::FuzzOptions fuzz_options(std::uint64_t seed, long runs);

}  // namespace authconform::testing
