// Inputs that libFuzzer (tests/fuzz, docs/fuzzing-inputs.md) found to break
// a loader or the answer classifier, kept as unit tests with the clear
// result each now gets. The inputs are also in the fuzzers' seed corpora.
#include "runner/profile_template.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <string>

namespace authconform::runner {
namespace {

using Json = nlohmann::ordered_json;

// A scenario may hold bytes that are not UTF-8 (YAML passes them through), and
// a profile may put ${users} into a header or {users} into a path: filling
// the template wrote the list as JSON, which threw on those bytes.
TEST(FuzzRegressions, ListVariableWithNonUtf8TextFillsTextAndPathWithoutThrowing) {
  const TemplateVars vars = {{"users", Json::array({Json{{"email", "\xff@x.test"}}})}};
  std::string text;
  ASSERT_NO_THROW(text = render_text("X ${users}", vars));
  EXPECT_EQ(text, "X [{\"email\":\"\xef\xbf\xbd@x.test\"}]");
  std::string path;
  ASSERT_NO_THROW(path = render_path("/a/{users}", vars));
  EXPECT_EQ(path, "/a/%5B%7B%22email%22%3A%22%EF%BF%BD%40x.test%22%7D%5D");
}

// profile_fuzzer's crash: a body string with a variable inside longer text
// ("(${password}") filled with a list holding such bytes.
TEST(FuzzRegressions, ListVariableInsideABodyStringIsWrittenWithReplacementCharacters) {
  const TemplateVars vars = {{"password", Json::array({"read", Json{{"email", "\xff@x.test"}}})}};
  Json body;
  ASSERT_NO_THROW(body = render_json(Json::parse(R"({"password": "(${password}"})"), vars));
  EXPECT_EQ(body, Json::parse(R"({"password": "([\"read\",{\"email\":\"\ufffd@x.test\"}]"})"));
}

}  // namespace
}  // namespace authconform::runner
