// Report files are replaced whole or not at all: a reader (a CI job, a
// browser) never sees half a report, even if the run is killed mid-write.
#pragma once

#include <string>
#include <string_view>

namespace authconform::reports {

// Writes `contents` to a temporary file in the folder of `path`, fsyncs it and
// renames it over `path` (mode 0644). Missing parent folders are created.
// Throws std::runtime_error naming the file and the system's reason on any
// failure; the temporary file is removed then and `path` is left as it was.
void write_file_atomically(const std::string& path, std::string_view contents);

}  // namespace authconform::reports
