#include "reports/escape.h"

#include <array>
#include <cstdint>
#include <cstdio>

namespace authconform::reports {
namespace {

constexpr std::string_view k_replacement = "\xEF\xBF\xBD";  // U+FFFD

// The length of the valid UTF-8 sequence at the start of `bytes` and its code
// point; length 0 when the first byte does not start one (RFC 3629: no
// overlong forms, no surrogates, nothing above U+10FFFF).
struct Decoded {
  std::size_t length = 0;
  char32_t code_point = 0;
};

Decoded decode_one(std::string_view bytes) {
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(bytes[i]); };
  const std::uint8_t lead = byte(0);
  if (lead < 0x80) return {1, lead};
  std::size_t length = 0;
  char32_t cp = 0;
  char32_t min = 0;
  if ((lead & 0xE0) == 0xC0) { length = 2; cp = lead & 0x1F; min = 0x80; }
  else if ((lead & 0xF0) == 0xE0) { length = 3; cp = lead & 0x0F; min = 0x800; }
  else if ((lead & 0xF8) == 0xF0) { length = 4; cp = lead & 0x07; min = 0x10000; }
  else return {};
  if (bytes.size() < length) return {};
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return {};
    cp = (cp << 6) | (byte(i) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return {};
  return {length, cp};
}

std::string hex_escape(unsigned value, int digits, char kind) {
  std::array<char, 12> buffer{};
  std::snprintf(buffer.data(), buffer.size(), "\\%c%0*X", kind, digits, value);
  return buffer.data();
}

// Code points that would be interpreted rather than shown: C0 and C1
// controls, DEL, the non-characters XML forbids, and the bidirectional
// embeddings, overrides and isolates that can reorder what a reader sees.
bool hidden_effect(char32_t cp) {
  if (cp < 0x20) return cp != '\n' && cp != '\t';
  if (cp >= 0x7F && cp <= 0x9F) return true;
  if (cp == 0xFFFE || cp == 0xFFFF) return true;
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

std::string escape_references(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string to_valid_utf8(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  while (!bytes.empty()) {
    const Decoded d = decode_one(bytes);
    if (d.length == 0) {
      out += k_replacement;
      bytes.remove_prefix(1);
      continue;
    }
    out += bytes.substr(0, d.length);
    bytes.remove_prefix(d.length);
  }
  return out;
}

std::string printable(std::string_view bytes) {
  std::string out;
  out.reserve(bytes.size());
  while (!bytes.empty()) {
    const Decoded d = decode_one(bytes);
    if (d.length == 0) {
      out += hex_escape(static_cast<std::uint8_t>(bytes[0]), 2, 'x');
      bytes.remove_prefix(1);
    } else if (d.code_point == '\r' && bytes.size() > 1 && bytes[1] == '\n') {
      bytes.remove_prefix(1);  // CRLF: the LF follows
    } else if (!hidden_effect(d.code_point)) {
      out += bytes.substr(0, d.length);
      bytes.remove_prefix(d.length);
    } else {
      out += d.code_point < 0x80 ? hex_escape(d.code_point, 2, 'x')
                                 : hex_escape(d.code_point, 4, 'u');
      bytes.remove_prefix(d.length);
    }
  }
  return out;
}

std::string html_escape(std::string_view bytes) { return escape_references(printable(bytes)); }

std::string xml_escape(std::string_view bytes) { return escape_references(printable(bytes)); }

std::string markdown_escape(std::string_view bytes) {
  constexpr std::string_view k_markup = "\\`*_[]<>|~#&@";
  std::string out;
  for (char c : printable(bytes)) {
    if (c == '\n' || c == '\t') {
      out += ' ';
      continue;
    }
    if (k_markup.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

}  // namespace authconform::reports
