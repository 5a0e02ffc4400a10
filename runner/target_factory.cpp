#include "runner/target_factory.h"

#include "runner/connection_probe.h"
#include "runner/model_target.h"
#include "runner/profile.h"
#include "target/reference_server.h"

#include <ostream>

namespace authconform::runner {

TargetHandle::TargetHandle() = default;
TargetHandle::TargetHandle(TargetHandle&&) noexcept = default;
// The target (its connections) goes before the server it talks to.
TargetHandle::~TargetHandle() {
  m_target.reset();
  m_embedded.reset();
}

void add_target_options(po::options_description& options) {
  options.add_options()
    ("target", po::value<std::string>()->default_value(""),
     "model, or the target's root URL (http:// or https://); default: the embedded reference server")
    ("profile", po::value<std::string>()->default_value(""),
     "profile YAML mapping operations to HTTP (default: profiles/zendesk.yaml)")
    ("mutant", po::value<std::string>()->default_value(""),
     "embedded target only: inject this bug (see 'authconform serve --list-mutants')")
    ("connect-timeout", po::value<double>()->default_value(5.0), "seconds to connect")
    ("request-timeout", po::value<double>()->default_value(10.0), "seconds for one request")
    ("max-body", po::value<std::size_t>()->default_value(1 << 20), "largest response body, in bytes")
    ("ca-file", po::value<std::string>()->default_value(""), "CA bundle to verify HTTPS targets")
    ("insecure", po::bool_switch(), "do NOT verify HTTPS certificates (testing only)")
    ("http-client", po::value<std::string>()->default_value("builtin"),
     "who speaks HTTP/1.1 to an http:// target: builtin (fast; docs/performance.md) or httplib "
     "(cpp-httplib, as for https://); a fallback should a target's answers trip the builtin one")
    ("one-connection", po::bool_switch(),
     "send each request on a connection of its own, closed after the answer, for a target that serves "
     "one connection at a time or closes connections without saying so (found by a probe otherwise: "
     "docs/profiles.md, \"Connections\")");
}

TargetOptions target_options_from(const po::variables_map& vm) {
  TargetOptions o;
  o.target = vm["target"].as<std::string>();
  o.profile = vm["profile"].as<std::string>();
  o.mutant = vm["mutant"].as<std::string>();
  o.http.connect_timeout_s = vm["connect-timeout"].as<double>();
  o.http.request_timeout_s = vm["request-timeout"].as<double>();
  o.http.max_body_bytes = vm["max-body"].as<std::size_t>();
  o.http.ca_file = vm["ca-file"].as<std::string>();
  o.http.insecure = vm["insecure"].as<bool>();
  o.http.one_connection = vm["one-connection"].as<bool>();
  const std::string client = vm["http-client"].as<std::string>();
  if (client != "builtin" && client != "httplib")
    throw UsageError("--http-client must be builtin or httplib, not '" + client + "'");
  o.http.engine = client == "builtin" ? HttpEngine::builtin : HttpEngine::httplib;
  o.policy = policy_from(vm);
  if (o.http.connect_timeout_s <= 0 || o.http.request_timeout_s <= 0)
    throw UsageError("timeouts must be positive numbers of seconds");
  if (!o.mutant.empty() && !o.target.empty())
    throw UsageError("--mutant applies to the embedded target only; drop --target, or start "
                     "'authconform serve --mutant " + o.mutant + "' and point --target at it");
  return o;
}

namespace {

// A target that serves one connection at a time, or closes connections
// unannounced, gets one connection per request, said once on `err` and in
// the description (so in every report).
void adapt_to_connection_sharing(HttpOptions& http, std::string& description, std::ostream& err) {
  if (!http.one_connection) {
    const ConnectionSharing sharing = probe_connection_sharing(http);
    if (sharing == ConnectionSharing::one_at_a_time)
      err << "note: " << http.url << " answered a second connection only once the first was closed: it "
             "serves one connection at a time, so each request now goes on a connection of its own "
             "(as with --one-connection)\n";
    else if (sharing == ConnectionSharing::closes_unannounced)
      err << "note: " << http.url << " closed the connection after its answer without saying so "
             "(Connection: close), so each request now goes on a connection of its own (as with "
             "--one-connection), never into a connection that is closing\n";
    else
      return;
    http.one_connection = true;
  }
  description += " (one connection per request)";
}

Profile load_profile_or_throw(const std::string& path, std::ostream& err) {
  const std::string file = path.empty() ? default_profile_path() : path;
  ProfileLoad load = load_profile_file(file);
  for (const LoadError& e : load.errors) err << e.format() << "\n";
  if (!load.profile) throw UsageError("the profile '" + file + "' does not load (errors above)");
  return std::move(*load.profile);
}

}  // namespace

TargetHandle open_target(const TargetOptions& options, std::ostream& err) {
  TargetHandle handle;
  if (options.target == "model") {
    if (!options.profile.empty()) throw UsageError("--profile does not apply to --target model");
    handle.m_target = std::make_unique<ModelTarget>(options.policy);
    handle.description = "model";
    return handle;
  }
  handle.profile_name = options.profile.empty() ? default_profile_path() : options.profile;
  Profile profile = load_profile_or_throw(options.profile, err);
  HttpOptions http = options.http;
  if (options.target.empty()) {
    target::ServerOptions server_options;
    server_options.policy = options.policy;
    server_options.mutant = options.mutant;
    handle.m_embedded = std::make_unique<target::ReferenceServer>(server_options);
    handle.m_embedded->start();
    http.url = handle.m_embedded->url();
    handle.description = "embedded reference server (" + http.url + ")";
    if (!options.mutant.empty()) handle.description += " with mutant " + options.mutant;
  } else {
    if (options.target.rfind("http://", 0) != 0 && options.target.rfind("https://", 0) != 0)
      throw UsageError("--target '" + options.target + "' is neither 'model' nor an http:// or https:// URL");
    http.url = options.target;
    handle.description = options.target;
    if (http.insecure)
      err << "WARNING: --insecure: HTTPS certificates are NOT verified; results prove nothing "
             "about who answered.\n";
    adapt_to_connection_sharing(http, handle.description, err);
  }
  handle.m_target = make_http_target(http, std::move(profile));
  return handle;
}

}  // namespace authconform::runner
