// The usual visitor helper: std::visit(Overloaded{[](A&){...}, [](B&){...}}, v).
#pragma once

namespace authconform {
template <class... F>
struct Overloaded : F... {
  using F::operator()...;
};
}  // namespace authconform
