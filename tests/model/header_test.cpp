// Reading and writing the Authorization header (spec/policy.md §1, "Reading
// the Authorization header"), below the level of decisions.
#include "tests/model/model_test_support.h"

#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>

namespace authconform::model::tests {
namespace {

// Secrets and emails as a target would resolve them.
std::string resolve(std::string_view kind, std::string_view name) {
  if (kind == "email") return std::string(name) + "@x.test";
  return "SECRET-" + std::string(kind) + "-" + std::string(name);
}

// --- base64 -------------------------------------------------------------------

TEST(Base64, Encode_MatchesRfc4648TestVectors) {
  const std::map<std::string, std::string> vectors{
      {"", ""},           {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(encode_base64(plain), encoded) << plain;
    EXPECT_EQ(decode_base64_strict(encoded), plain) << encoded;
  }
}

TEST(Base64, Encode_HandlesEveryByteValue) {
  std::string bytes;
  for (int b = 0; b < 256; ++b) bytes += static_cast<char>(b);
  EXPECT_EQ(encode_base64(bytes), base64(bytes));
  EXPECT_EQ(decode_base64_strict(encode_base64(bytes)), bytes);
}

TEST(Base64, DecodeStrict_RefusesMissingOrExtraPadding) {
  for (const std::string text : {"Zg", "Zg=", "Zm8", "Zg===", "Zm8==", "Zm9v=", "=", "==", "===="}) {
    EXPECT_EQ(decode_base64_strict(text), std::nullopt) << "'" << text << "'";
  }
}

// docs/spec-choices.md C14: dropped pad bits are ignored.
TEST(Base64, DecodeStrict_IgnoresTheBitsThatPaddingDrops) {
  // "Zg==" is "f"; "Zh==" and "Zv==" set dropped bits. "Zm8=" is "fo"; "Zm9=", "Zm+=" too.
  for (const std::string text : {"Zh==", "Zv=="}) EXPECT_EQ(decode_base64_strict(text), "f") << text;
  for (const std::string text : {"Zm9=", "Zm+="}) EXPECT_EQ(decode_base64_strict(text), "fo") << text;
}

TEST(Base64, DecodeStrict_RefusesWhitespaceAndForeignCharacters) {
  for (const std::string text :
       {"Zm9v YmFy", "Zm9v\nYmFy", " Zm9v", "Zm9v ", "Zm9v\t", "Zm9-", "Zm9_", "Zm9v*mFy", "Zg==Zg=="}) {
    EXPECT_EQ(decode_base64_strict(text), std::nullopt) << "'" << text << "'";
  }
}

// --- UTF-8 and case -------------------------------------------------------------

TEST(Utf8, AcceptsWellFormedText) {
  for (const std::string text : {"", "plain", "caf\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80",
                                 "\xef\xbf\xbf", "\xf4\x8f\xbf\xbf"}) {
    EXPECT_TRUE(is_valid_utf8(text)) << text;
  }
}

TEST(Utf8, RefusesMalformedBytes) {
  for (const std::string text : {"\xff", "\x80", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\x80", "\xed\xa0\x80",
                                 "\xf0\x80\x80\x80", "\xf4\x90\x80\x80", "\xe2\x82", "\xc3",
                                 "ok\xf8\x88\x80\x80\x80"}) {
    EXPECT_FALSE(is_valid_utf8(text)) << "bytes: " << base64(text);
  }
}

TEST(Case, IequalsAscii_FoldsAsciiLettersOnly) {
  EXPECT_TRUE(iequals_ascii("Ann@X.test", "ann@x.TEST"));
  EXPECT_TRUE(iequals_ascii("", ""));
  EXPECT_FALSE(iequals_ascii("ann@x.test", "ann@x.tes"));
  EXPECT_FALSE(iequals_ascii("\xc3\x89", "\xc3\xa9"));  // É vs é: no folding beyond ASCII
  EXPECT_FALSE(iequals_ascii("a@x.test", "a@x_test"));
  EXPECT_FALSE(iequals_ascii("@", "`"));  // differ by 0x20 but are not letters
}

// --- parse_authorization ----------------------------------------------------------

TEST(ParseAuthorization, BasicPassword_SplitsAtFirstColon) {
  const auto parsed = parse_authorization("Basic " + base64("ann@x.test:pa:ss word"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->kind, ParsedHeader::Kind::password);
  EXPECT_EQ(parsed->login, "ann@x.test");
  EXPECT_EQ(parsed->secret, "pa:ss word");
}

TEST(ParseAuthorization, TokenSuffixInLowerCase_SelectsTheTokenPath) {
  const auto parsed = parse_authorization("Basic " + base64("ann@x.test/token:abc"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->kind, ParsedHeader::Kind::token);
  EXPECT_EQ(parsed->login, "ann@x.test");
  EXPECT_EQ(parsed->secret, "abc");
}

TEST(ParseAuthorization, TokenSuffixInOtherCase_IsPartOfThePasswordLogin) {
  const auto parsed = parse_authorization("Basic " + base64("ann@x.test/Token:abc"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->kind, ParsedHeader::Kind::password);
  EXPECT_EQ(parsed->login, "ann@x.test/Token");
}

TEST(ParseAuthorization, EmptyPassword_ParsesWithEmptySecret) {
  const auto parsed = parse_authorization("Basic " + base64("ann@x.test:"));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->kind, ParsedHeader::Kind::password);
  EXPECT_EQ(parsed->secret, "");
}

TEST(ParseAuthorization, Bearer_KeepsTheSecret) {
  const auto parsed = parse_authorization("bEaReR   s3cr3t  ");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->kind, ParsedHeader::Kind::bearer);
  EXPECT_EQ(parsed->login, "");
  EXPECT_EQ(parsed->secret, "s3cr3t");
}

TEST(ParseAuthorization, SchemeAnyCaseAndSeveralSpaces) {
  for (const std::string scheme : {"Basic ", "basic ", "BASIC     "}) {
    const auto parsed = parse_authorization(scheme + base64("a@x.test:pw"));
    ASSERT_TRUE(parsed.has_value()) << scheme;
    EXPECT_EQ(parsed->login, "a@x.test");
  }
}

TEST(ParseAuthorization, MalformedHeaders_AreNullopt) {
  const std::string good = base64("a@x.test:pw");
  for (const std::string& header :
       {std::string(), std::string("Basic"), "Basic" + good, "Digest " + good, "Token " + good,
        "Basic " + base64("no colon here"), std::string("Basic "), "Basic " + good.substr(1),
        "Basic " + base64("a@x.test:\xff"), "Basic " + good + "=", "Basic !" + good}) {
    EXPECT_EQ(parse_authorization(header), std::nullopt) << "'" << header << "'";
  }
}

// --- writing headers ----------------------------------------------------------------

TEST(RenderAuthorization, NoCredential_SendsNoHeader) {
  EXPECT_EQ(render_authorization(NoCredential{}, resolve), std::nullopt);
}

TEST(RenderAuthorization, EachCredentialKind) {
  EXPECT_EQ(render_authorization(PasswordCredential{"a@x.test", "pw"}, resolve),
            "Basic " + base64("a@x.test:pw"));
  EXPECT_EQ(render_authorization(PasswordCredential{"${email:eve}", "pw"}, resolve),
            "Basic " + base64("eve@x.test:pw"));
  EXPECT_EQ(render_authorization(TokenCredential{"${email:eve}", "t1"}, resolve),
            "Basic " + base64("eve@x.test/token:SECRET-token-t1"));
  EXPECT_EQ(render_authorization(TokenCredential{"Eve@X.test", "t1"}, resolve),
            "Basic " + base64("Eve@X.test/token:SECRET-token-t1"));
  EXPECT_EQ(render_authorization(OAuthCredential{"o1"}, resolve), "Bearer SECRET-oauth-o1");
}

TEST(RenderAuthorization, RawTemplate_FillsNestedPlaceholders) {
  EXPECT_EQ(render_authorization(RawCredential{"Basic ${base64:${email:eve}/token:${token:t1}}"}, resolve),
            "Basic " + base64("eve@x.test/token:SECRET-token-t1"));
  EXPECT_EQ(render_authorization(RawCredential{"bearer  ${oauth:o2} "}, resolve), "bearer  SECRET-oauth-o2 ");
  EXPECT_EQ(render_authorization(RawCredential{"Digest abc"}, resolve), "Digest abc");
  EXPECT_EQ(render_authorization(RawCredential{""}, resolve), "");
}

TEST(RenderAuthorization, BadTemplate_ReportsAnError) {
  for (const std::string bad : {"Bearer ${oauth:o1", "Bearer ${nonsense:o1}", "Basic ${base64:${token:t1}"}) {
    std::string error;
    EXPECT_EQ(render_authorization(RawCredential{bad}, resolve, &error), std::nullopt) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

TEST(ExpandHeaderTemplate, LiteralTextIsKept) {
  EXPECT_EQ(expand_header_template("Basic abc$ def", resolve), "Basic abc$ def");
  EXPECT_EQ(expand_header_template("${email:ann}", resolve), "ann@x.test");
}

TEST(ExpandHeaderTemplate, SwapcaseFillsItsTemplateAndSwapsEveryAsciiLetter) {
  EXPECT_EQ(expand_header_template("Bearer ${swapcase:${oauth:o1}}", resolve), "Bearer secret-OAUTH-O1");
  EXPECT_EQ(expand_header_template("Basic ${base64:${email:al}/token:${swapcase:aB-\xc3\xa4}}", resolve),
            "Basic " + encode_base64("al@x.test/token:Ab-\xc3\xa4"));
  EXPECT_EQ(swap_case("3f9A"), "3F9a");
  EXPECT_EQ(swap_case("1234"), "1234~");  // no letter: made different anyway
  EXPECT_EQ(swap_case(""), "~");
}

TEST(ExpandHeaderTemplate, ChopFillsItsTemplateAndDropsTheLastCharacter) {
  EXPECT_EQ(expand_header_template("Bearer ${chop:${oauth:o1}}", resolve), "Bearer SECRET-oauth-o");
  EXPECT_EQ(expand_header_template("Basic ${base64:${email:al}/token:${chop:ab}}", resolve),
            "Basic " + encode_base64("al@x.test/token:a"));
  EXPECT_EQ(chop_last("ab\xc3\xa4"), "ab");  // a whole UTF-8 character, never half of one
  EXPECT_EQ(chop_last("a"), "");
  EXPECT_EQ(chop_last(""), "");
}

// A prefix, one character shorter: never the text itself unless empty.
RC_GTEST_PROP(ExpandHeaderTemplate, ChopGivesAShorterPrefix, (const std::string& text)) {
  const std::string chopped = chop_last(text);
  RC_ASSERT(text.compare(0, chopped.size(), chopped) == 0);
  RC_ASSERT(chopped.size() < text.size() || text.empty());
}

// A near miss is never the secret itself, whatever the secret.
RC_GTEST_PROP(ExpandHeaderTemplate, SwapcaseNeverGivesBackItsInput, (const std::string& text)) {
  RC_ASSERT(swap_case(text) != text);
  RC_ASSERT(swap_case(text).size() >= text.size());
}

TEST(SymbolicSecret, ItsNameReadsBackAndANearMissIsNoOnesSecret) {
  EXPECT_EQ(symbolic_secret_name(symbolic_secret("token", "f19"), "token"), "f19");
  EXPECT_EQ(symbolic_secret_name(symbolic_secret("token", "f19"), "oauth"), "");
  // "${token:f19}0" is not the secret of a token named "f190".
  EXPECT_EQ(symbolic_secret_name(symbolic_secret("token", "f19") + "0", "token"), "");
  EXPECT_EQ(symbolic_secret_name("0" + symbolic_secret("oauth", "o1"), "oauth"), "");
  EXPECT_EQ(symbolic_secret_name(swap_case(symbolic_secret("token", "t1")), "token"), "");
  EXPECT_EQ(symbolic_secret_name("", "token"), "");
}

TEST(SymbolicSecret, CannotBeWrittenLiterallyAndIsDistinctPerName) {
  const std::string t1 = symbolic_secret("token", "t1");
  ASSERT_FALSE(t1.empty());
  EXPECT_LT(static_cast<unsigned char>(t1.front()), 0x20);
  EXPECT_NE(t1, symbolic_secret("token", "t2"));
  EXPECT_NE(t1, symbolic_secret("oauth", "t1"));
  EXPECT_EQ(t1, symbolic_secret("token", "t1"));
}

TEST_F(Rule, OAU_2_TheSymbolicNameIsNotTheSecret) {
  EXPECT_TRUE(decided(account.probe(raw("Bearer admin-oauth")), Outcome::unauthorized(), RuleId::OAU_2));
}

TEST_F(Rule, TOK_7_TheSymbolicNameIsNotTheSecret) {
  account.activate_tokens();
  account.generate("t1");
  EXPECT_TRUE(decided(account.probe(basic(email_of(k_eve) + "/token:t1")), Outcome::unauthorized(),
                      RuleId::TOK_7));
}

}  // namespace
}  // namespace authconform::model::tests
