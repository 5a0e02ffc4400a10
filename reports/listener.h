// Reporting goes through one listener interface; a FanOut sends every event to
// many writers (console, JUnit, JSON, HTML, Markdown).
#pragma once

#include "reports/results.h"

#include <memory>
#include <vector>

namespace authconform::reports {

class RunListener {
 public:
  virtual ~RunListener() = default;
  virtual void on_run_start(const RunInfo&) {}
  virtual void on_scenario_start(const std::string& /*path*/, const std::string& /*title*/) {}
  virtual void on_scenario_end(const ScenarioResult&) {}
  // Called once, after the last scenario; writers write their files here.
  virtual void on_run_end(const RunSummary&) {}
};

class FanOut final : public RunListener {
 public:
  void add(std::unique_ptr<RunListener> listener) { m_listeners.push_back(std::move(listener)); }
  void on_run_start(const RunInfo& info) override {
    for (auto& l : m_listeners) l->on_run_start(info);
  }
  void on_scenario_start(const std::string& path, const std::string& title) override {
    for (auto& l : m_listeners) l->on_scenario_start(path, title);
  }
  void on_scenario_end(const ScenarioResult& result) override {
    for (auto& l : m_listeners) l->on_scenario_end(result);
  }
  void on_run_end(const RunSummary& summary) override {
    for (auto& l : m_listeners) l->on_run_end(summary);
  }

 private:
  std::vector<std::unique_ptr<RunListener>> m_listeners;
};

}  // namespace authconform::reports
