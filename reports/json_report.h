// The JSON document of one run (docs/report-format.md, schema_version 1):
// what the json writer writes, and what certification and merge read.
#pragma once

#include "reports/results.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace authconform::reports {

inline constexpr int k_report_schema_version = 1;

// Every string in it is valid UTF-8 (invalid bytes become U+FFFD), so any
// dump() of it succeeds.
nlohmann::json run_to_json(const RunInfo& info, const std::vector<ScenarioResult>& scenarios,
                           const RunSummary& summary);

// The text of the report file: run_to_json indented by 2, with a final newline.
std::string run_json_text(const RunInfo& info, const std::vector<ScenarioResult>& scenarios,
                          const RunSummary& summary);

}  // namespace authconform::reports
