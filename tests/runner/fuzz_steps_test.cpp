// The generated commands and sequences: valid in the state they meet, written
// and read back unchanged by the scenario format, deterministic for a seed,
// shrinking toward plainer steps, and showing no secret.
#include "model/header.h"
#include "runner/fuzz_engine.h"
#include "runner/fuzz_generator.h"
#include "runner/fuzz_report.h"
#include "runner/fuzz_steps.h"
#include "runner/scenario_loader.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <sstream>

namespace authconform::runner {
namespace {

// Every command's preconditions hold where the previous ones leave the state.
bool valid_throughout(const FuzzSequence& sequence, model::PolicyConfig policy) {
  FuzzState state = initial_fuzz_state(policy);
  for (const auto& command : sequence) {
    for (const model::Request& r : as_fuzz_command(*command).requests()) {
      if (!request_precondition_failure(state, r).empty()) return false;
      apply_request(state, r);
    }
  }
  return true;
}

std::vector<model::Request> requests_of(const std::vector<Step>& steps) {
  std::vector<model::Request> out;
  for (const Step& s : steps) out.push_back(s.request);
  return out;
}

model::PolicyConfig any_policy() {
  return *rc::gen::element(model::PolicyConfig{model::PolicyId::article, false},
                           model::PolicyConfig{model::PolicyId::zendesk_2026, false},
                           model::PolicyConfig{model::PolicyId::zendesk_2026, true});
}

RC_GTEST_PROP(FuzzSteps, GeneratedSequence_IsValidInEveryStateItMeets, ()) {
  const model::PolicyConfig policy = any_policy();
  const FuzzSequence sequence = *fuzz_sequence_gen(policy, nullptr);
  RC_ASSERT(!sequence.empty());
  RC_ASSERT(valid_throughout(sequence, policy));
}

RC_GTEST_PROP(FuzzSteps, GeneratedSequence_RoundTripsThroughTheScenarioFormat, ()) {
  const model::PolicyConfig policy = any_policy();
  const FuzzSequence sequence = *fuzz_sequence_gen(policy, nullptr);
  const std::vector<Step> steps = sequence_steps(sequence);
  const FuzzMismatch mismatch{1, describe_step(steps.front()), model::Outcome::ok(), model::Outcome::ok(), {}};
  const Scenario scenario = counterexample_scenario(sequence, mismatch, policy);
  const ScenarioLoad load = load_scenario_text(write_scenario_yaml(scenario, {"a comment"}), "fuzz.yaml");
  RC_ASSERT(load.errors.empty());
  RC_ASSERT(requests_of(load.scenario->steps) == requests_of(steps));
  for (std::size_t i = 0; i < steps.size(); ++i) RC_ASSERT(load.scenario->steps[i].expect == scenario.steps[i].expect);
}

TEST(FuzzSteps, ShrinksOfASequence_StayValidAndShorterOrPlainer) {
  const model::PolicyConfig policy{};
  const auto gen = fuzz_sequence_gen(policy, nullptr);
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const rc::Shrinkable<FuzzSequence> shrinkable = gen(rc::Random(seed), fuzz_sequence_size(30));
    const std::size_t length = sequence_request_count(shrinkable.value());
    auto shrinks = shrinkable.shrinks();
    for (int i = 0; i < 40; ++i) {
      auto next = shrinks.next();
      if (!next) break;
      const FuzzSequence candidate = next->value();
      EXPECT_TRUE(valid_throughout(candidate, policy)) << "seed " << seed << " shrink " << i;
      EXPECT_LE(sequence_request_count(candidate), length) << "seed " << seed << " shrink " << i;
    }
  }
}

TEST(FuzzSteps, SameRandomAndSize_GiveTheSameSequence) {
  const auto gen = fuzz_sequence_gen({}, nullptr);
  const auto lines = [&](std::uint64_t seed) {
    std::vector<std::string> out;
    for (const Step& s : sequence_steps(gen(rc::Random(seed), 29).value())) out.push_back(describe_step(s));
    return out;
  };
  EXPECT_EQ(lines(3), lines(3));
  EXPECT_NE(lines(3), lines(4));
}

TEST(FuzzSteps, OddHeader_ShrinksToThePlainCredential) {
  const FuzzState state = initial_fuzz_state({});
  int found = 0;
  for (std::uint64_t seed = 0; seed < 20000 && found < 3; ++seed) {
    const rc::Shrinkable<FuzzCommandPtr> command = fuzz_command_gen(state, nullptr)(rc::Random(seed), 0);
    const model::Request& r = as_fuzz_command(*command.value()).requests().front();
    const auto* raw = std::get_if<model::RawCredential>(&r.credential);
    if (!raw || !raw->header.starts_with("basic  ${base64:${email:")) continue;
    ++found;
    bool plain = false;
    auto shrinks = command.shrinks();
    while (auto next = shrinks.next()) {
      const model::Request& s = as_fuzz_command(*next->value()).requests().front();
      plain = plain || (s.op == r.op && std::holds_alternative<model::PasswordCredential>(s.credential));
    }
    EXPECT_TRUE(plain) << raw->header;
  }
  EXPECT_EQ(found, 3);
}

TEST(FuzzSteps, SettingsChangeOfSeveralKeys_ShrinksToEachKeyAlone) {
  const FuzzState state = initial_fuzz_state({});
  for (std::uint64_t seed = 0; seed < 20000; ++seed) {
    const rc::Shrinkable<FuzzCommandPtr> command = fuzz_command_gen(state, nullptr)(rc::Random(seed), 0);
    const model::Request& r = as_fuzz_command(*command.value()).requests().front();
    const auto* u = std::get_if<model::UpdateSettingsOp>(&r.op);
    const model::Credential admin = model::OAuthCredential{"admin-oauth"};
    if (!u || !u->accepted_api_agreement || !u->token_access || r.credential != admin) continue;
    std::vector<std::string> shrinks;
    auto seq = command.shrinks();
    while (auto next = seq.next()) {
      const model::Request& shrunk = as_fuzz_command(*next->value()).requests().front();
      shrinks.push_back(describe_step({{}, step_kind_of(shrunk.op), shrunk, {}}));
    }
    EXPECT_NE(std::find(shrinks.begin(), shrinks.end(), "accept_agreement by OAuth token admin-oauth"),
              shrinks.end())
        << ::testing::PrintToString(shrinks);
    EXPECT_NE(std::find(shrinks.begin(), shrinks.end(), "set token_access=on by OAuth token admin-oauth"),
              shrinks.end());
    return;
  }
  FAIL() << "no settings change with both keys was generated";
}

// What request_precondition_failure said of a credential's text before it
// scanned templates itself: model::expand_header_template decides.
std::string expanded_failure(const model::AccountState& state, const std::string& text) {
  std::string missing;
  const model::SecretResolver resolve = [&](std::string_view kind, std::string_view name) {
    if (kind == "email" && missing.empty() && !state.find_user_by_name(name)) missing = name;
    return std::string("x");
  };
  if (!model::expand_header_template(text, resolve)) return "a bad header template";
  return missing.empty() ? "" : "no user '" + missing + "'";
}

std::string any_template_text() {
  const std::vector<std::string> pieces{"${", "}", "email:", "eve", "ghost", "base64:", "token:", "oauth:",
                                        "t1", ":", "x", "${email:eve}", "${email:ghost}", "${email:}", "$", "{"};
  std::string text;
  for (const std::string& piece : *rc::gen::container<std::vector<std::string>>(rc::gen::elementOf(pieces)))
    text += piece;
  return text;
}

RC_GTEST_PROP(FuzzSteps, CredentialPrecondition_SaysWhatTheTemplateExpanderSays, ()) {
  const FuzzState state = initial_fuzz_state({});
  const std::string text = any_template_text();
  const model::Credential credential = *rc::gen::element<model::Credential>(
      model::RawCredential{text}, model::PasswordCredential{text, "pw"}, model::TokenCredential{text, "t1"});
  const std::string& written = std::visit(
      [&](const auto& c) -> const std::string& {
        if constexpr (requires { c.header; }) return c.header;
        else if constexpr (requires { c.email; }) return c.email;
        else return text;
      },
      credential);
  RC_ASSERT(request_precondition_failure(state, {model::ProbeOp{model::Probe::me}, credential}) ==
            expanded_failure(state.account, written));
}

// A run of generate_token steps is checked without applying it to a copy of
// the state: the same answer as checking each step where the ones before leave it.
RC_GTEST_PROP(FuzzSteps, GenerateTokenRun_IsValidExactlyWhenEachStepIsValidInTurn, ()) {
  FuzzState state = initial_fuzz_state({});
  for (const auto& command : *fuzz_sequence_gen({}, nullptr)) command->apply(state);
  const auto name = rc::gen::element<std::string>("t1", "t2", "f1", "f2", "f3", "f10", "f01");
  const auto credential = rc::gen::element<model::Credential>(
      model::OAuthCredential{"admin-oauth"}, model::TokenCredential{"${email:ada}", "t1"},
      model::PasswordCredential{"${email:ghost}", "pw"}, model::RawCredential{"Basic ${base64:${email:ada"});
  std::vector<model::Request> run;
  for (int i = *rc::gen::inRange(2, 8); i > 0; --i) run.push_back({model::GenerateTokenOp{*name}, *credential});
  FuzzState s = state;
  bool each_valid = true;
  for (const model::Request& r : run) {
    each_valid = each_valid && request_precondition_failure(s, r).empty();
    apply_request(s, r);
  }
  RC_ASSERT(FuzzCommand(run).preconditions_hold(state) == each_valid);
}

TEST(FuzzSteps, StepKinds_AreTheScenarioFormatKeywords) {
  EXPECT_EQ(step_kind_of(model::ProbeOp{model::Probe::tickets}), "request");
  EXPECT_EQ(step_kind_of(model::UpdateSettingsOp{true, {}, {}, false}), "accept_agreement");
  EXPECT_EQ(step_kind_of(model::UpdateSettingsOp{true, true, {}, false}), "set");
  EXPECT_EQ(step_kind_of(model::UpdateSettingsOp{{}, {}, {}, true}), "malformed_settings");
  EXPECT_EQ(step_kind_of(model::SetTokenActiveOp{"t1", false}), "deactivate_token");
  EXPECT_EQ(step_kind_of(model::SetTwoFactorRequiredOp{true}), "require_2fa");
}

TEST(FuzzSteps, Cast_HasEveryRoleAndSomeTwoFactor) {
  const std::vector<ScenarioUser>& cast = fuzz_cast();
  ASSERT_EQ(cast.size(), 4u);
  EXPECT_EQ(cast[0].role, model::Role::end_user);
  EXPECT_EQ(cast[2].role, model::Role::agent);
  EXPECT_EQ(cast[3].role, model::Role::admin);
  EXPECT_EQ(std::count_if(cast.begin(), cast.end(), [](const ScenarioUser& u) { return u.two_factor; }), 2);
  EXPECT_EQ(initial_fuzz_state({}).account.users.size(), 5u);
}

TEST(FuzzSteps, Preconditions_RefuseNamesThatAreMissingOrUsedBefore) {
  FuzzState s = initial_fuzz_state({});
  const model::Credential admin = model::OAuthCredential{"admin-oauth"};
  apply_request(s, {model::GenerateTokenOp{"t1"}, admin});  // refused (no agreement), the name is used
  EXPECT_EQ(request_precondition_failure(s, {model::GenerateTokenOp{"t1"}, admin}), "token name 't1' used before");
  EXPECT_EQ(request_precondition_failure(s, {model::IssueOAuthOp{"o1", "uma", true, true}, admin}), "no user 'uma'");
  EXPECT_EQ(request_precondition_failure(s, {model::ProbeOp{}, model::PasswordCredential{"${email:uma}", "x"}}),
            "no user 'uma'");
  EXPECT_EQ(request_precondition_failure(s, {model::AddUserOp{"uma", "EVE@example.test", model::Role::agent, "p", false}, {}}),
            "email 'EVE@example.test' is taken");
  EXPECT_EQ(request_precondition_failure(s, {model::ProbeOp{}, model::PasswordCredential{"nobody@example.test", "x"}}), "");
}

TEST(FuzzSteps, Show_NamesTheStepWithoutItsSecret) {
  const FuzzCommand command(model::Request{model::ProbeOp{}, model::PasswordCredential{"${email:eve}", "eve-pw-1"}});
  std::ostringstream text;
  command.show(text);
  EXPECT_EQ(text.str().find("eve-pw-1"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("request me as eve"), std::string::npos) << text.str();
}

}  // namespace
}  // namespace authconform::runner
