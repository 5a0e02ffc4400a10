// Secrets never appear in output: this is their only printable form.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace authconform::reports {

// "tok_…3f9a" style: a kind prefix, an ellipsis and at most the last 4
// characters, and only when the secret is long enough (>= 16) that 4
// characters give nothing away; shorter secrets show no character at all.
std::string redact(std::string_view secret, std::string_view prefix = "");

// Replaces every occurrence of each secret in `text` by its redacted form.
std::string redact_all(std::string text, const std::vector<std::string>& secrets);

}  // namespace authconform::reports
