// Checks shared by the fuzz targets. A broken contract is reported on stderr
// and aborts, which libFuzzer records as a crash with the input that did it.
#pragma once

#include "runner/load_error.h"

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace authconform::fuzz {

[[noreturn]] inline void contract_broken(const std::string& what) {
  std::fprintf(stderr, "fuzz contract broken: %s\n", what.c_str());
  std::abort();
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Is `text` well-formed UTF-8 (no overlong forms, surrogates or values past U+10FFFF)?
inline bool valid_utf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > text.size()) return false;
    std::uint32_t cp = n == 1 ? c : c & (0x7F >> n);
    for (std::size_t k = 1; k < n; ++k) {
      const auto d = static_cast<unsigned char>(text[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    const std::uint32_t least[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < least[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

// The loaders' contract (runner/scenario_loader.h, runner/profile.h): a
// result exactly when there are no errors; errors sorted by position, each
// naming the file and saying something. `positionless_ok` lists the messages
// that may come without a FILE:LINE:COL (about the whole file); any other
// error without a position means a stray exception was caught as a last
// resort, which is a bug.
inline void check_errors(bool has_result, const std::vector<runner::LoadError>& errors,
                         const std::string& file, const std::vector<std::string_view>& positionless_ok) {
  if (has_result == !errors.empty())
    contract_broken("a result must come exactly when there are no errors");
  for (std::size_t i = 0; i < errors.size(); ++i) {
    const runner::LoadError& e = errors[i];
    if (e.file != file || e.message.empty()) contract_broken("error without file or message: " + e.format());
    if (e.pos.line < 0 || e.pos.column < 0) contract_broken("negative position: " + e.format());
    bool whole_file = false;
    for (std::string_view ok : positionless_ok) whole_file = whole_file || e.message.rfind(ok, 0) == 0;
    if (e.pos.line == 0 && !whole_file) contract_broken("error without a position: " + e.format());
    if (i > 0) {
      const runner::SourcePos a = errors[i - 1].pos, b = e.pos;
      if (a.line > b.line || (a.line == b.line && a.column > b.column))
        contract_broken("errors not sorted by position: " + errors[i - 1].format() + " before " + e.format());
    }
  }
}

}  // namespace authconform::fuzz
