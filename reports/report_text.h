// The wording the writers of reports/ share (run reports and certification),
// so that the console, JUnit, HTML and Markdown say the same thing about a
// run. Functions returning run text return it raw (to be escaped for the
// output) unless they say printable (escape.h).
#pragma once

#include "reports/results.h"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace authconform::reports {

// "TOK-5, PWD-3"; "-" for none.
std::string rule_codes(const std::vector<model::RuleId>& rules);
// model::to_string, or "-" when absent.
std::string outcome_text(const std::optional<model::Outcome>& outcome);
// Seconds with three decimals, as JUnit wants them: "1.234".
std::string seconds_text(double ms);
// For people: "850 ms", "1.23 s".
std::string duration_text(double ms);
// At most `limit` bytes (0: no limit), cut on a UTF-8 boundary, with
// " ... (N more bytes)" appended when cut.
std::string cut_text(std::string_view text, std::size_t limit);

// Steps that a report explains: failed, broken, error.
bool is_problem(StepStatus status);
int count_steps(const ScenarioResult& scenario, StepStatus status);
// PASS, FAIL, BROKEN, ERROR, FLAKY.
std::string_view status_label(ScenarioStatus status);
// "conformant", "not conformant", "inconclusive", "input error".
std::string_view verdict_label(RunVerdict verdict);
// "N scenarios: P passed, F failed, B broken, E errors" (", K flaky" when any).
std::string counts_line(const RunSummary& summary);
// The rules of the coverage map, in catalogue order; and those no step decided.
std::vector<model::RuleId> covered_rules(const RunSummary& summary);
std::vector<model::RuleId> unexercised_rules(const RunSummary& summary);
// "27 of 30 rules exercised"
std::string coverage_line(const RunSummary& summary);

// "step 3 (line 14): DESCRIPTION" (raw).
std::string step_heading(const StepResult& step);
// For a broken step: the scenario's expectation; otherwise the model's.
std::string expected_text(const StepResult& step);
// "METHOD URL" then one "Name: value" line per header (raw); "" for the
// model target.
std::string request_head_text(const StepResult& step);
// The head, then a blank line and the body when there is one (raw).
std::string request_text(const StepResult& step, std::size_t body_limit);
// "STATUS BODY" (raw); "" when nothing was received.
std::string response_text(const StepResult& step, std::size_t body_limit);
// The heading and labelled lines (message, sent, body, expected, model,
// observed, rules, received) of a problem step, each line prefixed by `indent`; printable.
std::string step_details(const StepResult& step, std::size_t body_limit, std::string_view indent);
// The scenario's message, else its first problem step's (raw).
std::string scenario_message(const ScenarioResult& scenario);

}  // namespace authconform::reports
