// The fixture operations (wire.md, "Fixture interface"): set-up that carries
// no credential, succeeds on well-formed input and refuses bad input with 400.
#include "tests/model/model_test_support.h"

namespace authconform::model::tests {
namespace {

class FixtureOps : public Rule {};

TEST_F(FixtureOps, SetPassword_ReplacesThePassword) {
  account.activate_end_user_passwords();
  ASSERT_EQ(account.send(SetPasswordOp{"eve", "fresh-pw"}).outcome, Outcome::ok());
  EXPECT_TRUE(decided(account.probe(password(k_eve)), Outcome::anonymous(), RuleId::PWD_7));
  EXPECT_EQ(account.probe(PasswordCredential{email_of(k_eve), "fresh-pw"}).outcome, Outcome::as_user("eve"));
}

TEST_F(FixtureOps, CredentialIsIgnored) {
  const Decision decision = account.send(SetTwoFactorRequiredOp{true}, raw("Basic !!!"));
  EXPECT_EQ(decision.outcome, Outcome::ok());
  EXPECT_TRUE(account.state().two_factor_required);
}

TEST_F(FixtureOps, AddedUserGetsItsRoleAndEnrolment) {
  account.add_user("gail", Role::agent, true);
  const User* gail = account.state().find_user_by_name("gail");
  ASSERT_NE(gail, nullptr);
  EXPECT_EQ(gail->role, Role::agent);
  EXPECT_TRUE(gail->two_factor_enrolled);
  EXPECT_EQ(account.state().find_user_by_email("GAIL@example.TEST"), gail);
}

TEST_F(FixtureOps, SetTwoFactorEnrolled_ChangesTheUser) {
  ASSERT_EQ(account.send(SetTwoFactorEnrolledOp{"eve", true}).outcome, Outcome::ok());
  EXPECT_TRUE(account.state().find_user_by_name("eve")->two_factor_enrolled);
  ASSERT_EQ(account.send(SetTwoFactorEnrolledOp{"eve", false}).outcome, Outcome::ok());
  EXPECT_FALSE(account.state().find_user_by_name("eve")->two_factor_enrolled);
}

// spec §1: "Every user has a non-empty password"; wire.md: bad fixture input
// gets 400. A target refuses these, so the model must expect `invalid`.
TEST_F(FixtureOps, AddUserWithEmptyPassword_IsInvalid) {
  const AccountState before = account.state();
  const Decision decision = account.send(AddUserOp{"zoe", "zoe@example.test", Role::end_user, "", false});
  EXPECT_EQ(decision.outcome, Outcome::invalid());
  EXPECT_EQ(account.state(), before);
}

TEST_F(FixtureOps, SetEmptyPassword_IsInvalid) {
  const AccountState before = account.state();
  EXPECT_EQ(account.send(SetPasswordOp{"eve", ""}).outcome, Outcome::invalid());
  EXPECT_EQ(account.state(), before);
}

// Emails identify users (spec §1): a second user with the same email, in any
// case, would make identification ambiguous.
TEST_F(FixtureOps, AddUserWithTakenEmail_IsInvalid) {
  const AccountState before = account.state();
  const Decision decision = account.send(AddUserOp{"eve2", "EVE@example.test", Role::admin, "x-pw", false});
  EXPECT_EQ(decision.outcome, Outcome::invalid());
  EXPECT_EQ(account.state(), before);
}

TEST_F(FixtureOps, AddUserWithTakenName_IsInvalid) {
  const AccountState before = account.state();
  const Decision decision = account.send(AddUserOp{"eve", "other@example.test", Role::admin, "x-pw", false});
  EXPECT_EQ(decision.outcome, Outcome::invalid());
  EXPECT_EQ(account.state(), before);
}

}  // namespace
}  // namespace authconform::model::tests
