#include "runner/connection_probe.h"

#include <algorithm>
#include <memory>

namespace authconform::runner {

ConnectionSharing probe_connection_sharing(const HttpOptions& options, double probe_timeout_s, double close_wait_s) {
  HttpOptions quick = options;
  quick.one_connection = false;
  quick.request_timeout_s = std::min(options.request_timeout_s, probe_timeout_s);
  const ParsedUrl root = parse_url(options.url);
  const HttpRequest probe{"GET", root.prefix.empty() ? "/" : root.prefix, {}, ""};

  auto first = std::make_unique<HttpClient>(root, quick);
  if (!first->send(probe).response) return ConnectionSharing::unknown;
  if (first->closes_unannounced(close_wait_s)) return ConnectionSharing::closes_unannounced;
  // The first connection stays open (unless the target closed it after an
  // answer that said so, as an HTTP/1.0 server does; then nothing is held
  // and the second is answered).
  const HttpResult second = HttpClient(root, quick).send(probe);
  if (second.response) return ConnectionSharing::side_by_side;
  const bool timed_out = second.failure->kind == TargetError::Kind::timeout;
  if (!timed_out) return ConnectionSharing::unknown;
  first.reset();  // closing it lets such a server go on to the next connection
  HttpOptions alone = quick;
  alone.one_connection = true;
  return HttpClient(root, alone).send(probe).response ? ConnectionSharing::one_at_a_time : ConnectionSharing::unknown;
}

}  // namespace authconform::runner
