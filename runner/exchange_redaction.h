// What an HTTP exchange may show in reports: secrets (token and OAuth
// secrets, passwords) replaced by their reports::redact form, in clear text
// and inside base64 alike, and bodies cut to a size a report can hold.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace authconform::runner {

inline constexpr std::size_t k_report_body_limit = 2048;

// An Authorization value for reports. Well-formed Basic values are shown
// decoded, as `Basic base64("ann@x.test/token:…3f9a")`, Bearer values as
// `Bearer …3f9a`; a malformed value is shown as written unless it holds a
// secret in any form, then as `SCHEME …(redacted)`, where SCHEME is its first
// word if that holds no secret (`Bearer…(redacted)` for `BearerSECRET`).
std::string redact_authorization(std::string_view header, const std::vector<std::string>& secrets);

// Every secret replaced by its redacted form. Secrets shorter than 8
// characters are replaced only where they are a whole JSON string ("pw"), so
// that a short password does not mangle unrelated text.
std::string redact_secrets(std::string text, const std::vector<std::string>& secrets);

// At most `limit` bytes (cut at a UTF-8 boundary) plus a note of the size.
std::string truncate_for_report(std::string text, std::size_t limit = k_report_body_limit);

}  // namespace authconform::runner
