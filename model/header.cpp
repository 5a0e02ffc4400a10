#include "model/header.h"

#include "model/overloaded.h"

#include <array>
#include <cstdint>

namespace authconform::model {
namespace {

constexpr std::string_view k_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int base64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

char lower_ascii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool is_space(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::optional<ParsedHeader> parse_basic(std::string_view value) {
  auto decoded = decode_base64_strict(value);
  if (!decoded || !is_valid_utf8(*decoded)) return std::nullopt;
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return std::nullopt;
  ParsedHeader parsed;
  parsed.login = decoded->substr(0, colon);
  parsed.secret = decoded->substr(colon + 1);
  if (parsed.login.ends_with(k_token_suffix)) {
    parsed.kind = ParsedHeader::Kind::token;
    parsed.login.resize(parsed.login.size() - k_token_suffix.size());
  }
  return parsed;
}

}  // namespace

bool iequals_ascii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower_ascii(a[i]) != lower_ascii(b[i])) return false;
  return true;
}

std::optional<std::string> decode_base64_strict(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    std::array<int, 4> v{};
    int pads = 0;
    for (int k = 0; k < 4; ++k) {
      const char c = text[i + k];
      if (c == '=' && last && k >= 2) {
        ++pads;
        v[k] = 0;
        continue;
      }
      if (pads > 0) return std::nullopt;  // data after padding
      v[k] = base64_value(c);
      if (v[k] < 0) return std::nullopt;
    }
    // The bits that padding drops are ignored, as RFC 4648 §3.5 lets decoders
    // do: the spec asks for the alphabet, padding and no whitespace, no more
    // (docs/spec-choices.md C14).
    const std::uint32_t n = (v[0] << 18) | (v[1] << 12) | (v[2] << 6) | v[3];
    out.push_back(static_cast<char>(n >> 16));
    if (pads < 2) out.push_back(static_cast<char>((n >> 8) & 0xFF));
    if (pads < 1) out.push_back(static_cast<char>(n & 0xFF));
  }
  return out;
}

std::string encode_base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const std::uint32_t n = (std::uint8_t(bytes[i]) << 16) | (std::uint8_t(bytes[i + 1]) << 8) |
                            std::uint8_t(bytes[i + 2]);
    out += {k_alphabet[n >> 18], k_alphabet[(n >> 12) & 63], k_alphabet[(n >> 6) & 63],
            k_alphabet[n & 63]};
  }
  if (i + 1 == bytes.size()) {
    const std::uint32_t n = std::uint8_t(bytes[i]) << 16;
    out += {k_alphabet[n >> 18], k_alphabet[(n >> 12) & 63], '=', '='};
  } else if (i + 2 == bytes.size()) {
    const std::uint32_t n = (std::uint8_t(bytes[i]) << 16) | (std::uint8_t(bytes[i + 1]) << 8);
    out += {k_alphabet[n >> 18], k_alphabet[(n >> 12) & 63], k_alphabet[(n >> 6) & 63], '='};
  }
  return out;
}

bool is_valid_utf8(std::string_view bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto c = static_cast<std::uint8_t>(bytes[i]);
    int extra = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { extra = 1; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { extra = 2; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { extra = 3; cp = c & 0x07; }
    else return false;
    if (i + extra >= bytes.size()) return false;  // truncated sequence
    for (int k = 1; k <= extra; ++k) {
      const auto cc = static_cast<std::uint8_t>(bytes[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    static constexpr std::uint32_t k_min[] = {0, 0x80, 0x800, 0x10000};
    if (cp < k_min[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += extra + 1;
  }
  return true;
}

std::optional<ParsedHeader> parse_authorization(std::string_view header) {
  header = trim(header);
  // The scheme is followed by one or more spaces (not tabs: a tab makes the
  // scheme unknown).
  const std::size_t end = header.find(' ');
  if (end == std::string_view::npos) return std::nullopt;
  const std::string_view scheme = header.substr(0, end);
  const std::string_view value = trim(header.substr(end));
  if (iequals_ascii(scheme, "basic")) return parse_basic(value);
  if (iequals_ascii(scheme, "bearer")) {
    if (value.empty()) return std::nullopt;
    return ParsedHeader{ParsedHeader::Kind::bearer, {}, std::string(value)};
  }
  return std::nullopt;
}

std::string symbolic_secret(std::string_view kind, std::string_view name) {
  // No ':' inside: a model secret must not split a Basic credential where a
  // real secret (hex) would not.
  std::string s = "\x02";
  s += kind;
  s += '\x02';
  s += name;
  s += '\x03';
  return s;
}

std::string_view symbolic_secret_name(std::string_view secret, std::string_view kind) {
  const std::size_t head = kind.size() + 2;  // \x02KIND\x02
  if (secret.size() < head + 1 || secret[0] != '\x02' || secret.substr(1, kind.size()) != kind ||
      secret[head - 1] != '\x02' || secret.back() != '\x03')
    return {};
  return secret.substr(head, secret.size() - head - 1);
}

std::size_t find_closing_brace(std::string_view text, std::size_t from) {
  int depth = 1;
  for (std::size_t i = from; i < text.size(); ++i) {
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '{') { ++depth; ++i; }
    else if (text[i] == '}' && --depth == 0) return i;
  }
  return std::string_view::npos;
}

std::string swap_case(std::string_view text) {
  std::string out(text);
  bool swapped = false;
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    else if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    else continue;
    swapped = true;
  }
  if (!swapped) out += '~';
  return out;
}

std::string chop_last(std::string_view text) {
  if (text.empty()) return {};
  std::size_t cut = text.size() - 1;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // a continuation byte
  return std::string(text.substr(0, cut));
}

namespace {

std::string apply_nested(std::string_view kind, const std::string& plain) {
  if (kind == "base64") return encode_base64(plain);
  if (kind == "swapcase") return swap_case(plain);
  return chop_last(plain);
}

bool expand_into(std::string_view text, const SecretResolver& resolve, std::string& out,
                 std::string* error) {
  const auto literal = [&](std::string_view part) {
    out += part;
    return true;
  };
  const auto placeholder = [&](std::string_view kind, std::string_view arg) {
    if (!is_nested_placeholder(kind)) {
      out += resolve(kind, arg);
      return true;
    }
    std::string plain;
    if (!expand_into(arg, resolve, plain, error)) return false;
    out += apply_nested(kind, plain);
    return true;
  };
  return walk_header_template(text, literal, placeholder, error);
}

}  // namespace

std::optional<std::string> expand_header_template(std::string_view text,
                                                  const SecretResolver& resolve,
                                                  std::string* error) {
  std::string out;
  if (!expand_into(text, resolve, out, error)) return std::nullopt;
  return out;
}

std::optional<std::string> render_authorization(const Credential& credential,
                                                const SecretResolver& resolve,
                                                std::string* error) {
  return std::visit(
      Overloaded{
          [](const NoCredential&) -> std::optional<std::string> { return std::nullopt; },
          [&](const PasswordCredential& c) -> std::optional<std::string> {
            auto email = expand_header_template(c.email, resolve, error);
            if (!email) return std::nullopt;
            return "Basic " + encode_base64(*email + ":" + c.password);
          },
          [&](const TokenCredential& c) -> std::optional<std::string> {
            auto email = expand_header_template(c.email, resolve, error);
            if (!email) return std::nullopt;
            return "Basic " + encode_base64(*email + "/token:" + resolve("token", c.token));
          },
          [&](const OAuthCredential& c) -> std::optional<std::string> {
            return "Bearer " + resolve("oauth", c.oauth);
          },
          [&](const RawCredential& c) -> std::optional<std::string> {
            return expand_header_template(c.header, resolve, error);
          },
      },
      credential);
}

std::optional<std::string_view> lone_email_placeholder(std::string_view email) {
  constexpr std::string_view k_open = "${email:";
  const std::size_t last = email.size() - 1;
  if (!email.starts_with(k_open) || email.find_first_of("${}", k_open.size()) != last || email[last] != '}')
    return std::nullopt;
  return email.substr(k_open.size(), last - k_open.size());
}

bool splits_back(std::string_view login, std::string_view secret) {
  return login.find(':') == std::string_view::npos && is_valid_utf8(login) && is_valid_utf8(secret);
}

namespace {

// The email of a structured credential when it is plain text or exactly one
// "${email:NAME}"; nullopt when only the template expander can tell.
std::optional<std::string> simple_email(std::string_view email, const SecretResolver& resolve) {
  if (email.find("${") == std::string_view::npos) return std::string(email);
  const std::optional<std::string_view> user = lone_email_placeholder(email);
  if (!user) return std::nullopt;
  return resolve("email", *user);
}

// The direct reading of a structured credential; false when the slow path must decide.
bool parse_directly(const Credential& credential, const SecretResolver& resolve, std::optional<ParsedHeader>& out) {
  if (const auto* o = std::get_if<OAuthCredential>(&credential)) {
    const std::string secret = resolve("oauth", o->oauth);
    const std::string_view value = trim(secret);
    out = value.empty() ? std::nullopt : std::optional(ParsedHeader{ParsedHeader::Kind::bearer, {}, std::string(value)});
    return true;
  }
  if (const auto* p = std::get_if<PasswordCredential>(&credential)) {
    auto email = simple_email(p->email, resolve);
    if (!email || email->ends_with(k_token_suffix) || !splits_back(*email, p->password)) return false;
    out = ParsedHeader{ParsedHeader::Kind::password, std::move(*email), p->password};
    return true;
  }
  if (const auto* t = std::get_if<TokenCredential>(&credential)) {
    auto email = simple_email(t->email, resolve);
    std::string secret = resolve("token", t->token);
    if (!email || !splits_back(*email, secret)) return false;
    out = ParsedHeader{ParsedHeader::Kind::token, std::move(*email), std::move(secret)};
    return true;
  }
  return false;
}

}  // namespace

std::optional<ParsedHeader> parse_credential(const Credential& credential, const SecretResolver& resolve) {
  std::optional<ParsedHeader> parsed;
  if (parse_directly(credential, resolve, parsed)) return parsed;
  const auto header = render_authorization(credential, resolve);
  return header ? parse_authorization(*header) : std::nullopt;
}

}  // namespace authconform::model
