// libFuzzer target: the scenario loader (runner/scenario_loader.h).
//
// Input encoding: the bytes are the text of one scenario file, as given to
// load_scenario_text (any bytes: YAML, broken YAML, binary).
//
// The loader reports every problem as a LoadError and throws nothing, so
// this target catches nothing: an exception, crash, hang or sanitizer report
// is a bug. It also checks the contracts of runner/scenario_loader.h: a
// scenario exactly when there are no errors, errors sorted and positioned,
// and, for an accepted UTF-8 file, that writing the scenario back and
// loading it again gives the same scenario.
#include "runner/scenario_loader.h"
#include "tests/fuzz/fuzz_support.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace {

using namespace authconform;

const std::string k_file = "fuzz.yaml";

// An accepted scenario survives writing and reading back (positions aside,
// which the written text does not keep: comparing the two written texts
// compares everything else).
void check_round_trip(const runner::Scenario& scenario) {
  const std::string written = runner::write_scenario_yaml(scenario, {"round trip"});
  const runner::ScenarioLoad again = runner::load_scenario_text(written, k_file);
  if (!again.scenario) {
    std::string errors;
    for (const runner::LoadError& e : again.errors) errors += "\n  " + e.format();
    fuzz::contract_broken("the written scenario does not load again:\n" + written + "errors:" + errors);
  }
  const std::string rewritten = runner::write_scenario_yaml(*again.scenario, {"round trip"});
  if (rewritten != written)
    fuzz::contract_broken("the scenario changed when written and loaded again:\n" + written + "---\n" + rewritten);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text = fuzz::as_text(data, size);
  const runner::ScenarioLoad load = runner::load_scenario_text(text, k_file);
  fuzz::check_errors(load.scenario.has_value(), load.errors, k_file, {"the file is empty"});
  if (!load.scenario) return 0;
  // What a run does with a loaded scenario before any target is involved.
  for (const runner::Step& step : load.scenario->steps) (void)runner::describe_step(step);
  (void)runner::user_fixtures(*load.scenario);
  if (fuzz::valid_utf8(text)) check_round_trip(*load.scenario);
  return 0;
}
