#include "reports/escape.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>

namespace authconform::reports {
namespace {

using namespace std::string_literals;

bool is_valid_utf8(const std::string& text) { return to_valid_utf8(text) == text; }

TEST(HtmlEscape, EscapesEveryMarkupCharacter) {
  EXPECT_EQ(html_escape("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;");
}

TEST(XmlEscape, WritesControlAndInvalidBytesVisibly) {
  EXPECT_EQ(xml_escape("a\x01" "b\x7f" "c\xff" "d\x00" "e"s), "a\\x01b\\x7Fc\\xFFd\\x00e");
}

TEST(XmlEscape, ClosesNoCdataOrComment) {
  EXPECT_EQ(xml_escape("]]><!--"), "]]&gt;&lt;!--");
}

TEST(Printable, KeepsValidUtf8NewlinesAndTabs) {
  const std::string text = "caf\xc3\xa9 \xe2\x9c\x93 \xf0\x9f\x94\x91\n\tend";
  EXPECT_EQ(printable(text), text);
}

TEST(Printable, DisarmsTerminalEscapesAndBidiOverrides) {
  EXPECT_EQ(printable("\x1b[31mred\r"), "\\x1B[31mred\\x0D");
  EXPECT_EQ(printable("a\xe2\x80\xae" "b"), "a\\u202Eb");  // RIGHT-TO-LEFT OVERRIDE
  EXPECT_EQ(printable("\xc2\x9b" "2J"), "\\u009B2J");      // C1 CSI
}

TEST(Printable, TurnsCrlfIntoLf) { EXPECT_EQ(printable("a\r\nb"), "a\nb"); }

TEST(ToValidUtf8, ReplacesOverlongSurrogateAndTruncatedSequences) {
  const std::string fffd = "\xef\xbf\xbd";
  EXPECT_EQ(to_valid_utf8("\xc0\xaf"), fffd + fffd);           // overlong '/'
  EXPECT_EQ(to_valid_utf8("\xed\xa0\x80"), fffd + fffd + fffd);  // surrogate D800
  EXPECT_EQ(to_valid_utf8("ok\xe2\x9c"), "ok" + fffd + fffd);    // cut short
  EXPECT_EQ(to_valid_utf8("\x1b\x00"s), "\x1b\x00"s);            // controls kept for JSON
}

TEST(MarkdownEscape, EscapesPipesAndMarkupOnOneLine) {
  EXPECT_EQ(markdown_escape("a|b *c* [d](e) <f>\nnext"), "a\\|b \\*c\\* \\[d\\](e) \\<f\\> next");
}

RC_GTEST_PROP(HtmlEscape, OutputIsInertValidUtf8ForAnyBytes, (const std::string& bytes)) {
  const std::string out = html_escape(bytes);
  RC_ASSERT(is_valid_utf8(out));
  RC_ASSERT(out.find_first_of("<>\"'") == std::string::npos);
  for (char c : out) RC_ASSERT(static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t');
}

RC_GTEST_PROP(Printable, IsIdempotent, (const std::string& bytes)) {
  const std::string once = printable(bytes);
  RC_ASSERT(printable(once) == once);
}

RC_GTEST_PROP(MarkdownEscape, NeverLeavesAnUnescapedPipeOrNewline, (const std::string& bytes)) {
  const std::string out = markdown_escape(bytes);
  RC_ASSERT(out.find('\n') == std::string::npos);
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (out[i] != '|') continue;
    std::size_t backslashes = 0;
    while (backslashes < i && out[i - 1 - backslashes] == '\\') ++backslashes;
    RC_ASSERT(backslashes % 2 == 1);
  }
}

}  // namespace
}  // namespace authconform::reports
