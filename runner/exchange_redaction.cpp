#include "runner/exchange_redaction.h"

#include "model/header.h"
#include "reports/redact.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace authconform::runner {
namespace {

constexpr std::size_t k_short_secret = 8;
constexpr std::string_view k_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool contains_plain(std::string_view text, const std::vector<std::string>& secrets) {
  return std::any_of(secrets.begin(), secrets.end(), [&](const std::string& s) {
    return !s.empty() && text.find(s) != std::string_view::npos;
  });
}

// The base64 characters that depend on `secret` alone, wherever it starts in
// the encoded text (three alignments); shorter ones are left to decoding.
bool contains_encoded(std::string_view text, const std::string& secret) {
  for (std::size_t k = 0; k < 3; ++k) {
    const std::string encoded = model::encode_base64(std::string(k, '\0') + secret);
    const std::size_t first = (8 * k + 5) / 6;
    const std::size_t end = 8 * (k + secret.size()) / 6;
    if (end < first + 4) continue;
    if (text.find(encoded.substr(first, end - first)) != std::string_view::npos) return true;
  }
  return false;
}

// Decodes every run of base64 characters at each of four offsets, whatever
// its padding, and looks for a secret in the bytes.
bool contains_decoded(std::string_view text, const std::vector<std::string>& secrets) {
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t start = text.find_first_of(k_alphabet, i);
    if (start == std::string_view::npos) break;
    std::size_t end = text.find_first_not_of(k_alphabet, start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view run = text.substr(start, end - start);
    for (std::size_t offset = 0; offset < 4 && offset < run.size(); ++offset) {
      const std::string_view part = run.substr(offset, (run.size() - offset) / 4 * 4);
      if (auto decoded = model::decode_base64_strict(part); decoded && contains_plain(*decoded, secrets))
        return true;
    }
    i = end;
  }
  return false;
}

bool holds_secret(std::string_view text, const std::vector<std::string>& secrets) {
  if (contains_plain(text, secrets) || contains_decoded(text, secrets)) return true;
  return std::any_of(secrets.begin(), secrets.end(),
                     [&](const std::string& s) { return !s.empty() && contains_encoded(text, s); });
}

void replace_all(std::string& text, std::string_view from, std::string_view to) {
  if (from.empty()) return;
  for (auto pos = text.find(from); pos != std::string::npos; pos = text.find(from, pos + to.size()))
    text.replace(pos, from.size(), to);
}

std::string json_escaped(const std::string& s) {
  const std::string dumped =
      nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return dumped.substr(1, dumped.size() - 2);
}

// What a malformed value holding a secret may show before "…(redacted)": its
// first word and a space, when a separator follows it and it holds no secret; else
// the Basic or Bearer it starts with, as written (`BearerSECRET` has no
// separator, so its first word is the whole value); else nothing.
std::string shown_prefix(std::string_view trimmed, const std::vector<std::string>& secrets) {
  const std::size_t word_end = std::min(trimmed.find_first_of(" \t"), trimmed.size());
  const std::string_view word = trimmed.substr(0, word_end);
  if (word_end < trimmed.size() && !holds_secret(word, secrets)) return std::string(word) + " ";
  for (std::string_view scheme : {"Bearer", "Basic"})
    if (model::iequals_ascii(word.substr(0, scheme.size()), scheme)) return std::string(word.substr(0, scheme.size()));
  return {};
}

}  // namespace

std::string redact_secrets(std::string text, const std::vector<std::string>& secrets) {
  std::vector<std::string> sorted = secrets;
  // Longest first, so that a secret holding another is replaced whole.
  std::sort(sorted.begin(), sorted.end(),
            [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
  for (const std::string& secret : sorted) {
    if (secret.empty()) continue;
    const std::string redacted = reports::redact(secret);
    for (const std::string& form : {secret, json_escaped(secret)}) {
      if (secret.size() >= k_short_secret)
        replace_all(text, form, redacted);
      else
        replace_all(text, "\"" + form + "\"", "\"" + redacted + "\"");
    }
  }
  return text;
}

std::string redact_authorization(std::string_view header, const std::vector<std::string>& secrets) {
  const std::string_view trimmed = trim(header);
  const std::string scheme(trimmed.substr(0, trimmed.find_first_of(" \t")));
  const auto parsed = model::parse_authorization(header);
  if (!parsed) {
    if (holds_secret(trimmed, secrets)) return shown_prefix(trimmed, secrets) + "\u2026(redacted)";
    return std::string(header);
  }
  if (parsed->kind == model::ParsedHeader::Kind::bearer)
    return scheme + " " + reports::redact(parsed->secret);
  std::string login = parsed->login;
  if (holds_secret(login, secrets)) login = reports::redact(login);
  if (parsed->kind == model::ParsedHeader::Kind::token) login += model::k_token_suffix;
  return scheme + " base64(\"" + login + ":" + reports::redact(parsed->secret) + "\")";
}

std::string truncate_for_report(std::string text, std::size_t limit) {
  if (text.size() <= limit) return text;
  const std::size_t total = text.size();
  std::size_t cut = limit;
  // Never split a UTF-8 sequence: back up to the start of the character.
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  text.resize(cut);
  text += "\u2026(" + std::to_string(total) + " bytes in all)";
  return text;
}

}  // namespace authconform::runner
