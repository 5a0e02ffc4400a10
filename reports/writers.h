// The report writers of `authconform run`: each is a RunListener fed the same
// events (add them to a FanOut). File writers write their file once, in
// on_run_end, atomically, and throw std::runtime_error (naming the file and
// the reason) when they cannot. Formats: docs/report-format.md.
#pragma once

#include "reports/atomic_file.h"
#include "reports/escape.h"
#include "reports/json_report.h"
#include "reports/listener.h"

#include <memory>
#include <ostream>
#include <string>

namespace authconform::reports {

// The caller decides colour and progress (only on a terminal); the writer
// honours them. quiet: only problem scenarios and the summary; verbose: every
// step of every shown scenario, and whole bodies instead of 200-byte excerpts.
struct ConsoleOptions {
  bool color = false;     // ANSI colours
  bool progress = false;  // a "\r[12/40] title" line while a scenario runs
  bool quiet = false;
  bool verbose = false;
  int scenario_count = 0;  // the 40 of [12/40]; 0: unknown, shown as [12]
};

// Writes to `out` as the run goes: a header, one line per scenario (details
// for problem steps), then the summary, the verdict and the unexercised rules.
std::unique_ptr<RunListener> make_console_writer(std::ostream& out, ConsoleOptions options);
// JUnit XML: one <testsuite> per scenario folder, one <testcase> per scenario.
std::unique_ptr<RunListener> make_junit_writer(std::string path);
// run_to_json (json_report.h), pretty-printed.
std::unique_ptr<RunListener> make_json_writer(std::string path);
// One self-contained HTML page (inline CSS, no script, no network reference).
std::unique_ptr<RunListener> make_html_writer(std::string path);
// A short summary fit for a pull-request comment.
std::unique_ptr<RunListener> make_markdown_writer(std::string path);

}  // namespace authconform::reports
