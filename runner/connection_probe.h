// Whether a target serves connections side by side. A server that takes one
// connection at a time (Python's http.server without threads, speaking
// HTTP/1.1, is the common case) keeps reading an idle kept-alive connection
// and leaves every other one unanswered: run that way, a checker that keeps
// its connections alive would see its second connection time out and call a
// correct target broken. Such a target is spoken to with one connection per
// request instead (HttpOptions::one_connection).
#pragma once

#include "runner/http_client.h"

namespace authconform::runner {

enum class ConnectionSharing {
  side_by_side,  // a second connection is answered while the first stays open
  one_at_a_time, // it is answered only once the first is closed
  unknown,       // the probe could not tell (no answer, or a failure other than a timeout)
};

// Sends `GET` of the target's root URL (any answer will do) on a connection
// kept open, then on a second one; if that times out, closes the first and
// sends a third. Each gets `probe_timeout_s` (or the request timeout, when
// shorter), so a target that hangs costs the probe at most three of them.
ConnectionSharing probe_connection_sharing(const HttpOptions& options, double probe_timeout_s = 2.0);

}  // namespace authconform::runner
