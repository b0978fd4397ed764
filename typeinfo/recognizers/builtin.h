// The recognizer files heapwalk carries for libraries (typeinfo/recognizers/builtin/*.toml,
// compiled in by CMake): read like a user's, so the format is proven on real libraries.
#pragma once

#include <string_view>
#include <vector>

namespace heapwalk::typeinfo {

struct BuiltinRules {
  std::string_view file;  // "eigen.toml"
  std::string_view text;
};

const std::vector<BuiltinRules>& builtin_rules();

}  // namespace heapwalk::typeinfo
