// find_at walks RFC 6901 pointers itself; it must read exactly what
// nlohmann's json_pointer reads, with a null met on the way read as null.
#include "runner/response_classifier.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <vector>

namespace authconform::runner {
namespace {

using Json = nlohmann::ordered_json;

// What find_at did before, through nlohmann's json_pointer.
const Json* reference_find_at(const Json& body, const std::string& pointer) {
  static const Json k_null;
  std::vector<std::string> steps;
  try {
    for (Json::json_pointer p(pointer); !p.empty(); p.pop_back()) steps.push_back(p.back());
  } catch (const Json::exception&) {
    return nullptr;
  }
  const Json* at = &body;
  for (auto step = steps.rbegin(); step != steps.rend(); ++step) {
    if (at->is_null()) return &k_null;
    if (at->is_object()) {
      const auto it = at->find(*step);
      at = it == at->end() ? nullptr : &*it;
    } else {
      const bool index = !step->empty() && step->size() < 10 &&
                         step->find_first_not_of("0123456789") == std::string::npos &&
                         (*step == "0" || (*step)[0] != '0');
      at = at->is_array() && index && std::stoul(*step) < at->size() ? &(*at)[std::stoul(*step)] : nullptr;
    }
    if (!at) return nullptr;
  }
  return at;
}

const Json& body() {
  static const Json k_body = Json::parse(
      R"({"a":{"b":[10,{"c":"x"},null],"":{"":1},"~":{"/":2},"m/n":3},"0":[0,1],"n":null,"01":4})");
  return k_body;
}

TEST(FindAt, ReadsNestedMembersIndexesAndEscapes) {
  EXPECT_EQ(*find_at(body(), "/a/b/1/c"), "x");
  EXPECT_EQ(*find_at(body(), "/a/~0/~1"), 2);
  EXPECT_EQ(*find_at(body(), "/a/m~1n"), 3);
  EXPECT_EQ(*find_at(body(), "/a//"), 1);
  EXPECT_TRUE(find_at(body(), "/n/deeper/still")->is_null());
  EXPECT_EQ(find_at(body(), "/a/b/01"), nullptr);  // no leading zeros in an index
  EXPECT_EQ(find_at(body(), "a/b"), nullptr);       // not a pointer
  EXPECT_EQ(find_at(body(), "/a~2"), nullptr);      // a bad escape
  EXPECT_EQ(find_at(body(), ""), &body());
}

RC_GTEST_PROP(FindAt, ReadsWhatNlohmannsJsonPointerReads, ()) {
  const auto pieces = *rc::gen::container<std::vector<std::string>>(
      rc::gen::element<std::string>("/", "~", "~0", "~1", "a", "b", "c", "0", "1", "01", "2", "n", "m", "-"));
  std::string pointer;
  for (const std::string& piece : pieces) pointer += piece;
  const Json* found = find_at(body(), pointer);
  const Json* expected = reference_find_at(body(), pointer);
  // The same value of the body, or both the null read past a null.
  RC_ASSERT(found == expected || (found && expected && found->is_null() && expected->is_null()));
}

}  // namespace
}  // namespace authconform::runner
