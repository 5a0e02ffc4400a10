// Targets send arbitrary bytes and scenarios carry arbitrary text: these turn
// any bytes into text that is safe for one kind of output. Every writer passes
// every piece of run text through one of them.
#pragma once

#include <string>
#include <string_view>

namespace authconform::reports {

// Valid UTF-8: each byte of an invalid sequence becomes U+FFFD. Everything
// else, control characters included, is kept (for JSON, which escapes them).
std::string to_valid_utf8(std::string_view bytes);

// Valid UTF-8 that cannot steer a terminal or confuse a reader: newline and
// tab are kept, CRLF becomes LF; other control bytes, invalid UTF-8 bytes and
// bidirectional overrides are written visibly as `\xNN` or `\uNNNN`.
std::string printable(std::string_view bytes);

// printable() then & < > " ' as character references. Safe in HTML text and
// in quoted attribute values.
std::string html_escape(std::string_view bytes);

// printable() then & < > " ' as character references: well-formed XML 1.0
// text or attribute content whatever the input.
std::string xml_escape(std::string_view bytes);

// printable() on one line (newlines and tabs become spaces), with Markdown's
// markup characters backslash-escaped, `|` included: safe in a table cell.
std::string markdown_escape(std::string_view bytes);

}  // namespace authconform::reports
