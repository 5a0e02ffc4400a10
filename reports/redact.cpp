#include "reports/redact.h"

namespace authconform::reports {

std::string redact(std::string_view secret, std::string_view prefix) {
  std::string out(prefix);
  out += "\u2026";
  if (secret.size() >= 16) out += secret.substr(secret.size() - 4);
  return out;
}

std::string redact_all(std::string text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (secret.empty()) continue;
    const std::string replacement = redact(secret);
    for (auto pos = text.find(secret); pos != std::string::npos;
         pos = text.find(secret, pos + replacement.size()))
      text.replace(pos, secret.size(), replacement);
  }
  return text;
}

}  // namespace authconform::reports
