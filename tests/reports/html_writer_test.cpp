#include "reports/writers.h"

#include "report_fixture.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>

namespace authconform::reports {
namespace {

namespace fs = std::filesystem;
using testing::FixtureRun;
using testing::mixed_run;
using testing::shell_quote;

fs::path write_html(const FixtureRun& run) {
  const fs::path file = testing::fresh_folder() / "report.html";
  const auto writer = make_html_writer(file.string());
  testing::replay(run, *writer);
  return file;
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto pos = text.find(needle); pos != std::string::npos; pos = text.find(needle, pos + 1)) ++n;
  return n;
}

TEST(HtmlWriter, MatchesTheGoldenFile) {
  testing::expect_golden("mixed.html", testing::read_file(write_html(mixed_run())));
}

TEST(HtmlWriter, EscapesInjectedMarkupEverywhere) {
  const std::string html = testing::read_file(write_html(mixed_run()));
  EXPECT_EQ(lower(html).find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<i>friends</i>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt; in a title"), std::string::npos);
  EXPECT_NE(html.find("&quot;eve&quot; &amp; &lt;i&gt;friends&lt;/i&gt;"), std::string::npos);
  EXPECT_EQ(html.find('\x1b'), std::string::npos);
}

TEST(HtmlWriter, IsSelfContained) {
  const std::string html = lower(testing::read_file(write_html(mixed_run())));
  for (const char* reference : {"<link", "<img", "<iframe", "src=", "url(", "@import", "href=\"http", "<script"})
    EXPECT_EQ(html.find(reference), std::string::npos) << reference;
  EXPECT_NE(html.find("content-security-policy\" content=\"default-src 'none'"), std::string::npos);
}

TEST(HtmlWriter, ShowsTheVerdictCountsAndEachFailureStep) {
  const std::string html = testing::read_file(write_html(mixed_run()));
  EXPECT_NE(html.find("<section id=\"summary\" class=\"summary v-inconclusive\">\n<p class=\"verdict\">Inconclusive</p>"),
            std::string::npos);
  EXPECT_NE(html.find("<h2>Failures (5)</h2>"), std::string::npos);
  EXPECT_NE(html.find("<tr class=\"step-failed\"><td>2</td><td>16</td><td>request users/me as eve/token:t1"),
            std::string::npos);
  EXPECT_NE(html.find("<td>unauthorized</td><td>user:eve</td><td class=\"nw\">TOK-5</td><td><pre>GET "), std::string::npos);
}

TEST(HtmlWriter, HighlightsRulesNotExercised) {
  const std::string html = testing::read_file(write_html(mixed_run()));
  EXPECT_NE(html.find("<tr class=\"unexercised\"><td class=\"nw\"><strong>PWD-6</strong>"), std::string::npos);
  EXPECT_EQ(count(html, "<tr class=\"unexercised\">"), 20u);  // 29 rules, 9 exercised
  EXPECT_NE(html.find("<td class=\"nw\"><strong>OAU-3</strong></td><td>"), std::string::npos);
  EXPECT_NE(html.find("scenarios/oauth/scopes.yaml (1)<br>fuzzing (7)"), std::string::npos);
}

// Renders the page in headless Chromium and reads back the DOM it built: the
// failure is visible and the injected script never became an element.
TEST(HtmlWriter, RendersInHeadlessChromiumWithTheFailuresVisible) {
  const std::string chromium = testing::find_program("chromium");
  ASSERT_FALSE(chromium.empty())
      << "chromium is not installed: this test needs it (apt-get install -y chromium)";
  const fs::path html = write_html(mixed_run());
  const fs::path profile = testing::fresh_folder();
  const std::string command =
      "timeout 180 " + shell_quote(chromium) +
      " --headless --no-sandbox --disable-gpu --disable-background-networking"
      " --disable-component-update --disable-sync --no-first-run --user-data-dir=" +
      shell_quote(profile.string()) + " --dump-dom " + shell_quote("file://" + html.string()) +
      " 2>" + shell_quote((profile / "stderr.txt").string());
  const testing::CommandResult result = testing::run_command(command);
  ASSERT_EQ(result.status, 0) << "chromium failed:\n" << testing::read_file(profile / "stderr.txt");
  const std::string& dom = result.output;
  EXPECT_NE(dom.find("Token access off rejects a valid token"), std::string::npos) << dom.substr(0, 2000);
  EXPECT_NE(dom.find("the target accepted an API token while token access is off"), std::string::npos);
  EXPECT_NE(dom.find("&lt;script&gt;alert(1)&lt;/script&gt; in a title"), std::string::npos);
  EXPECT_EQ(lower(dom).find("<script"), std::string::npos);
}

}  // namespace
}  // namespace authconform::reports
