// Builds the target a command runs against from its options: the model, a
// URL through a profile, or (by default) the reference server started
// in-process on an ephemeral loopback port.
#pragma once

#include "runner/cli_options.h"
#include "runner/http_target.h"
#include "runner/target.h"

#include <memory>
#include <string>

namespace authconform::target {
class ReferenceServer;
}

namespace authconform::runner {

struct TargetOptions {
  std::string target;   // "" (embedded), "model", or a URL
  std::string profile;  // path; "" for the default zendesk profile
  std::string mutant;   // embedded target only
  HttpOptions http;
  model::PolicyConfig policy;
};

class TargetHandle {
 public:
  TargetHandle();
  TargetHandle(TargetHandle&&) noexcept;
  ~TargetHandle();
  Target& target() { return *m_target; }
  std::string description;   // "model", the URL, or "embedded reference server (URL)"
  std::string profile_name;  // profile path, "" for the model

 private:
  friend TargetHandle open_target(const TargetOptions& options, std::ostream& err);
  std::unique_ptr<target::ReferenceServer> m_embedded;
  std::unique_ptr<Target> m_target;
};

void add_target_options(po::options_description& options);
TargetOptions target_options_from(const po::variables_map& vm);
// Throws UsageError for bad options or a profile that does not load (its
// errors are printed to `err` first).
TargetHandle open_target(const TargetOptions& options, std::ostream& err);

}  // namespace authconform::runner
