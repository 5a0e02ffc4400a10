// The usual visitor helper: std::visit(Overloaded{[](A&){...}, [](B&){...}}, v).
#pragma once

namespace authconform {
template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
// gcc deduces the lambdas' types for an aggregate by itself (C++20, P1816);
// clang 14 needs the guide (the libFuzzer build, tests/fuzz, uses clang).
template <class... F>
Overloaded(F...) -> Overloaded<F...>;
}  // namespace authconform
