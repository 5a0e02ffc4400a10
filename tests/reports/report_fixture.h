// A fixed run for the report tests: every status, a hostile scenario whose
// text tries markup, terminal and XML injection, and no value that varies
// between runs (so that golden files stay byte-for-byte stable).
#pragma once

#include "reports/listener.h"
#include "reports/results.h"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace authconform::reports::testing {

struct FixtureRun {
  RunInfo info;
  std::vector<ScenarioResult> scenarios;
  RunSummary summary;
};

// Six scenarios: passed, failed, broken, flaky, hostile (failed), error (which
// interrupts the run). Verdict inconclusive.
FixtureRun mixed_run();
// Two passed scenarios on the model target (no exchanges, no seed), every
// rule of the policy exercised. Verdict conformant.
FixtureRun conformant_run();

inline constexpr std::string_view k_hostile_title = "<script>alert(1)</script> in a title";

// Sends the run's events to `listener` in order.
void replay(const FixtureRun& run, RunListener& listener);

// A new empty folder under the test temporary folder.
std::filesystem::path fresh_folder();
std::string read_file(const std::filesystem::path& path);

// Compares `actual` with tests/data/reports/NAME; with AUTHCONFORM_UPDATE_GOLDEN
// set, rewrites the file first (review the diff before committing it).
void expect_golden(const std::string& name, const std::string& actual);

// Runs a shell command (through /bin/sh), returning its exit status and what
// it printed on stdout; the command redirects stderr itself if it must.
struct CommandResult {
  int status = -1;
  std::string output;
};
CommandResult run_command(const std::string& command);

// The absolute path of a program on PATH, or "" when absent.
std::string find_program(const std::string& name);
std::string shell_quote(const std::string& text);

}  // namespace authconform::reports::testing
