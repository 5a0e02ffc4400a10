// Reading scenario files (the format of docs/scenarios.md) strictly, and
// writing scenarios back in that format. Every problem of a file is reported at
// once, as FILE:LINE:COL errors with a suggested fix; nothing here throws.
#pragma once

#include "runner/load_error.h"
#include "runner/scenario.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace authconform::runner {

// `scenario` is set exactly when `errors` is empty.
struct ScenarioLoad {
  std::optional<Scenario> scenario;
  std::vector<LoadError> errors;  // sorted by position
};

// Parses one scenario; `file_name` names it in errors and becomes Scenario::path.
ScenarioLoad load_scenario_text(std::string_view yaml_text, const std::string& file_name);

// Reads and parses `path`; a file that cannot be read gives one error without position.
ScenarioLoad load_scenario_file(const std::string& path);

// The scenario files that `paths` name: files as given, folders searched
// recursively for *.yaml and *.yml. The result is sorted by path without
// duplicates. A path that does not exist (or cannot be searched) adds an error.
std::vector<std::string> collect_scenario_files(const std::vector<std::string>& paths,
                                                std::vector<LoadError>& errors);

// The scenario as YAML in the standard format, each `header_comment` line
// written first as a '# ' comment. For every scenario the loader accepts,
// loading the text again gives an equal scenario (positions aside); strings
// must be valid UTF-8 for that.
std::string write_scenario_yaml(const Scenario& s,
                                const std::vector<std::string>& header_comment = {});

}  // namespace authconform::runner
