// Faults the reference server can be started with (`serve --fault MODE`), to
// show that the harness survives a hostile target: each mode breaks the
// transport or the answers of the account API in one way, and the harness must
// end within its timeouts with exit 3 and say what the target did
// (docs/faults.md). The fixture interface is never faulted, so a run gets its
// accounts and meets the fault on its first API request.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace authconform::target {

enum class FaultMode {
  none,
  stall,       // reads the request, never answers (until the client gives up or the server stops)
  reset,       // reads the request, then resets the connection (RST) without an answer
  non_json,    // 200 with an HTML body
  oversize,    // 200 with a body larger than the harness's 1 MiB response limit
  short_body,  // the real answer, but Content-Length promises more than is sent; then close
  status_500,  // 500 Internal Server Error
  slow_bytes,  // the real answer, one byte at a time, too slowly to finish before any timeout
  other_account,  // users/me shows a user of another account
};

struct FaultInfo {
  FaultMode mode;
  std::string_view name;         // kebab-case, as `--fault` takes it
  std::string_view description;  // what the server does, one line
};

// Every mode but `none`, in the order of docs/faults.md.
std::span<const FaultInfo> all_faults();

// "" is `none`. Throws std::invalid_argument for an unknown name: the message
// quotes it, suggests the closest name and lists the valid ones.
FaultMode fault_from_name(std::string_view name);
std::string_view fault_name(FaultMode mode);  // "" for none

// Whether `path` (query included or not) is on the fixture interface of either
// variant (/conformance/... for zendesk, /fixtures/... for acme): never faulted.
bool is_fixture_path(std::string_view path);

// The body size of `oversize`: twice the harness's default limit.
inline constexpr std::size_t k_oversize_body_bytes = std::size_t{2} << 20;
// The pause of `slow-bytes` between two bytes: far below any sensible read
// timeout, so that only a deadline on the whole answer catches it.
inline constexpr int k_slow_byte_interval_ms = 100;
// The padding header `slow-bytes` adds, so that the answer takes at least
// k_slow_padding_bytes * k_slow_byte_interval_ms (60 s) whatever its size.
inline constexpr std::size_t k_slow_padding_bytes = 600;
// What `short-body` adds to the Content-Length it announces.
inline constexpr std::size_t k_short_body_missing_bytes = 64;
// The user `other-account` shows on users/me: not in any account the server
// made (account user IDs are small; this one is not reached in practice).
inline constexpr long long k_foreign_user_id = 987654321;
inline constexpr std::string_view k_foreign_user_email = "intruder@other-account.test";

}  // namespace authconform::target
