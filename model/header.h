// The Authorization header, both ways: reading it as spec/policy.md §1 says,
// and writing it from a credential (with the model's symbolic secrets, or a
// target's real ones).
#pragma once

#include "model/request.h"

#include <functional>
#include <optional>
#include <cstddef>
#include <string>
#include <string_view>

namespace authconform::model {

// A well-formed header, decoded. A `/token` login selects the token path.
struct ParsedHeader {
  enum class Kind : unsigned char { password, token, bearer } kind = Kind::password;
  std::string login;   // the email (without "/token"); empty for bearer
  std::string secret;  // password, token secret or bearer secret
  bool operator==(const ParsedHeader&) const = default;
};

// Scheme without case, one or more spaces, value trimmed; Basic values are
// strict base64 of UTF-8 text split at the first ':'. nullopt: malformed (ANO-2).
std::optional<ParsedHeader> parse_authorization(std::string_view header);

// Strict RFC 4648 §4 base64 (padding required, no whitespace); nullopt otherwise.
std::optional<std::string> decode_base64_strict(std::string_view text);
std::string encode_base64(std::string_view bytes);
// TEXT with every ASCII letter in the other case; TEXT without an ASCII
// letter gets a '~' appended: the result never equals TEXT (a near miss of a
// secret, for ${swapcase:...}).
std::string swap_case(std::string_view text);
// TEXT without its last character (a whole UTF-8 sequence): a prefix of a
// secret, the near miss a target that compares only the bytes it was given
// takes (for ${chop:...}); "" stays "".
std::string chop_last(std::string_view text);
bool is_valid_utf8(std::string_view bytes);
// The login suffix that selects the token path (TOK-4): "EMAIL/token:SECRET".
inline constexpr std::string_view k_token_suffix = "/token";
bool iequals_ascii(std::string_view a, std::string_view b);

// Where a credential names a secret or an email, the resolver supplies it.
// The model's resolver gives symbolic secrets; an HTTP target's gives the real
// ones it received. `kind` is "token", "oauth" or "email".
using SecretResolver = std::function<std::string(std::string_view kind, std::string_view name)>;

// The header value a credential sends; nullopt for NoCredential. For a
// RawCredential, `error` (when not null) receives a message about a bad
// template and nullopt is returned.
std::optional<std::string> render_authorization(const Credential& credential,
                                                const SecretResolver& resolve,
                                                std::string* error = nullptr);

// What a target reads from the header a credential sends: the same as
// parse_authorization(render_authorization(credential, resolve)), but a
// password, token or OAuth credential whose email is plain or one ${email:}
// is read without building and decoding the header (the model decides every
// request through this, so it is on the fuzzer's hot path). nullopt for
// NoCredential, a bad template, or a header parse_authorization refuses.
std::optional<ParsedHeader> parse_credential(const Credential& credential, const SecretResolver& resolve);

// The fast readings of structured credentials (parse_credential here, the
// model's identify) share these two tests of when reading directly is exact:
// - the user NAME when `email` is exactly "${email:NAME}", else nullopt (an
//   email with no "${" is plain text; with other placeholders only the
//   template expander can tell);
std::optional<std::string_view> lone_email_placeholder(std::string_view email);
// - whether "LOGIN:SECRET" decodes back into exactly LOGIN and SECRET.
bool splits_back(std::string_view login, std::string_view secret);

// The '}' that closes a placeholder opened before `from` in a header
// template, nested ${...} allowed (for ${base64:...}); npos when none does.
std::size_t find_closing_brace(std::string_view text, std::size_t from);

// The placeholders whose argument is itself a template: ${base64:}, ${swapcase:} and ${chop:}.
inline bool is_nested_placeholder(std::string_view kind) {
  return kind == "base64" || kind == "swapcase" || kind == "chop";
}

// Walks a header template in order: `on_text(literal)` for the text between
// placeholders, `on_placeholder(kind, arg)` for each ${token:}, ${oauth:},
// ${email:}, ${base64:}, ${swapcase:} and ${chop:} (whose arguments are themselves
// templates: the caller walks them); a callback returning false stops the walk with false. An
// unclosed "${" or an unknown kind stops it with false and a message in
// `error` (when not null). The one reading of the template syntax, for the
// expander and for checks that must not build anything.
template <class OnText, class OnPlaceholder>
bool walk_header_template(std::string_view text, OnText&& on_text, OnPlaceholder&& on_placeholder,
                          std::string* error = nullptr) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t open = text.find("${", i);
    if (open == std::string_view::npos) return on_text(text.substr(i));
    if (!on_text(text.substr(i, open - i))) return false;
    const std::size_t close = find_closing_brace(text, open + 2);
    if (close == std::string_view::npos) {
      if (error) *error = "unclosed '${' in header template";
      return false;
    }
    const std::string_view inner = text.substr(open + 2, close - open - 2);
    const std::size_t colon = inner.find(':');
    const std::string_view kind = inner.substr(0, colon);
    const std::string_view arg = colon == std::string_view::npos ? "" : inner.substr(colon + 1);
    if (!is_nested_placeholder(kind) && kind != "token" && kind != "oauth" && kind != "email") {
      if (error)
        *error = "unknown placeholder '${" + std::string(inner) +
                 "}' (use ${token:NAME}, ${oauth:NAME}, ${email:USER}, ${base64:TEXT}, ${swapcase:TEXT} or ${chop:TEXT})";
      return false;
    }
    if (!on_placeholder(kind, arg)) return false;
    i = close + 1;
  }
  return true;
}

// Fills the placeholders of a RawCredential template (see request.h).
std::optional<std::string> expand_header_template(std::string_view text,
                                                  const SecretResolver& resolve,
                                                  std::string* error = nullptr);

// The model's stand-in for the secret of token/OAuth token NAME:
// "\x02KIND\x02NAME\x03". No header a scenario writes literally can contain
// it (control bytes), and the closing byte keeps a near miss such as
// "${token:f19}0" from reading as another token's secret ("f190").
std::string symbolic_secret(std::string_view kind, std::string_view name);
// The NAME of a symbolic secret of `kind`; "" when `secret` is none.
std::string_view symbolic_secret_name(std::string_view secret, std::string_view kind);

}  // namespace authconform::model
