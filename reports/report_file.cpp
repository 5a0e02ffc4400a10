#include "reports/report_file.h"

#include "reports/atomic_file.h"

namespace authconform::reports {

void ReportFile::on_run_end(const RunSummary& summary) {
  write_file_atomically(m_path, render(summary));
}

}  // namespace authconform::reports
