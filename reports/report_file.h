// The common shape of the file writers: keep every event, render the whole
// report once the run ends, and replace the file atomically. Internal to
// reports/.
#pragma once

#include "reports/listener.h"

#include <string>
#include <vector>

namespace authconform::reports {

class ReportFile : public RunListener {
 public:
  explicit ReportFile(std::string path) : m_path(std::move(path)) {}

  void on_run_start(const RunInfo& info) override { m_info = info; }
  void on_scenario_end(const ScenarioResult& result) override { m_scenarios.push_back(result); }
  // Throws std::runtime_error when the file cannot be written.
  void on_run_end(const RunSummary& summary) override;

 protected:
  // The whole file, from the events kept so far.
  virtual std::string render(const RunSummary& summary) const = 0;
  const RunInfo& info() const { return m_info; }
  const std::vector<ScenarioResult>& scenarios() const { return m_scenarios; }

 private:
  std::string m_path;
  RunInfo m_info;
  std::vector<ScenarioResult> m_scenarios;
};

}  // namespace authconform::reports
