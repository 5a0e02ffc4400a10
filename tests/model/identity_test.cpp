// Stage 1 of spec/policy.md §2: who is calling, from the Authorization header.
#include "tests/model/model_test_support.h"

namespace authconform::model::tests {
namespace {

const std::string k_eve_email = email_of(k_eve);

// --- ANO-1 -------------------------------------------------------------------

TEST_F(Rule, ANO_1_NoHeader_IsAnonymousOnMe) {
  EXPECT_TRUE(decided(account.probe(NoCredential{}), Outcome::anonymous(), RuleId::ANO_1));
}

TEST_F(Rule, ANO_1_NoHeader_IsUnauthorizedOnTickets) {
  EXPECT_TRUE(decided(account.probe(NoCredential{}, Probe::tickets), Outcome::unauthorized(),
                      {RuleId::ANO_1, RuleId::PRB_2}));
}

// --- ANO-2: malformed headers ---------------------------------------------------

TEST_F(Rule, ANO_2_UnknownScheme_IsUnauthorized) {
  EXPECT_TRUE(decided(account.probe(raw("Digest " + base64(k_eve_email + ":eve-pw"))),
                      Outcome::unauthorized(), RuleId::ANO_2));
}

TEST_F(Rule, ANO_2_EmptyHeader_IsUnauthorizedNotAnonymous) {
  EXPECT_TRUE(decided(account.probe(raw("")), Outcome::unauthorized(), RuleId::ANO_2));
}

TEST_F(Rule, ANO_2_SchemeAlone_IsUnauthorized) {
  EXPECT_TRUE(decided(account.probe(raw("Basic")), Outcome::unauthorized(), RuleId::ANO_2));
}

TEST_F(Rule, ANO_2_SchemeWithoutSpace_IsUnauthorized) {
  account.activate_end_user_passwords();
  EXPECT_TRUE(decided(account.probe(raw("Basic" + base64(k_eve_email + ":eve-pw"))),
                      Outcome::unauthorized(), RuleId::ANO_2));
}

TEST_F(Rule, ANO_2_CharacterOutsideBase64Alphabet_IsUnauthorized) {
  EXPECT_TRUE(decided(account.probe(raw("Basic ZXZl*GV4YW1w")), Outcome::unauthorized(),
                      RuleId::ANO_2));
}

TEST_F(Rule, ANO_2_UrlSafeBase64Alphabet_IsUnauthorized) {
  // "??>" encodes to "Pz8+" in the standard alphabet, "Pz8-" in the URL-safe one.
  EXPECT_TRUE(decided(account.probe(raw("Basic " + base64("a:b") + "Pz8-")),
                      Outcome::unauthorized(), RuleId::ANO_2));
}

TEST_F(Rule, ANO_2_MissingPadding_IsUnauthorized) {
  std::string encoded = base64(k_eve_email + ":eve-pw");  // 23 bytes: one '='
  ASSERT_EQ(encoded.back(), '=');
  account.activate_end_user_passwords();
  ASSERT_TRUE(decided(account.probe(raw("Basic " + encoded)), Outcome::as_user("eve"), RuleId::PWD_4));
  encoded.pop_back();
  EXPECT_TRUE(decided(account.probe(raw("Basic " + encoded)), Outcome::unauthorized(), RuleId::ANO_2));
}

TEST_F(Rule, ANO_2_MissingDoublePadding_IsUnauthorized) {
  std::string text = k_eve_email + ":eve-p";  // 22 bytes: two '='
  std::string encoded = base64(text);
  ASSERT_EQ(encoded.substr(encoded.size() - 2), "==");
  EXPECT_TRUE(decided(account.probe(raw("Basic " + encoded.substr(0, encoded.size() - 2))),
                      Outcome::unauthorized(), RuleId::ANO_2));
}

// The last character before '=' carries unused bits that must be zero.
std::string with_non_canonical_padding(std::string_view text) {
  static constexpr std::string_view k_alphabet =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string encoded = base64(text);
  const std::size_t last = encoded.find('=') - 1;
  encoded[last] = k_alphabet[k_alphabet.find(encoded[last]) + 1];
  return encoded;
}

// docs/spec-choices.md C14: the bits that padding drops are ignored (RFC 4648
// §3.5 lets decoders do so), so such a value decides like the canonical one.
TEST_F(Rule, ANO_2_NonCanonicalPaddingBits_AreIgnoredPerChoiceC14) {
  account.activate_end_user_passwords();
  // 23 bytes end in one '=', 22 bytes in two.
  for (const std::string& text : {k_eve_email + ":eve-pw", k_eve_email + ":eve-p"}) {
    const Decision canonical = account.probe(basic(text));
    const Decision odd = account.probe(raw("Basic " + with_non_canonical_padding(text)));
    EXPECT_EQ(odd.outcome, canonical.outcome) << "text of " << text.size() << " bytes";
    EXPECT_EQ(odd.rules, canonical.rules) << describe_rules(odd.rules);
    EXPECT_FALSE(has_rule(odd, RuleId::ANO_2));
  }
  EXPECT_EQ(account.probe(basic(k_eve_email + ":eve-pw")).outcome, Outcome::as_user("eve"));
}

TEST_F(Rule, ANO_2_WhitespaceInsideBase64_IsUnauthorized) {
  account.activate_end_user_passwords();
  std::string encoded = base64(k_eve_email + ":eve-pw");
  encoded.insert(8, " ");
  EXPECT_TRUE(decided(account.probe(raw("Basic " + encoded)), Outcome::unauthorized(), RuleId::ANO_2));
}

TEST_F(Rule, ANO_2_InvalidUtf8_IsUnauthorized) {
  for (const std::string secret : {"\xff\xfe", "\xc0\xaf", "\xed\xa0\x80", "pw\x80", "\xe2\x82"}) {
    EXPECT_TRUE(decided(account.probe(basic(k_eve_email + ":" + secret)), Outcome::unauthorized(),
                        RuleId::ANO_2));
  }
}

TEST_F(Rule, ANO_2_NoColon_IsUnauthorized) {
  EXPECT_TRUE(decided(account.probe(basic(k_eve_email)), Outcome::unauthorized(), RuleId::ANO_2));
  EXPECT_TRUE(decided(account.probe(basic(k_eve_email + "/token")), Outcome::unauthorized(),
                      RuleId::ANO_2));
}

TEST_F(Rule, ANO_2_BasicWithEmptyValue_IsUnauthorized) {
  // base64 of nothing is the empty string, whose text has no ':'.
  EXPECT_TRUE(decided(account.probe(raw("Basic ")), Outcome::unauthorized(), RuleId::ANO_2));
}

TEST_F(Rule, ANO_2_BearerWithEmptyValue_IsUnauthorized) {
  for (const std::string header : {"Bearer ", "Bearer    ", "Bearer"}) {
    const Decision decision = account.probe(raw(header));
    EXPECT_EQ(decision.outcome, Outcome::unauthorized()) << "'" << header << "'";
    EXPECT_TRUE(has_rule(decision, RuleId::ANO_2) || has_rule(decision, RuleId::OAU_2))
        << describe_rules(decision.rules);
  }
}

TEST_F(Rule, ANO_2_MalformedHeader_IsRefusedBeforePermission) {
  const Decision decision =
      account.send(agreement_op(true), raw("Basic !!!!"));
  EXPECT_TRUE(decided(decision, Outcome::unauthorized(), RuleId::ANO_2));
  EXPECT_FALSE(account.state().agreement_accepted);
}

TEST_F(Rule, ANO_2_SchemeInAnyCase_IsAccepted) {
  account.activate_end_user_passwords();
  const std::string encoded = base64(k_eve_email + ":eve-pw");
  for (const std::string scheme : {"basic", "BASIC", "bAsIc"}) {
    EXPECT_TRUE(decided(account.probe(raw(scheme + " " + encoded)), Outcome::as_user("eve"),
                        RuleId::PWD_4))
        << scheme;
  }
  for (const std::string scheme : {"bearer", "BEARER", "BeArEr"}) {
    EXPECT_TRUE(decided(account.probe(raw(scheme + " ${oauth:admin-oauth}")),
                        Outcome::as_user("admin"), RuleId::OAU_1))
        << scheme;
  }
}

TEST_F(Rule, ANO_2_TabInsteadOfSpaceAfterScheme_IsUnauthorized) {
  // The scheme is followed by one or more spaces (spec §1, RFC 7235 1*SP).
  EXPECT_TRUE(decided(account.probe(raw("Bearer\t${oauth:admin-oauth}")), Outcome::unauthorized(),
                      RuleId::ANO_2));
  EXPECT_TRUE(decided(account.probe(raw("Basic\t" + base64(k_eve_email + ":eve-pw"))),
                      Outcome::unauthorized(), RuleId::ANO_2));
}

TEST_F(Rule, ANO_2_TrailingWhitespaceOfTheValue_IsTrimmed) {
  EXPECT_TRUE(decided(account.probe(raw("Bearer ${oauth:admin-oauth}\t ")), Outcome::as_user("admin"),
                      RuleId::OAU_1));
}

TEST_F(Rule, ANO_2_SeveralSpacesAfterSchemeAndTrailingSpaces_AreAccepted) {
  account.activate_end_user_passwords();
  EXPECT_TRUE(decided(account.probe(raw("Basic    " + base64(k_eve_email + ":eve-pw") + "  ")),
                      Outcome::as_user("eve"), RuleId::PWD_4));
  EXPECT_TRUE(decided(account.probe(raw("Bearer   ${oauth:admin-oauth}  ")),
                      Outcome::as_user("admin"), RuleId::OAU_1));
}

// --- TOK-4 -------------------------------------------------------------------

TEST_F(Rule, TOK_4_EndUserEmailAndValidToken_AuthenticatesTheEndUser) {
  account.activate_tokens();
  account.generate("t1");
  EXPECT_TRUE(decided(account.probe(token(k_eve_email, "t1")), Outcome::as_user("eve"), RuleId::TOK_4));
}

TEST_F(Rule, TOK_4_AgentAndAdminEmails_AuthenticateThoseUsers) {
  account.activate_tokens();
  account.generate("t1");
  EXPECT_TRUE(decided(account.probe(token(email_of(k_alice), "t1")), Outcome::as_user("alice"),
                      RuleId::TOK_4));
  EXPECT_TRUE(decided(account.probe(token(email_of(k_bob), "t1")), Outcome::as_user("bob"),
                      RuleId::TOK_4));
  EXPECT_TRUE(decided(account.probe(token("${email:admin}", "t1")), Outcome::as_user("admin"),
                      RuleId::TOK_4));
}

TEST_F(Rule, TOK_4_EmailInAnyAsciiCase_AuthenticatesTheUser) {
  account.activate_tokens();
  account.generate("t1");
  EXPECT_TRUE(decided(account.probe(token("EVE@Example.TEST", "t1")), Outcome::as_user("eve"),
                      RuleId::TOK_4));
}

TEST_F(Rule, TOK_4_RawHeaderTemplate_AuthenticatesLikeTheCredential) {
  account.activate_tokens();
  account.generate("t1");
  EXPECT_TRUE(decided(account.probe(raw("Basic ${base64:${email:alice}/token:${token:t1}}")),
                      Outcome::as_user("alice"), RuleId::TOK_4));
}

TEST_F(Rule, TOK_4_RoleDecidesPermission_EndUserTokenOnTickets) {
  account.activate_tokens();
  account.generate("t1");
  EXPECT_TRUE(decided(account.probe(token(k_eve_email, "t1"), Probe::tickets),
                      Outcome::forbidden(Reason::not_agent), {RuleId::TOK_4, RuleId::PRB_2}));
}

TEST_F(Rule, TOK_4_PasswordCredentialWhoseEmailEndsInToken_TakesTheTokenPath) {
  // "{email}/token:{secret}" is the token path however the scenario wrote it;
  // "t1" written literally is not t1's secret.
  account.activate_tokens();
  account.generate("t1");
  EXPECT_TRUE(decided(account.probe(PasswordCredential{k_eve_email + "/token", "t1"}),
                      Outcome::unauthorized(), RuleId::TOK_7));
  account.set_token_access(false);
  EXPECT_TRUE(decided(account.probe(PasswordCredential{k_eve_email + "/token", "t1"}),
                      Outcome::unauthorized(), RuleId::TOK_5));
}

// --- TOK-5 -------------------------------------------------------------------

TEST_F(Rule, TOK_5_TokenAccessOff_RejectsValidToken) {
  account.activate_tokens();
  account.generate("t1");
  account.set_token_access(false);
  EXPECT_TRUE(decided(account.probe(token(k_eve_email, "t1")), Outcome::unauthorized(), RuleId::TOK_5));
  const ApiToken* kept = account.state().find_token("t1");
  ASSERT_NE(kept, nullptr);
  EXPECT_FALSE(kept->deleted);
}

TEST_F(Rule, TOK_5_NewAccount_AnyTokenCredentialIsUnauthorized) {
  EXPECT_TRUE(decided(account.probe(token(k_eve_email, "t9")), Outcome::unauthorized(), RuleId::TOK_5));
  EXPECT_TRUE(decided(account.probe(token("nobody@example.test", "t9")), Outcome::unauthorized(),
                      RuleId::TOK_5));
}

// --- TOK-7 -------------------------------------------------------------------

TEST_F(Rule, TOK_7_UnknownSecret_IsUnauthorizedNotAnonymous) {
  account.activate_tokens();
  account.generate("t1");
  EXPECT_TRUE(decided(account.probe(token(k_eve_email, "never-made")), Outcome::unauthorized(),
                      RuleId::TOK_7));
}

TEST_F(Rule, TOK_7_DeletedToken_IsUnauthorized) {
  account.activate_tokens();
  account.generate("t1");
  ASSERT_EQ(account.send(DeleteTokenOp{"t1"}, admin_oauth()).outcome, Outcome::ok());
  EXPECT_TRUE(decided(account.probe(token(k_eve_email, "t1")), Outcome::unauthorized(), RuleId::TOK_7));
}

TEST_F(Rule, TOK_7_DeactivatedToken_IsUnauthorized) {
  account.activate_tokens();
  account.generate("t1");
  ASSERT_EQ(account.send(SetTokenActiveOp{"t1", false}, admin_oauth()).outcome, Outcome::ok());
  EXPECT_TRUE(decided(account.probe(token(k_eve_email, "t1")), Outcome::unauthorized(), RuleId::TOK_7));
}

TEST_F(Rule, TOK_7_EmailMatchingNoUser_IsUnauthorized) {
  account.activate_tokens();
  account.generate("t1");
  EXPECT_TRUE(decided(account.probe(token("nobody@example.test", "t1")), Outcome::unauthorized(),
                      RuleId::TOK_7));
}

TEST_F(Rule, TOK_7_SymbolicEmailOfNoUser_IsUnauthorized) {
  account.activate_tokens();
  account.generate("t1");
  EXPECT_TRUE(decided(account.probe(token("${email:ghost}", "t1")), Outcome::unauthorized(), RuleId::TOK_7));
}

TEST_F(Rule, TOK_7_EmailCaseFoldingIsAsciiOnly) {
  // "éve" and "ÉVE" differ beyond ASCII: no user matches.
  account.activate_tokens();
  account.generate("t1");
  ASSERT_EQ(account.send(AddUserOp{"evelyn", "\xc3\xa9ve@example.test", Role::agent, "ev-pw", false}).outcome,
            Outcome::ok());
  EXPECT_EQ(account.probe(token("\xc3\xa9VE@Example.test", "t1")).outcome, Outcome::as_user("evelyn"));
  EXPECT_TRUE(decided(account.probe(token("\xc3\x89VE@example.test", "t1")), Outcome::unauthorized(),
                      RuleId::TOK_7));
}

TEST_F(Rule, TOK_7_EmptySecret_IsUnauthorized) {
  account.activate_tokens();
  account.generate("t1");
  EXPECT_TRUE(decided(account.probe(basic(k_eve_email + "/token:")), Outcome::unauthorized(),
                      RuleId::TOK_7));
}

TEST_F(Rule, TOK_7_NoOtherFolding_UpperCaseTokenSuffixIsAPasswordLogin) {
  // Only "/token" in lower case selects the token path; "/TOKEN" is part of
  // an email that matches no user, so the password path falls back (PWD-7).
  account.activate_tokens();
  account.generate("t1");
  EXPECT_TRUE(decided(account.probe(raw("Basic ${base64:eve@example.test/TOKEN:${token:t1}}")),
                      Outcome::anonymous(), RuleId::PWD_7));
}

// --- PWD-3 / PWD-4 -------------------------------------------------------------

TEST_F(Rule, PWD_3_EndUserRightPassword_AccessOff_IsAnonymous) {
  account.accept_agreement();
  EXPECT_TRUE(decided(account.probe(password(k_eve)), Outcome::anonymous(), RuleId::PWD_3));
}

TEST_F(Rule, PWD_4_EndUserRightPassword_AccessOn_IsTheEndUser) {
  account.activate_end_user_passwords();
  EXPECT_TRUE(decided(account.probe(password(k_eve)), Outcome::as_user("eve"), RuleId::PWD_4));
  EXPECT_TRUE(decided(account.probe(PasswordCredential{"EVE@Example.TEST", "eve-pw"}),
                      Outcome::as_user("eve"), RuleId::PWD_4));
}

TEST_F(Rule, PWD_4_NonAsciiPassword_Authenticates) {
  account.activate_end_user_passwords();
  ASSERT_EQ(account.send(SetPasswordOp{"eve", "p\xc3\xa4ss w:rd \xe2\x82\xac"}).outcome, Outcome::ok());
  EXPECT_TRUE(decided(account.probe(PasswordCredential{k_eve_email, "p\xc3\xa4ss w:rd \xe2\x82\xac"}),
                      Outcome::as_user("eve"), RuleId::PWD_4));
}

TEST_F(Rule, PWD_4_EndUserPasswordAccess_DoesNotAdmitAgents) {
  account.activate_end_user_passwords();
  EXPECT_TRUE(decided(account.probe(password(k_alice)), Outcome::anonymous(), RuleId::PWD_6));
}

// --- PWD-6 -------------------------------------------------------------------

TEST_F(Rule, PWD_6_AgentAndAdminPassword_LegacySettingOff_IsAnonymous) {
  account.accept_agreement();
  EXPECT_TRUE(decided(account.probe(password(k_alice)), Outcome::anonymous(), RuleId::PWD_6));
  EXPECT_TRUE(decided(account.probe(password(k_bob)), Outcome::anonymous(), RuleId::PWD_6));
}

TEST_F(Rule, PWD_6_AgentAndAdminPassword_LegacySettingOn_IsTheUser) {
  account.set_agent_password_access(true);
  EXPECT_TRUE(account.state().agent_password_access);
  EXPECT_TRUE(decided(account.probe(password(k_alice)), Outcome::as_user("alice"), RuleId::PWD_6));
  EXPECT_TRUE(decided(account.probe(password(k_bob)), Outcome::as_user("bob"), RuleId::PWD_6));
}

TEST_F(Rule, PWD_6_LegacySettingOn_DoesNotAdmitEndUsers) {
  account.set_agent_password_access(true);
  EXPECT_TRUE(decided(account.probe(password(k_eve)), Outcome::anonymous(), RuleId::PWD_3));
}

TEST_F(Rule, PWD_6_LegacySettingOff_AgainMakesAgentsAnonymous) {
  account.set_agent_password_access(true);
  account.set_agent_password_access(false);
  EXPECT_TRUE(decided(account.probe(password(k_alice)), Outcome::anonymous(), RuleId::PWD_6));
}

// --- PWD-7 -------------------------------------------------------------------

TEST_F(Rule, PWD_7_WrongPassword_IsAnonymousNeverUnauthorized) {
  account.activate_end_user_passwords();
  account.set_agent_password_access(true);
  EXPECT_TRUE(decided(account.probe(PasswordCredential{k_eve_email, "wrong"}), Outcome::anonymous(),
                      RuleId::PWD_7));
  EXPECT_TRUE(decided(account.probe(PasswordCredential{email_of(k_alice), "eve-pw"}),
                      Outcome::anonymous(), RuleId::PWD_7));
}

TEST_F(Rule, PWD_7_UnknownEmail_IsAnonymous) {
  account.activate_end_user_passwords();
  EXPECT_TRUE(decided(account.probe(PasswordCredential{"nobody@example.test", "eve-pw"}),
                      Outcome::anonymous(), RuleId::PWD_7));
}

TEST_F(Rule, PWD_7_EmptyPassword_NeverMatches) {
  account.activate_end_user_passwords();
  account.set_agent_password_access(true);
  EXPECT_TRUE(decided(account.probe(PasswordCredential{k_eve_email, ""}), Outcome::anonymous(),
                      RuleId::PWD_7));
  EXPECT_TRUE(decided(account.probe(PasswordCredential{"${email:admin}", ""}), Outcome::anonymous(),
                      RuleId::PWD_7));
}

TEST_F(Rule, PWD_7_WrongPasswordOnTickets_IsUnauthorizedAsAnonymous) {
  account.activate_end_user_passwords();
  EXPECT_TRUE(decided(account.probe(PasswordCredential{k_eve_email, "wrong"}, Probe::tickets),
                      Outcome::unauthorized(), {RuleId::PWD_7, RuleId::PRB_2}));
}

// --- PWD-8 -------------------------------------------------------------------

TEST_F(Rule, PWD_8_EnrolledEndUser_StillAuthenticatesByPassword) {
  account.activate_end_user_passwords();
  EXPECT_TRUE(decided(account.probe(password(k_ann)), Outcome::as_user("ann"), RuleId::PWD_8));
}

TEST_F(Rule, PWD_8_TwoFactorRequired_DoesNotChangePasswordDecisions) {
  account.set_two_factor_required(true);
  account.activate_end_user_passwords();
  account.set_agent_password_access(true);
  EXPECT_TRUE(decided(account.probe(password(k_eve)), Outcome::as_user("eve"), RuleId::PWD_8));
  EXPECT_TRUE(decided(account.probe(password(k_alice)), Outcome::as_user("alice"), RuleId::PWD_8));
}

TEST_F(Rule, PWD_8_EnrolledAgent_StillAuthenticatesByPassword) {
  account.add_user("gail", Role::agent, true);
  account.set_agent_password_access(true);
  EXPECT_TRUE(decided(account.probe(password("gail")), Outcome::as_user("gail"), RuleId::PWD_8));
}

TEST_F(Rule, PWD_8_EnrolledEndUser_AccessOff_IsStillAnonymous) {
  account.set_two_factor_required(true);
  EXPECT_TRUE(decided(account.probe(password(k_ann)), Outcome::anonymous(), RuleId::PWD_3));
}

// --- OAU-1 / OAU-2 -------------------------------------------------------------

TEST_F(Rule, OAU_1_LiveOAuthToken_IsItsOwnerWhateverTheSettings) {
  EXPECT_TRUE(decided(account.probe(admin_oauth()), Outcome::as_user("admin"), RuleId::OAU_1));
  account.activate_tokens();
  account.activate_end_user_passwords();
  account.set_agent_password_access(true);
  account.set_two_factor_required(true);
  EXPECT_TRUE(decided(account.probe(admin_oauth()), Outcome::as_user("admin"), RuleId::OAU_1));
  account.set_token_access(false);
  account.set_end_user_password_access(false);
  EXPECT_TRUE(decided(account.probe(admin_oauth()), Outcome::as_user("admin"), RuleId::OAU_1));
}

TEST_F(Rule, OAU_1_IssuedToken_IsItsOwner) {
  ASSERT_EQ(account.send(IssueOAuthOp{"o1", "eve"}, admin_oauth()).outcome, Outcome::ok());
  EXPECT_TRUE(decided(account.probe(OAuthCredential{"o1"}), Outcome::as_user("eve"), RuleId::OAU_1));
  EXPECT_TRUE(decided(account.probe(raw("Bearer ${oauth:o1}")), Outcome::as_user("eve"), RuleId::OAU_1));
}

TEST_F(Rule, OAU_2_UnknownOAuthSecret_IsUnauthorized) {
  EXPECT_TRUE(decided(account.probe(OAuthCredential{"o9"}), Outcome::unauthorized(), RuleId::OAU_2));
  EXPECT_TRUE(decided(account.probe(raw("Bearer made-up-secret")), Outcome::unauthorized(),
                      RuleId::OAU_2));
}

TEST_F(Rule, OAU_2_RevokedOAuthToken_IsUnauthorized) {
  ASSERT_EQ(account.send(IssueOAuthOp{"o1", "alice"}, admin_oauth()).outcome, Outcome::ok());
  ASSERT_EQ(account.send(RevokeOAuthOp{"o1"}, admin_oauth()).outcome, Outcome::ok());
  EXPECT_TRUE(decided(account.probe(OAuthCredential{"o1"}), Outcome::unauthorized(), RuleId::OAU_2));
  EXPECT_TRUE(decided(account.probe(OAuthCredential{"o1"}, Probe::tickets), Outcome::unauthorized(),
                      RuleId::OAU_2));
}

}  // namespace
}  // namespace authconform::model::tests
