#include "runner/profile.h"
#include "runner/profile_template.h"

#include "tests/utils/test_utils.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <string>

namespace authconform::runner {
namespace {

std::string zendesk_text() { return testing::read_file(testing::source_dir() + "/profiles/zendesk.yaml"); }

// 1-based line of the first line containing `needle`.
int line_of(const std::string& text, const std::string& needle) {
  const auto at = text.find(needle);
  EXPECT_NE(at, std::string::npos) << needle;
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

std::vector<std::string> error_texts(const ProfileLoad& load) {
  std::vector<std::string> out;
  for (const LoadError& e : load.errors) out.push_back(e.format());
  return out;
}

std::string pos(const std::string& text, const std::string& needle, int column) {
  return "z.yaml:" + std::to_string(line_of(text, needle)) + ":" + std::to_string(column) + ": ";
}

TEST(Profile, ZendeskProfileLoadsAndMapsEveryOperation) {
  const ProfileLoad load = load_profile_file(testing::source_dir() + "/profiles/zendesk.yaml");
  ASSERT_TRUE(load.errors.empty()) << error_texts(load).front();
  const Profile& p = *load.profile;
  EXPECT_EQ(p.name, "zendesk");
  for (const std::string& name : profile_operation_names()) EXPECT_EQ(p.operation(name).name, name);
  EXPECT_EQ(p.operation("create_account").base, UrlBase::root);
  EXPECT_EQ(p.operation("me").base, UrlBase::account);
  EXPECT_EQ(p.operation("generate_token").read.at("token_secret"), "/api_token/token");
  EXPECT_EQ(p.operation("revoke_oauth").path, "/api/v2/oauth/tokens/{oauth_id}.json");
  EXPECT_TRUE(p.operation("delete_token").responses.ok.has_class(204));
  EXPECT_TRUE(p.operation("delete_token").responses.invalid.has_code(400));
  EXPECT_EQ(p.operation("tickets").responses.forbidden_reason, "/reason");
  EXPECT_EQ(p.reason_for("not_admin"), model::Reason::not_admin);
  EXPECT_EQ(p.reason_for("NotAdmin"), model::Reason::none);
}

TEST(Profile, CreateAccountRendersUsersWithAddUsersShape) {
  const ProfileLoad load = load_profile_text(zendesk_text(), "z.yaml");
  ASSERT_TRUE(load.profile);
  const ProfileOperation& create = load.profile->operation("create_account");
  ASSERT_TRUE(create.user_item);
  EXPECT_EQ(*create.user_item, *load.profile->operation("add_user").body);
  EXPECT_TRUE(create.body_uses("users"));
}

TEST(Profile, AcmeProfileLoads) {
  const ProfileLoad load = load_profile_file(testing::source_dir() + "/profiles/acme.yaml");
  ASSERT_TRUE(load.errors.empty()) << error_texts(load).front();
  EXPECT_EQ(load.profile->name, "acme");
  for (const std::string& name : profile_operation_names()) EXPECT_NO_THROW(load.profile->operation(name));
}

TEST(Profile, DefaultPathFollowsProfileDirEnvironment) {
  ::unsetenv("AUTHCONFORM_PROFILE_DIR");
  EXPECT_EQ(default_profile_path(), testing::source_dir() + "/profiles/zendesk.yaml");
  ::setenv("AUTHCONFORM_PROFILE_DIR", "/opt/profiles", 1);
  EXPECT_EQ(default_profile_path(), "/opt/profiles/zendesk.yaml");
  ::unsetenv("AUTHCONFORM_PROFILE_DIR");
}

TEST(Profile, MisspelledOperationIsUnknownWithSuggestionAndTheRealOneMissing) {
  const std::string text = replaced(zendesk_text(), "  generate_token:", "  generate_tokn:");
  const auto errors = error_texts(load_profile_text(text, "z.yaml"));
  ASSERT_EQ(errors.size(), 2u);
  EXPECT_EQ(errors[0], pos(text, "operations:", 1) +
                           "missing operation 'generate_token' (every operation needs a mapping: "
                           "see docs/profiles.md)");
  EXPECT_EQ(errors[1], pos(text, "  generate_tokn:", 3) +
                           "unknown operation 'generate_tokn' (did you mean 'generate_token'?)");
}

TEST(Profile, BadJsonPointerIsQuotedWithAFix) {
  const std::string text = replaced(zendesk_text(), "token_id: /api_token/id", "token_id: api_token/id");
  const auto errors = error_texts(load_profile_text(text, "z.yaml"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], pos(text, "token_id: api_token/id", 17) +
                           "bad JSON pointer 'api_token/id' for 'read.token_id' of 'generate_token' "
                           "(a pointer is '' or starts with '/', e.g. '/api_token/id')");
}

TEST(Profile, BadMethodSuggestsTheClosestOne) {
  std::string text = replaced(zendesk_text(), "    method: DELETE\n    path: /api/v2/api_tokens/{token_id}.json",
                              "    method: DELTE\n    path: /api/v2/api_tokens/{token_id}.json");
  auto errors = error_texts(load_profile_text(text, "z.yaml"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], pos(text, "method: DELTE", 13) + "bad method 'DELTE' (did you mean 'DELETE'?)");

  text = replaced(zendesk_text(), "method: PATCH", "method: patch");
  errors = error_texts(load_profile_text(text, "z.yaml"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], pos(text, "method: patch", 13) +
                           "bad method 'patch' (did you mean 'PATCH'? methods are upper case)");
}

TEST(Profile, UnknownTemplateVariableSuggestsTheClosestOne) {
  const std::string text =
      replaced(zendesk_text(), "  deactivate_token:\n    method: PUT\n    path: /api/v2/api_tokens/{token_id}.json",
               "  deactivate_token:\n    method: PUT\n    path: /api/v2/api_tokens/{tokn_id}.json");
  const auto errors = error_texts(load_profile_text(text, "z.yaml"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], pos(text, "{tokn_id}", 11) +
                           "unknown variable '{tokn_id}' in the path of 'deactivate_token' (did you "
                           "mean '{token_id}'?)");
}

TEST(Profile, UnknownBodyVariableListsTheOperationsVariables) {
  const std::string text = replaced(zendesk_text(), "\"${required}\"", "\"${zzz}\"");
  const auto errors = error_texts(load_profile_text(text, "z.yaml"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], pos(text, "${zzz}", 35) +
                           "unknown variable '${zzz}' in the body of 'require_2fa' (variables here: "
                           "required, account_id)");
}

TEST(Profile, MissingRequiredResultFieldIsNamed) {
  const std::string text = replaced(zendesk_text(), "      token_secret: /api_token/token\n", "");
  const auto errors = error_texts(load_profile_text(text, "z.yaml"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], pos(text, "  generate_token:", 3) +
                           "operation 'generate_token' must read 'token_secret' (add it under 'read:' "
                           "as a JSON pointer into the success body)");
}

TEST(Profile, UnknownKeyAndBadStatusAreReportedTogetherInFileOrder) {
  std::string text = replaced(zendesk_text(), "    not_found: [404]", "    not_found: [40x]");
  text = replaced(text, "  tickets:\n    method: GET", "  tickets:\n    metod: GET");
  const auto errors = error_texts(load_profile_text(text, "z.yaml"));
  ASSERT_EQ(errors.size(), 3u);
  EXPECT_EQ(errors[0], pos(text, "[40x]", 17) +
                           "bad status '40x' in not_found in the default responses (write a code "
                           "such as 404 or a class such as 4xx)");
  EXPECT_EQ(errors[1], pos(text, "  tickets:", 3) +
                           "operation 'tickets' has no 'method' (GET, POST, PUT, PATCH or DELETE)");
  EXPECT_EQ(errors[2], pos(text, "metod: GET", 5) +
                           "unknown key 'metod' in operation 'tickets' (did you mean 'method'?)");
}

TEST(Profile, StatusMappedToTwoOutcomesIsRefused) {
  const std::string text = replaced(zendesk_text(), "  tickets:\n    method: GET\n",
                                    "  tickets:\n    method: GET\n    responses: {invalid: [403]}\n");
  const auto errors = error_texts(load_profile_text(text, "z.yaml"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], pos(text, "  tickets:", 3) +
                           "status 403 of 'tickets' is mapped to both 'forbidden' and 'invalid' (keep it in one)");
}

TEST(Profile, AuthorizationHeaderBelongsToTheHarness) {
  const std::string text = replaced(zendesk_text(), "    Accept: application/json",
                                    "    Accept: application/json\n    Authorization: Basic x");
  const auto errors = error_texts(load_profile_text(text, "z.yaml"));
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], pos(text, "Authorization: Basic", 5) +
                           "header 'Authorization' is set by the harness; remove it from the default headers");
}

TEST(Profile, UnreadableFileAndYamlSyntaxErrorsAreLoadErrors) {
  auto load = load_profile_file("/nonexistent/p.yaml");
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_FALSE(load.profile);
  EXPECT_EQ(load.errors[0].format(),
            "/nonexistent/p.yaml: cannot read the profile: No such file or directory (give "
            "--profile a profile YAML file)");
  load = load_profile_text("profile: x\noperations: [a, {b\n", "s.yaml");
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_EQ(load.errors[0].pos.line, 3);
  EXPECT_NE(load.errors[0].message.find("YAML syntax error"), std::string::npos);
}

TEST(Profile, NotAMappingIsExplained) {
  const auto load = load_profile_text("- a\n- b\n", "l.yaml");
  ASSERT_EQ(load.errors.size(), 1u);
  EXPECT_EQ(load.errors[0].format(), "l.yaml:1:1: a profile is a YAML mapping with the keys "
                                     "'profile', 'defaults' and 'operations' (see docs/profiles.md)");
}

TEST(Profile, QuotedScalarsStayStringsAndPlainOnesAreTyped) {
  const std::string text = replaced(zendesk_text(), "{\"api_token\": {\"description\": \"authconform\"}}",
                                    "{n: 5, s: \"5\", b: true, q: 'true', z: ~, f: 1.5}");
  const ProfileLoad load = load_profile_text(text, "z.yaml");
  ASSERT_TRUE(load.profile) << error_texts(load).front();
  EXPECT_EQ(load.profile->operation("generate_token").body->dump(),
            R"({"n":5,"s":"5","b":true,"q":"true","z":null,"f":1.5})");
}

TEST(Profile, DocumentationShowsTheWholeDefaultProfile) {
  const std::string doc = testing::read_file(testing::source_dir() + "/docs/profiles.md");
  EXPECT_NE(doc.find("```yaml\n" + zendesk_text() + "```\n"), std::string::npos)
      << "docs/profiles.md must end with profiles/zendesk.yaml verbatim";
}

TEST(ProfileTemplate, WholeVariablesAreTypedAndUnsetOnesDropped) {
  const auto tmpl = nlohmann::ordered_json::parse(
      R"({"settings":{"api":{"a":"${a}","b":"${b}"}},"list":["${a}","${b}"],"d":"t-${name}-${b}"})");
  const TemplateVars vars{{"a", true}, {"name", "t1"}};
  EXPECT_EQ(render_json(tmpl, vars).dump(),
            R"({"settings":{"api":{"a":true}},"list":[true],"d":"t-t1-"})");
}

TEST(ProfileTemplate, PathValuesArePercentEncoded) {
  const TemplateVars vars{{"id", "a b/c"}, {"n", 7}};
  EXPECT_EQ(render_path("/x/{id}/{n}.json", vars), "/x/a%20b%2Fc/7.json");
  std::string error;
  EXPECT_TRUE(path_variables("/x/{id", &error).empty());
  EXPECT_EQ(error, "bad placeholder in '/x/{id' (write {name}, the name made of letters, digits and '_')");
}

}  // namespace
}  // namespace authconform::runner
