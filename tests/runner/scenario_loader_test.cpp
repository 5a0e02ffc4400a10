// The scenario loader: the exact Scenario of a good file, the exact text of
// its errors, robustness against any input, the writer's round trip, and
// describe_step's redaction.
#include "runner/scenario_loader.h"
#include "tests/utils/test_utils.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <filesystem>
#include <fstream>

namespace authconform::runner {
namespace {

using model::Outcome;
using model::RuleId;

// --- helpers ----------------------------------------------------------------

std::vector<std::string> formatted(const ScenarioLoad& load) {
  std::vector<std::string> lines;
  for (const LoadError& e : load.errors) lines.push_back(e.format());
  return lines;
}

// The errors of `yaml` (loaded as "t.yaml"), formatted.
std::vector<std::string> errors_of(const std::string& yaml) {
  return formatted(load_scenario_text(yaml, "t.yaml"));
}

// The one error a scenario with these `steps:` lines gives (users eve and al exist).
std::string step_error(const std::string& steps) {
  const std::string yaml =
      "scenario: s\n"
      "users:\n"
      "  - {name: eve, role: end-user, password: pw-eve}\n"
      "  - {name: al, role: agent, password: pw-al}\n"
      "steps:\n" +
      steps;
  const auto errors = errors_of(yaml);
  if (errors.size() != 1) {
    std::string all;
    for (const auto& e : errors) all += e + "\n";
    return "expected one error, got " + std::to_string(errors.size()) + ":\n" + all;
  }
  return errors.front();
}

Step step_of(const std::string& kind, model::Operation op, model::Credential credential,
             std::optional<Outcome> expect = std::nullopt) {
  Step step;
  step.kind = kind;
  step.request = {std::move(op), std::move(credential)};
  step.expect = std::move(expect);
  return step;
}

// Equal scenarios, positions aside.
bool same_scenario(const Scenario& a, const Scenario& b) {
  if (a.path != b.path || a.title != b.title || a.description != b.description ||
      a.rules != b.rules || a.policy != b.policy || a.policy_given != b.policy_given ||
      a.tags != b.tags || a.steps.size() != b.steps.size() ||
      user_fixtures(a) != user_fixtures(b))
    return false;
  for (std::size_t i = 0; i < a.steps.size(); ++i) {
    const Step& x = a.steps[i];
    const Step& y = b.steps[i];
    if (x.kind != y.kind || !(x.request == y.request) || x.expect != y.expect) return false;
  }
  return true;
}

const model::Credential k_admin_oauth = model::OAuthCredential{"admin-oauth"};

model::PasswordCredential password_of(std::string user, std::string password) {
  return {"${email:" + user + "}", std::move(password)};
}

// --- a good file --------------------------------------------------------------

Scenario expected_good_scenario(const std::string& path) {
  using namespace model;
  Scenario s;
  s.path = path;
  s.title = "every step kind loads";
  s.description = "A reference file for the loader test.\n";
  s.rules = {RuleId::PWD_3, RuleId::TFA_1, RuleId::TOK_4};
  s.policy = PolicyId::zendesk_2026;
  s.policy_given = true;
  s.tags = {"loader", "smoke"};
  s.users = {{"eve", "eve@x.test", Role::end_user, "s3cret-1", true},
             {"al", "al@example.test", Role::agent, "pw-al-1", false}};
  UpdateSettingsOp accept;
  accept.accepted_api_agreement = true;
  UpdateSettingsOp set = accept;
  set.token_access = true;
  set.end_user_password_access = false;
  UpdateSettingsOp malformed;
  malformed.malformed = true;
  s.steps = {
      step_of("request", ProbeOp{Probe::me}, NoCredential{}),
      step_of("request", ProbeOp{Probe::tickets}, password_of("eve", "s3cret-1"),
              Outcome::forbidden(Reason::not_agent)),
      step_of("read_settings", ReadSettingsOp{},
              PasswordCredential{"al@example.test", "pw-al-1"}, Outcome::ok()),
      step_of("list_tokens", ListTokensOp{}, k_admin_oauth),
      step_of("accept_agreement", accept, k_admin_oauth, Outcome::ok()),
      step_of("set", set, k_admin_oauth),
      step_of("malformed_settings", malformed, k_admin_oauth, Outcome::invalid()),
      step_of("generate_token", GenerateTokenOp{"t1"}, k_admin_oauth),
      step_of("request", ProbeOp{Probe::me}, TokenCredential{"${email:al}", "t1"},
              Outcome::as_user("al")),
      step_of("request", ProbeOp{Probe::me}, TokenCredential{"${email:al}", "t9"},
              Outcome::unauthorized()),
      step_of("deactivate_token", SetTokenActiveOp{"t1", false}, k_admin_oauth),
      step_of("activate_token", SetTokenActiveOp{"t1", true}, k_admin_oauth),
      step_of("delete_token", DeleteTokenOp{"t1"}, password_of("al", "pw-al-1"),
              Outcome::forbidden(Reason::not_admin)),
      step_of("issue_oauth", IssueOAuthOp{"o1", "al", true, false}, k_admin_oauth),
      step_of("issue_oauth", IssueOAuthOp{"o2", "eve", true, true}, k_admin_oauth),
      step_of("request", ProbeOp{Probe::tickets}, OAuthCredential{"o1"}, Outcome::as_user("al")),
      step_of("revoke_oauth", RevokeOAuthOp{"o1"}, NoCredential{}, Outcome::unauthorized()),
      step_of("add_user", AddUserOp{"zed", "zed@example.test", Role::admin, "zz-9", false},
              NoCredential{}),
      step_of("set_password", SetPasswordOp{"zed", "new-pw"}, NoCredential{}),
      step_of("enroll_2fa", SetTwoFactorEnrolledOp{"zed", true}, NoCredential{}),
      step_of("enroll_2fa", SetTwoFactorEnrolledOp{"eve", false}, NoCredential{}),
      step_of("require_2fa", SetTwoFactorRequiredOp{true}, NoCredential{}),
      step_of("agent_password_access", SetAgentPasswordAccessOp{false}, NoCredential{}),
      step_of("request", ProbeOp{Probe::me}, RawCredential{"Basic ${base64:${email:zed}:new-pw}"},
              Outcome::anonymous()),
      step_of("request", ProbeOp{Probe::tickets}, NoCredential{},
              Outcome::forbidden(Reason::none)),
  };
  return s;
}

TEST(ScenarioLoader, GoodFile_LoadsIntoTheExactScenario) {
  const std::string path = testing::test_data_dir() + "/loader/good.yaml";
  const ScenarioLoad load = load_scenario_file(path);
  ASSERT_EQ(formatted(load), std::vector<std::string>{});
  ASSERT_TRUE(load.scenario.has_value());
  const Scenario expected = expected_good_scenario(path);
  EXPECT_TRUE(same_scenario(*load.scenario, expected));
  // Field by field too, so that a failure says where.
  ASSERT_EQ(load.scenario->steps.size(), expected.steps.size());
  for (std::size_t i = 0; i < expected.steps.size(); ++i) {
    EXPECT_EQ(load.scenario->steps[i].kind, expected.steps[i].kind) << "step " << i;
    EXPECT_TRUE(load.scenario->steps[i].request == expected.steps[i].request) << "step " << i;
    EXPECT_EQ(load.scenario->steps[i].expect, expected.steps[i].expect) << "step " << i;
  }
  EXPECT_EQ(load.scenario->description, expected.description);
}

TEST(ScenarioLoader, StepPosition_IsTheStepsFirstKey) {
  const ScenarioLoad load = load_scenario_file(testing::test_data_dir() + "/loader/good.yaml");
  ASSERT_TRUE(load.scenario.has_value());
  const Step& first = load.scenario->steps.front();
  EXPECT_EQ(first.pos.line, 15);
  EXPECT_EQ(first.pos.column, 5);
  const Step& last = load.scenario->steps.back();  // written `- expect: ...` first
  EXPECT_EQ(last.pos.line, 57);
  EXPECT_EQ(last.pos.column, 5);
}

TEST(ScenarioLoader, Defaults_AnonymousRequestsAdminOAuthForAdminStepsAndDefaultEmail) {
  const Scenario s = testing::scenario_from_yaml(
      "scenario: defaults\n"
      "users: [{name: bo, role: agent, password: p}]\n"
      "steps:\n"
      "  - request: me\n"
      "  - generate_token: {name: t1}\n"
      "  - require_2fa: {}\n"
      "  - read_settings: {}\n"
      "    as: {oauth: o9}\n");
  ASSERT_EQ(s.steps.size(), 4u);
  EXPECT_TRUE(s.steps[0].request.credential == model::Credential{model::NoCredential{}});
  EXPECT_TRUE(s.steps[1].request.credential == k_admin_oauth);
  EXPECT_TRUE(s.steps[2].request.op == model::Operation{model::SetTwoFactorRequiredOp{true}});
  EXPECT_TRUE(s.steps[3].request.credential == model::Credential{model::OAuthCredential{"o9"}});
  EXPECT_EQ(s.users.at(0).email, "bo@example.test");
  EXPECT_FALSE(s.users.at(0).two_factor);
  EXPECT_FALSE(s.policy_given);
  EXPECT_EQ(s.policy, model::PolicyId::article);
}

TEST(ScenarioLoader, BooleanWords_AcceptTrueFalseOnOffInAnyCaseQuotedOrNot) {
  const Scenario s = testing::scenario_from_yaml(
      "scenario: words\n"
      "steps:\n"
      "  - set: {token_access: On, end_user_password_access: 'FALSE', accepted_api_agreement: "
      "\"true\"}\n");
  const auto& op = std::get<model::UpdateSettingsOp>(s.steps.at(0).request.op);
  EXPECT_EQ(op.token_access, true);
  EXPECT_EQ(op.end_user_password_access, false);
  EXPECT_EQ(op.accepted_api_agreement, true);
}

TEST(ScenarioLoader, UnknownTokenAndOAuthNames_AreAllowedInCredentialsAndTokenSteps) {
  const Scenario s = testing::scenario_from_yaml(
      "scenario: made-up secrets\n"
      "steps:\n"
      "  - request: me\n"
      "    as: {user: admin, token: never-made}\n"
      "  - delete_token: {token: ghost}\n"
      "  - revoke_oauth: {oauth: ghost}\n"
      "    by: {oauth: ghost-2}\n");
  EXPECT_EQ(s.steps.size(), 3u);
}

// --- exact error texts -------------------------------------------------------

TEST(ScenarioLoaderErrors, SeveralErrors_AreReportedTogetherInFileOrder) {
  const std::string path = testing::test_data_dir() + "/loader/several_errors.yaml";
  const ScenarioLoad load = load_scenario_file(path);
  EXPECT_FALSE(load.scenario.has_value());
  const std::vector<std::string> expected{
      path + ":3:9: unknown rule 'PWD-33' (did you mean 'PWD-3'?)",
      path + ":4:9: unknown policy 'zendesk' (use article or zendesk-2026)",
      path + ":6:5: missing required key 'password' in user",
      path + ":6:23: role 'agnet' does not exist (use end-user, agent or admin; did you mean 'agent'?)",
      path + ":6:30: unknown key 'pasword' in user (did you mean 'password'?)",
      path + ":8:5: unknown step 'acept_agreement' (did you mean 'accept_agreement'?)",
      path + ":9:25: 'yes please' is not on or off",
      path + ":11:16: undefined user 'bob' (define it under users: or with add_user first)",
      path + ":13:25: unknown reason 'not_admn' (did you mean 'not_admin'?)",
  };
  EXPECT_EQ(formatted(load), expected);
}

TEST(ScenarioLoaderErrors, SyntaxError_GivesYamlCppsMessageWithItsPosition) {
  const std::string path = testing::test_data_dir() + "/loader/syntax_error.yaml";
  EXPECT_EQ(formatted(load_scenario_file(path)),
            std::vector<std::string>{path + ":5:12: YAML syntax error: end of map flow not found"});
}

TEST(ScenarioLoaderErrors, StepsOfTheWrongType_SaysWhatWasExpected) {
  EXPECT_EQ(errors_of("scenario: s\nsteps: request me\n"),
            std::vector<std::string>{
                "t.yaml:2:8: expected a list of steps, got a string ('request me')"});
}

TEST(ScenarioLoaderErrors, MissingTitleAndSteps_AreBothReported) {
  EXPECT_EQ(errors_of("description: nothing else\n"),
            (std::vector<std::string>{
                "t.yaml:1:1: missing required key 'scenario' (the scenario's title)",
                "t.yaml:1:1: missing required key 'steps' (the list of steps)"}));
}

TEST(ScenarioLoaderErrors, EmptyStepList_IsRefused) {
  EXPECT_EQ(errors_of("scenario: s\nsteps: []\n"),
            std::vector<std::string>{
                "t.yaml:2:8: 'steps' is empty (a scenario needs at least one step)"});
}

TEST(ScenarioLoaderErrors, EmptyFile_IsAnErrorWithoutPosition) {
  EXPECT_EQ(errors_of("# only a comment\n"),
            std::vector<std::string>{
                "t.yaml: the file is empty (a scenario needs at least 'scenario:' and 'steps:')"});
}

TEST(ScenarioLoaderErrors, UnknownTopLevelKey_SuggestsTheClosest) {
  EXPECT_EQ(errors_of("scenario: s\nstpes: []\nsteps: [{request: me}]\n"),
            std::vector<std::string>{
                "t.yaml:2:1: unknown key 'stpes' in the scenario (did you mean 'steps'?)"});
}

TEST(ScenarioLoaderErrors, UnknownStepFarFromAny_ListsTheSteps) {
  EXPECT_EQ(step_error("  - frobnicate: {}\n"),
            "t.yaml:6:5: unknown step 'frobnicate' (use request, read_settings, list_tokens, "
            "accept_agreement, set, malformed_settings, generate_token, deactivate_token, "
            "activate_token, delete_token, issue_oauth, revoke_oauth, add_user, set_password, "
            "enroll_2fa, require_2fa or agent_password_access)");
}

TEST(ScenarioLoaderErrors, MisspelledExpect_SuggestsExpect) {
  EXPECT_EQ(step_error("  - request: me\n    expcet: ok\n"),
            "t.yaml:7:5: unknown key 'expcet' in step (did you mean 'expect'?)");
}

TEST(ScenarioLoaderErrors, TwoStepKeys_AskForTwoSteps) {
  EXPECT_EQ(step_error("  - request: me\n    set: {token_access: on}\n"),
            "t.yaml:7:5: a step has one step key, found 'request' and 'set' (make them two steps)");
}

TEST(ScenarioLoaderErrors, StepWithoutStepKey_ListsTheSteps) {
  EXPECT_EQ(step_error("  - expect: ok\n"),
            "t.yaml:6:5: the step has no step key (use one of request, read_settings, "
            "list_tokens, accept_agreement, set, malformed_settings, generate_token, "
            "deactivate_token, activate_token, delete_token, issue_oauth, revoke_oauth, add_user, "
            "set_password, enroll_2fa, require_2fa or agent_password_access)");
}

TEST(ScenarioLoaderErrors, AsOnAnAdminStep_AsksForBy) {
  EXPECT_EQ(step_error("  - set: {token_access: on}\n    as: anonymous\n"),
            "t.yaml:7:5: 'set' takes 'by:', not 'as:'");
}

TEST(ScenarioLoaderErrors, ByOnARequest_AsksForAs) {
  EXPECT_EQ(step_error("  - request: me\n    by: anonymous\n"),
            "t.yaml:7:5: 'request' takes 'as:', not 'by:'");
}

TEST(ScenarioLoaderErrors, CredentialOnAFixture_IsRefused) {
  EXPECT_EQ(step_error("  - enroll_2fa: {user: eve}\n    by: anonymous\n"),
            "t.yaml:7:5: 'enroll_2fa' is a fixture step and takes no 'by' (remove it)");
}

TEST(ScenarioLoaderErrors, BothAsAndBy_OnAReadStep_IsRefused) {
  EXPECT_EQ(step_error("  - read_settings: {}\n    as: anonymous\n    by: anonymous\n"),
            "t.yaml:8:5: 'read_settings' takes 'as:' or 'by:', not both");
}

TEST(ScenarioLoaderErrors, CredentialOfNoKnownForm_ListsTheForms) {
  EXPECT_EQ(step_error("  - request: me\n    as: {user: eve}\n"),
            "t.yaml:7:9: a credential with user is not one of the forms anonymous, "
            "{user, password}, {email, password}, {user, token}, {email, token}, {oauth} or "
            "{header}");
}

TEST(ScenarioLoaderErrors, ScalarCredential_OtherThanAnonymous_IsRefused) {
  EXPECT_EQ(step_error("  - request: me\n    as: eve\n"),
            "t.yaml:7:9: 'eve' is not a credential (use anonymous or a map such as "
            "{user: eve, password: P})");
}

TEST(ScenarioLoaderErrors, UndefinedUserCloseToAKnownOne_SuggestsIt) {
  EXPECT_EQ(step_error("  - request: me\n    as: {user: evee, password: pw}\n"),
            "t.yaml:7:16: undefined user 'evee' (did you mean 'eve'?)");
}

TEST(ScenarioLoaderErrors, UserAddedLater_IsUndefinedBefore) {
  EXPECT_EQ(step_error("  - enroll_2fa: {user: zed}\n"
                       "  - add_user: {name: zed, role: agent, password: p}\n"),
            "t.yaml:6:24: undefined user 'zed' (define it under users: or with add_user first)");
}

TEST(ScenarioLoaderErrors, BadHeaderPlaceholder_QuotesTheTemplateAndTheFix) {
  EXPECT_EQ(step_error("  - request: me\n    as: {header: 'Bearer ${tok:t1}'}\n"),
            "t.yaml:7:18: bad header template 'Bearer ${tok:t1}': unknown placeholder "
            "'${tok:t1}' (use ${token:NAME}, ${oauth:NAME}, ${email:USER}, ${base64:TEXT}, ${swapcase:TEXT} or ${chop:TEXT})");
}

TEST(ScenarioLoaderErrors, HeaderNamingAnUndefinedUser_IsRefused) {
  EXPECT_EQ(step_error("  - request: me\n    as: {header: 'Basic ${base64:${email:bob}:x}'}\n"),
            "t.yaml:7:18: undefined user 'bob' in '${email:bob}' (define it under users: or "
            "with add_user first)");
}

TEST(ScenarioLoaderErrors, ReusedTokenName_AsksForANewOne) {
  EXPECT_EQ(step_error("  - generate_token: {name: t1}\n  - generate_token: {name: t1}\n"),
            "t.yaml:7:28: token 't1' already exists in this scenario (choose a new name)");
}

TEST(ScenarioLoaderErrors, AdminOAuthName_IsTaken) {
  EXPECT_EQ(step_error("  - issue_oauth: {name: admin-oauth, user: eve}\n"),
            "t.yaml:6:25: OAuth token 'admin-oauth' already exists in this scenario (choose a "
            "new name)");
}

TEST(ScenarioLoaderErrors, UserNamedAdmin_IsReserved) {
  EXPECT_EQ(step_error("  - add_user: {name: admin, role: admin, password: p}\n"),
            "t.yaml:6:22: user name 'admin' is reserved for the built-in admin");
}

TEST(ScenarioLoaderErrors, RepeatedUser_NamesTheFirstLine) {
  EXPECT_EQ(step_error("  - add_user: {name: al, role: agent, password: p}\n"),
            "t.yaml:6:22: user 'al' is already defined (line 4)");
}

TEST(ScenarioLoaderErrors, InvalidUserName_SaysWhichCharactersAreAllowed) {
  EXPECT_EQ(step_error("  - add_user: {name: Zed Z, role: agent, password: p}\n"),
            "t.yaml:6:22: user name 'Zed Z' is not valid (use only a-z, 0-9, _ and -)");
}

TEST(ScenarioLoaderErrors, SameEmailInAnotherCase_IsRefused) {
  EXPECT_EQ(step_error("  - add_user: {name: zed, role: agent, password: p, email: EVE@example.test}\n"),
            "t.yaml:6:60: email 'EVE@example.test' is already used by user 'eve' (emails are "
            "matched without case)");
}

TEST(ScenarioLoaderErrors, EmptyPassword_IsRefused) {
  EXPECT_EQ(step_error("  - set_password: {user: eve, password: ''}\n"),
            "t.yaml:6:41: 'password' must not be empty");
}

TEST(ScenarioLoaderErrors, NotABoolean_SaysTrueOrFalse) {
  EXPECT_EQ(step_error("  - enroll_2fa: {user: eve, enrolled: maybe}\n"),
            "t.yaml:6:39: 'maybe' is not true or false");
}

TEST(ScenarioLoaderErrors, EmptySet_NamesTheSettings) {
  EXPECT_EQ(step_error("  - set: {}\n"),
            "t.yaml:6:10: 'set' needs at least one of token_access, end_user_password_access "
            "or accepted_api_agreement");
}

TEST(ScenarioLoaderErrors, ArgumentsToANoArgumentStep_AreRefused) {
  EXPECT_EQ(step_error("  - accept_agreement: yes\n"),
            "t.yaml:6:23: 'accept_agreement' takes no arguments, got a string ('yes') (write "
            "accept_agreement: {})");
}

TEST(ScenarioLoaderErrors, StepArgumentsOfTheWrongType_ShowAnExample) {
  EXPECT_EQ(step_error("  - generate_token: t1\n"),
            "t.yaml:6:21: expected a map for 'generate_token' such as {name: t1}, got a string "
            "('t1')");
}

TEST(ScenarioLoaderErrors, MissingArgument_NamesTheKey) {
  EXPECT_EQ(step_error("  - set_password: {user: eve}\n"),
            "t.yaml:6:19: missing required key 'password' in set_password");
}

TEST(ScenarioLoaderErrors, UnknownScope_SuggestsTheClosest) {
  EXPECT_EQ(step_error("  - issue_oauth: {name: o1, user: eve, scopes: [rad]}\n"),
            "t.yaml:6:49: unknown scope 'rad' (did you mean 'read'?)");
}

TEST(ScenarioLoaderErrors, UnknownRequest_SuggestsTheClosest) {
  EXPECT_EQ(step_error("  - request: ticket\n"),
            "t.yaml:6:14: unknown request 'ticket' (use me or tickets; did you mean 'tickets'?)");
}

TEST(ScenarioLoaderErrors, UnknownExpectation_SuggestsTheClosest) {
  EXPECT_EQ(step_error("  - request: me\n    expect: unauthorised\n"),
            "t.yaml:7:13: unknown expectation 'unauthorised' (did you mean 'unauthorized'?)");
}

TEST(ScenarioLoaderErrors, ExpectationInTextForm_ShowsTheMapForm) {
  EXPECT_EQ(step_error("  - request: me\n    expect: user:eve\n"),
            "t.yaml:7:13: write the expectation 'user:eve' as {user: eve}");
}

TEST(ScenarioLoaderErrors, BareUserExpectation_AsksForAName) {
  EXPECT_EQ(step_error("  - request: me\n    expect: user\n"),
            "t.yaml:7:13: the expectation 'user' needs a name (write {user: NAME})");
}

TEST(ScenarioLoaderErrors, DuplicateKey_PointsAtTheFirst) {
  EXPECT_EQ(errors_of("scenario: s\nusers:\n  - name: bo\n    role: agent\n    password: p\n"
                      "    role: admin\nsteps: [{request: me}]\n"),
            std::vector<std::string>{"t.yaml:6:5: duplicate key 'role' (first at line 4; keep one)"});
}

TEST(ScenarioLoaderErrors, EmptyValue_IsReportedAtItsKey) {
  EXPECT_EQ(errors_of("scenario:\nsteps: [{request: me}]\n"),
            std::vector<std::string>{"t.yaml:1:1: missing value for 'scenario'"});
}

TEST(ScenarioLoaderErrors, TwoDocuments_AreRefused) {
  EXPECT_EQ(errors_of("scenario: a\nsteps: [{request: me}]\n---\nscenario: b\n"),
            std::vector<std::string>{"t.yaml:3:1: a scenario file holds one YAML document, found "
                                     "2 (put each scenario in a file of its own)"});
}

TEST(ScenarioLoaderErrors, StrayComma_IsASyntaxErrorNotAHang) {
  // yaml-cpp 0.7's own LoadAll loops forever on these (jbeder/yaml-cpp#1040).
  EXPECT_EQ(errors_of(","), std::vector<std::string>{"t.yaml:1:1: YAML syntax error: unexpected ','"});
  EXPECT_EQ(errors_of("[a],\n"),
            std::vector<std::string>{"t.yaml:1:4: YAML syntax error: unexpected ','"});
}

TEST(ScenarioLoaderErrors, RepeatedRule_IsRefused) {
  EXPECT_EQ(errors_of("scenario: s\nrules: [TOK-4, TOK-4]\nsteps: [{request: me}]\n"),
            std::vector<std::string>{"t.yaml:2:16: rule 'TOK-4' is listed twice"});
}

TEST(ScenarioLoaderErrors, UnknownRuleFarFromAny_PointsAtTheSpec) {
  EXPECT_EQ(errors_of("scenario: s\nrules: [SPEED]\nsteps: [{request: me}]\n"),
            std::vector<std::string>{
                "t.yaml:2:9: unknown rule 'SPEED' (the rule IDs are listed in spec/policy.md)"});
}

TEST(ScenarioLoaderErrors, NonMapUser_ShowsAnExample) {
  EXPECT_EQ(errors_of("scenario: s\nusers: [eve]\nsteps: [{request: me}]\n"),
            std::vector<std::string>{"t.yaml:2:9: expected a user such as {name: eve, role: "
                                     "end-user, password: pw}, got a string ('eve')"});
}

TEST(ScenarioLoaderErrors, BadUserDoesNotCascade_IntoUndefinedUserErrors) {
  // eve's role is wrong, yet later references to eve are not reported again.
  EXPECT_EQ(errors_of("scenario: s\nusers: [{name: eve, role: boss, password: p}]\n"
                      "steps:\n  - request: me\n    as: {user: eve, password: p}\n"),
            std::vector<std::string>{
                "t.yaml:2:27: role 'boss' does not exist (use end-user, agent or admin)"});
}

TEST(ScenarioLoaderErrors, UnreadableFile_IsOneErrorWithoutPosition) {
  const std::string missing = testing::test_data_dir() + "/loader/no-such-file.yaml";
  const ScenarioLoad load = load_scenario_file(missing);
  EXPECT_FALSE(load.scenario.has_value());
  EXPECT_EQ(formatted(load),
            std::vector<std::string>{
                missing + ": cannot read the file (check that it exists and is readable)"});
  EXPECT_EQ(formatted(load_scenario_file(testing::test_data_dir())),
            std::vector<std::string>{testing::test_data_dir() + ": is a folder, not a scenario file"});
}

// --- robustness ---------------------------------------------------------------

TEST(ScenarioLoaderRobustness, NastyInputs_GiveErrorsNotCrashes) {
  const std::vector<std::string> inputs{
      std::string(100000, '['),                       // nesting deeper than yaml-cpp allows
      "a: &x [*x, *x]\n",                             // a self-referencing alias
      "scenario: &s s\nsteps: &l [*l]\n",             // a list containing itself
      "scenario: s\nsteps:\n  - &a {request: me, expect: *a}\n",
      std::string("scenario: s\0\x01\xff\xfe\nsteps: [x]\n", 25),
      "\xef\xbb\xbfscenario: bom\nsteps: [{request: me}]\n",
      "? [a, b]\n: c\n",
      "scenario: !!binary aGVsbG8=\nsteps: [{request: !!int me}]\n",
      "scenario: s\nsteps: [{request: me, as: {header: '${base64:${base64:${'}}]\n",
      "{{{{{{{{{{}}}}}}}}}}",
      "- - - - -\n",
      ":\n",
      "scenario: [1, 2]\nrules: {a: b}\ntags: {}\nusers: {}\npolicy: []\nsteps: {}\n",
  };
  for (const std::string& input : inputs) {
    const ScenarioLoad load = load_scenario_text(input, "nasty.yaml");
    EXPECT_NE(load.scenario.has_value(), !load.errors.empty());
  }
}

RC_GTEST_PROP(ScenarioLoaderRobustness, AnyText_GivesAScenarioOrErrorsNeverBoth, ()) {
  const auto text = *rc::gen::string<std::string>();
  const ScenarioLoad load = load_scenario_text(text, "any.yaml");
  RC_ASSERT(load.scenario.has_value() != !load.errors.empty());
}

RC_GTEST_PROP(ScenarioLoaderRobustness, MutatedGoodFile_GivesErrorsWithinTheFile, ()) {
  std::string text = testing::read_file(testing::test_data_dir() + "/loader/good.yaml");
  const int edits = *rc::gen::inRange(1, 6);
  for (int i = 0; i < edits; ++i) {
    const auto at = *rc::gen::inRange<std::size_t>(0, text.size());
    const char c = *rc::gen::elementOf(std::string(" :-{}[],'\"\n#&*!|>%@`?ab\t"));
    switch (*rc::gen::inRange(0, 3)) {
      case 0: text.insert(at, 1, c); break;
      case 1: text.erase(at, 1); break;
      default: text[at] = c; break;
    }
  }
  const ScenarioLoad load = load_scenario_text(text, "mutated.yaml");
  RC_ASSERT(load.scenario.has_value() != !load.errors.empty());
  const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 2;
  for (const LoadError& e : load.errors) {
    RC_ASSERT(e.pos.line >= 0);
    RC_ASSERT(e.pos.line <= lines);
    RC_ASSERT(!e.message.empty());
  }
}

// --- files ----------------------------------------------------------------------

void touch(const std::filesystem::path& path) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path) << "scenario: x\n";
}

TEST(CollectScenarioFiles, Folders_AreSearchedRecursivelyForYamlSortedAndDeduplicated) {
  const std::filesystem::path dir = testing::make_temp_dir("loader-collect");
  touch(dir / "b.yaml");
  touch(dir / "a" / "deep" / "c.yml");
  touch(dir / "notes.txt");
  touch(dir / "z.yaml.bak");
  std::vector<LoadError> errors;
  const auto files = collect_scenario_files(
      {(dir / "b.yaml").string(), dir.string(), (dir / "notes.txt").string()}, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_EQ(files, (std::vector<std::string>{(dir / "a" / "deep" / "c.yml").string(),
                                             (dir / "b.yaml").string(),
                                             (dir / "notes.txt").string()}));
  std::filesystem::remove_all(dir);
}

TEST(CollectScenarioFiles, MissingPath_IsAnErrorAndTheOthersAreStillCollected) {
  const std::filesystem::path dir = testing::make_temp_dir("loader-collect");
  touch(dir / "a.yaml");
  std::vector<LoadError> errors;
  const std::string missing = (dir / "nope").string();
  const auto files = collect_scenario_files({missing, dir.string()}, errors);
  EXPECT_EQ(files, std::vector<std::string>{(dir / "a.yaml").string()});
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].format(), missing + ": no such file or folder");
  std::filesystem::remove_all(dir);
}

// --- writing ---------------------------------------------------------------------

TEST(WriteScenarioYaml, GoodFile_RoundTripsAndLooksHandWritten) {
  const std::string path = testing::test_data_dir() + "/loader/good.yaml";
  const ScenarioLoad load = load_scenario_file(path);
  ASSERT_TRUE(load.scenario.has_value());
  const std::string yaml = write_scenario_yaml(*load.scenario, {"replay: seed 42", "", "x"});
  const ScenarioLoad again = load_scenario_text(yaml, path);
  ASSERT_EQ(formatted(again), std::vector<std::string>{}) << yaml;
  EXPECT_TRUE(same_scenario(*load.scenario, *again.scenario)) << yaml;
  const std::string head =
      "# replay: seed 42\n#\n# x\nscenario: every step kind loads\n"
      "description: \"A reference file for the loader test.\\n\"\n"
      "rules: [PWD-3, 2FA-1, TOK-4]\npolicy: zendesk-2026\ntags: [loader, smoke]\nusers:\n";
  EXPECT_EQ(yaml.substr(0, head.size()), head);
  EXPECT_NE(yaml.find("  - {name: eve, role: end-user, password: s3cret-1, two_factor: true, "
                      "email: eve@x.test}\n"),
            std::string::npos)
      << yaml;
  EXPECT_NE(yaml.find("  - request: tickets\n    as: {user: eve, password: s3cret-1}\n"
                      "    expect: {forbidden: not_agent}\n"),
            std::string::npos)
      << yaml;
}

TEST(WriteScenarioYaml, ShippedSuite_LoadsAndRoundTrips) {
  std::vector<LoadError> errors;
  const auto files = collect_scenario_files({testing::suite_dir()}, errors);
  EXPECT_TRUE(errors.empty());
  EXPECT_FALSE(files.empty());
  for (const std::string& file : files) {
    const ScenarioLoad load = load_scenario_file(file);
    ASSERT_EQ(formatted(load), std::vector<std::string>{});
    const std::string yaml = write_scenario_yaml(*load.scenario);
    const ScenarioLoad again = load_scenario_text(yaml, file);
    ASSERT_EQ(formatted(again), std::vector<std::string>{}) << yaml;
    EXPECT_TRUE(same_scenario(*load.scenario, *again.scenario)) << file << "\n" << yaml;
  }
}

TEST(WriteScenarioYaml, TrickyStrings_AreQuotedSoTheyReadBackUnchanged) {
  Scenario s;
  s.title = "null";
  s.description = "line 1\nline \"2\" \\ # not a comment: {x} \t\x01 caf\u00e9";
  s.tags = {"on", "- dash", "~", "123", "a b"};
  s.users = {{"eve", "Eve: Smith@x.test", model::Role::agent, "yes", false}};
  s.steps = {step_of("request", model::ProbeOp{}, model::PasswordCredential{"' odd", ""})};
  // The user email has ':' (refused by the loader), so check the rest only.
  s.users[0].email = "Eve Smith@x.test";
  const ScenarioLoad load = load_scenario_text(write_scenario_yaml(s), "");
  ASSERT_EQ(formatted(load), std::vector<std::string>{}) << write_scenario_yaml(s);
  EXPECT_TRUE(same_scenario(s, *load.scenario)) << write_scenario_yaml(s);
}

TEST(WriteScenarioYaml, CommentLinesWithCarriageReturns_StayComments) {
  Scenario s;
  s.title = "t";
  s.steps = {step_of("request", model::ProbeOp{}, model::NoCredential{})};
  const std::string yaml = write_scenario_yaml(s, {"a\rsteps: evil"});
  EXPECT_EQ(yaml, "# a\n# steps: evil\nscenario: t\nsteps:\n  - request: me\n");
}

// Generated scenarios within the loader's domain (names valid and defined,
// strings valid UTF-8).
namespace gen_scenario {

const std::vector<std::string> k_pieces{
    "a", "Z", "0", " ", ":", "#", "\"", "'", "\\", "\n", "\t", "\x01", "\u00e9", "{", "}",
    "[", "]", ",", "-", "&", "*", "!", "%", "@", "`", "|", ">", "?", "true", "null", "~", "$"};

rc::Gen<std::string> text(bool nonempty) {
  return rc::gen::map(
      rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(k_pieces)),
      [nonempty](const std::vector<std::string>& pieces) {
        std::string out = nonempty ? "x" : "";
        for (const auto& p : pieces) out += p;
        return out;
      });
}

struct State {
  std::vector<std::string> users{"admin"};
  std::vector<std::string> tokens;
  std::vector<std::string> oauth{"admin-oauth"};
  int counter = 0;
};

model::Credential credential(State& st) {
  const std::string user = *rc::gen::elementOf(st.users);
  const std::string email = *rc::gen::element(std::string("${email:" + user + "}"),
                                              std::string("x@y.test"), std::string("A B"));
  const std::string token = st.tokens.empty() ? "t-none" : *rc::gen::elementOf(st.tokens);
  switch (*rc::gen::inRange(0, 5)) {
    case 0: return model::NoCredential{};
    case 1: return model::PasswordCredential{email, *text(false)};
    case 2: return model::TokenCredential{email, token};
    case 3: return model::OAuthCredential{*rc::gen::elementOf(st.oauth)};
    default:
      return model::RawCredential{*rc::gen::element(
          std::string("Basic ${base64:${email:" + user + "}:pw}"),
          std::string("Bearer ${oauth:o1}"), std::string("  basic x"), std::string(""))};
  }
}

std::optional<Outcome> expectation(const State& st) {
  switch (*rc::gen::inRange(0, 5)) {
    case 0: return std::nullopt;
    case 1: return Outcome::ok();
    case 2: return Outcome::as_user(*rc::gen::elementOf(st.users));
    case 3: return Outcome::forbidden(model::Reason::none);
    default: return Outcome::forbidden(model::Reason::token_limit_reached);
  }
}

std::optional<bool> maybe_bool() {
  switch (*rc::gen::inRange(0, 3)) {
    case 0: return std::nullopt;
    case 1: return false;
    default: return true;
  }
}

model::UpdateSettingsOp settings() {
  model::UpdateSettingsOp op;
  op.token_access = maybe_bool();
  op.end_user_password_access = maybe_bool();
  op.accepted_api_agreement = maybe_bool();
  if (!op.token_access && !op.end_user_password_access && !op.accepted_api_agreement)
    op.token_access = true;
  return op;
}

Step admin_step(State& st) {
  const std::string token = st.tokens.empty() ? "t-none" : *rc::gen::elementOf(st.tokens);
  switch (*rc::gen::inRange(0, 8)) {
    case 0: return step_of("read_settings", model::ReadSettingsOp{}, credential(st));
    case 1: return step_of("set", settings(), credential(st));
    case 2: {
      model::UpdateSettingsOp accept;
      accept.accepted_api_agreement = true;
      return step_of("accept_agreement", accept, credential(st));
    }
    case 3: {
      st.tokens.push_back("t" + std::to_string(++st.counter));
      return step_of("generate_token", model::GenerateTokenOp{st.tokens.back()}, credential(st));
    }
    case 4: return step_of("deactivate_token", model::SetTokenActiveOp{token, false}, credential(st));
    case 5: return step_of("delete_token", model::DeleteTokenOp{token}, credential(st));
    case 6: {
      st.oauth.push_back("o" + std::to_string(++st.counter));
      model::IssueOAuthOp op{st.oauth.back(), *rc::gen::elementOf(st.users),
                             *rc::gen::arbitrary<bool>(), *rc::gen::arbitrary<bool>()};
      return step_of("issue_oauth", op, credential(st));
    }
    default: return step_of("revoke_oauth", model::RevokeOAuthOp{*rc::gen::elementOf(st.oauth)},
                            credential(st));
  }
}

Step fixture_step(State& st, std::vector<std::string>& free_names) {
  const std::string user = *rc::gen::elementOf(st.users);
  switch (*rc::gen::inRange(0, 5)) {
    case 0:
      if (!free_names.empty()) {
        const std::string fresh = free_names.back();
        free_names.pop_back();
        st.users.push_back(fresh);
        return step_of("add_user",
                       model::AddUserOp{fresh, fresh + "@added.test", model::Role::agent,
                                        *text(true), *rc::gen::arbitrary<bool>()},
                       model::NoCredential{});
      }
      [[fallthrough]];
    case 1:
      return step_of("set_password", model::SetPasswordOp{user, *text(true)}, model::NoCredential{});
    case 2:
      return step_of("enroll_2fa", model::SetTwoFactorEnrolledOp{user, *rc::gen::arbitrary<bool>()},
                     model::NoCredential{});
    case 3:
      return step_of("require_2fa", model::SetTwoFactorRequiredOp{*rc::gen::arbitrary<bool>()},
                     model::NoCredential{});
    default:
      return step_of("agent_password_access",
                     model::SetAgentPasswordAccessOp{*rc::gen::arbitrary<bool>()},
                     model::NoCredential{});
  }
}

Scenario scenario() {
  Scenario s;
  s.path = "gen.yaml";
  s.title = *text(true);
  s.description = *text(false);
  s.policy_given = *rc::gen::arbitrary<bool>();
  if (s.policy_given)  // else the loader leaves the default
    s.policy = *rc::gen::element(model::PolicyId::article, model::PolicyId::zendesk_2026);
  for (const auto& info : model::all_rules())
    if (*rc::gen::inRange(0, 4) == 0) s.rules.push_back(info.id);
  s.tags = *rc::gen::unique<std::vector<std::string>>(text(true));
  State st;
  std::vector<std::string> free_names{"eve", "al", "b-2", "c_3", "dd", "e0"};
  const int user_count = *rc::gen::inRange(0, 3);
  for (int i = 0; i < user_count; ++i) {
    const std::string n = free_names.back();
    free_names.pop_back();
    st.users.push_back(n);
    s.users.push_back({n, *rc::gen::element(n + "@example.test", "Mixed." + n + "@X.test"),
                       *rc::gen::element(model::Role::end_user, model::Role::agent, model::Role::admin),
                       *text(true), *rc::gen::arbitrary<bool>()});
  }
  const int step_count = *rc::gen::inRange(1, 12);
  for (int i = 0; i < step_count; ++i) {
    Step step;
    switch (*rc::gen::inRange(0, 3)) {
      case 0:
        step = step_of("request", model::ProbeOp{*rc::gen::element(model::Probe::me, model::Probe::tickets)},
                       credential(st));
        break;
      case 1: step = admin_step(st); break;
      default: step = fixture_step(st, free_names); break;
    }
    step.expect = expectation(st);
    s.steps.push_back(std::move(step));
  }
  return s;
}

}  // namespace gen_scenario

RC_GTEST_PROP(WriteScenarioYaml, LoadingTheWrittenYaml_GivesAnEqualScenario, ()) {
  const Scenario s = gen_scenario::scenario();
  const std::string yaml = write_scenario_yaml(s, {"generated"});
  const ScenarioLoad load = load_scenario_text(yaml, "gen.yaml");
  for (const LoadError& e : load.errors) RC_LOG() << e.format() << "\n";
  RC_LOG() << yaml;
  RC_ASSERT(load.errors.empty());
  RC_ASSERT(same_scenario(s, *load.scenario));
}

// --- describe_step and user_fixtures ---------------------------------------------

TEST(DescribeStep, PasswordRequest_ShowsTheUserButNotThePassword) {
  const Step step = step_of("request", model::ProbeOp{}, password_of("eve", "s3cret-1"));
  EXPECT_EQ(describe_step(step), "request me as eve (password \u2026)");
}

TEST(DescribeStep, Steps_ReadAsOneLineWithNamesButNoSecrets) {
  model::UpdateSettingsOp set;
  set.token_access = true;
  set.end_user_password_access = false;
  model::UpdateSettingsOp accept;
  accept.accepted_api_agreement = true;
  EXPECT_EQ(describe_step(step_of("set", set, k_admin_oauth)),
            "set token_access=on, end_user_password_access=off by OAuth token admin-oauth");
  EXPECT_EQ(describe_step(step_of("accept_agreement", accept, k_admin_oauth)),
            "accept_agreement by OAuth token admin-oauth");
  EXPECT_EQ(describe_step(step_of("request", model::ProbeOp{model::Probe::tickets},
                                  model::TokenCredential{"${email:al}", "t1"})),
            "request tickets as al (token t1)");
  EXPECT_EQ(describe_step(step_of("issue_oauth", model::IssueOAuthOp{"o1", "al", true, false},
                                  model::NoCredential{})),
            "issue_oauth o1 for al (read) by anonymous");
  EXPECT_EQ(describe_step(step_of("add_user",
                                  model::AddUserOp{"zed", "z@x.test", model::Role::admin,
                                                   "zz-secret-9", true},
                                  model::NoCredential{})),
            "add_user zed (admin, z@x.test, password \u2026, 2FA enrolled)");
  EXPECT_EQ(describe_step(step_of("request", model::ProbeOp{},
                                  model::RawCredential{"Basic ${base64:${email:al}:hunter2}"})),
            "request me as header 'Basic \u2026'");
  EXPECT_EQ(describe_step(step_of("", model::ProbeOp{}, model::NoCredential{})),
            "request me as anonymous");
}

RC_GTEST_PROP(DescribeStep, NeverContainsAPassword, ()) {
  const std::string password =
      "pw-" + *rc::gen::nonEmpty(rc::gen::container<std::string>(
                  rc::gen::elementOf(std::string("abcdefghijklmnopqrstuvwxyz0123456789"))));
  const Step step = *rc::gen::element(
      step_of("request", model::ProbeOp{}, password_of("eve", password)),
      step_of("request", model::ProbeOp{}, model::PasswordCredential{"e@x.test", password}),
      step_of("delete_token", model::DeleteTokenOp{"t1"}, password_of("eve", password)),
      step_of("request", model::ProbeOp{},
              model::RawCredential{"Basic ${base64:${email:eve}:" + password + "}"}),
      step_of("request", model::ProbeOp{}, model::RawCredential{password + " x"}),
      step_of("add_user", model::AddUserOp{"zed", "z@x.test", model::Role::agent, password, false},
              model::NoCredential{}),
      step_of("set_password", model::SetPasswordOp{"zed", password}, model::NoCredential{}));
  RC_ASSERT(describe_step(step).find(password) == std::string::npos);
}

TEST(UserFixtures, Users_BecomeAddUserOpsInOrder) {
  Scenario s;
  s.users = {{"eve", "eve@x.test", model::Role::end_user, "p1", true},
             {"al", "al@example.test", model::Role::agent, "p2", false}};
  EXPECT_EQ(user_fixtures(s),
            (std::vector<model::AddUserOp>{
                {"eve", "eve@x.test", model::Role::end_user, "p1", true},
                {"al", "al@example.test", model::Role::agent, "p2", false}}));
}

}  // namespace
}  // namespace authconform::runner
