// How a target treats connections, where keeping them alive would make a
// correct target look broken; such a target is spoken to with one connection
// per request instead (HttpOptions::one_connection).
// - A server that takes one connection at a time (Python's http.server
//   without threads, speaking HTTP/1.1, is the common case) keeps reading an
//   idle kept-alive connection and leaves every other one unanswered: a
//   checker's second connection times out.
// - A server that closes each connection after its answer without saying so
//   (no `Connection: close`, which RFC 9112 §9.6 asks for; hand-written
//   servers often omit it): a request sent before the close arrives is lost,
//   and one that is not safe to send again (a POST) fails.
#pragma once

#include "runner/http_client.h"

namespace authconform::runner {

enum class ConnectionSharing {
  side_by_side,        // a second connection is answered while the first stays open
  one_at_a_time,       // it is answered only once the first is closed
  closes_unannounced,  // the first was closed after its answer, unannounced
  unknown,             // the probe could not tell (no answer, or a failure other than a timeout)
};

// Sends `GET` of the target's root URL (any answer will do) on a connection
// kept open, and waits `close_wait_s` for the target to close it unannounced;
// then sends it on a second connection; if that times out, closes the first
// and sends a third. Each request gets `probe_timeout_s` (or the request
// timeout, when shorter), so a target that hangs costs at most three of them.
ConnectionSharing probe_connection_sharing(const HttpOptions& options, double probe_timeout_s = 2.0,
                                           double close_wait_s = 0.1);

}  // namespace authconform::runner
