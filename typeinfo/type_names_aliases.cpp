// The names libraries give their own specializations, used in place of the template: what the
// headers declare as a typedef or alias, looked up after the default arguments are gone.
#include "typeinfo/type_names_internal.h"

#include <algorithm>
#include <array>
#include <utility>

#include <fmt/format.h>

namespace heapwalk::typeinfo::type_name {
namespace {

using Alias = std::optional<std::string>;

// std::basic_string<char> -> std::string, std::basic_ostringstream<wchar_t> -> std::wostringstream.
Alias character_alias(std::string_view name, const Args& args) {
  if (args.size() != 1 || !name.starts_with("std::basic_")) return std::nullopt;
  const std::string_view base = name.substr(11);
  static constexpr std::array<std::string_view, 18> kFamily = {
      "string",   "string_view", "ios",           "streambuf",     "istream",      "ostream",
      "iostream", "stringbuf",   "istringstream", "ostringstream", "stringstream", "filebuf",
      "ifstream", "ofstream",    "fstream",       "syncbuf",       "osyncstream",  "regex"};
  if (std::find(kFamily.begin(), kFamily.end(), base) == kFamily.end()) return std::nullopt;
  const std::string& character = args[0];
  if (character == "char") return fmt::format("std::{}", base);
  if (character == "wchar_t") return fmt::format("std::w{}", base);
  if (base == "string" || base == "string_view") {
    if (character == "char8_t") return fmt::format("std::u8{}", base);
    if (character == "char16_t") return fmt::format("std::u16{}", base);
    if (character == "char32_t") return fmt::format("std::u32{}", base);
  }
  return std::nullopt;
}

// <ratio>'s SI typedefs (std::ratio<1, 1000> is std::milli); the default denominator 1 is
// already gone.
Alias ratio_alias(const Args& args) {
  static const std::array<std::pair<std::string_view, std::string_view>, 16> kRatios = {{
      {"1, 1000000000000000000", "atto"},
      {"1, 1000000000000000", "femto"},
      {"1, 1000000000000", "pico"},
      {"1, 1000000000", "nano"},
      {"1, 1000000", "micro"},
      {"1, 1000", "milli"},
      {"1, 100", "centi"},
      {"1, 10", "deci"},
      {"10", "deca"},
      {"100", "hecto"},
      {"1000", "kilo"},
      {"1000000", "mega"},
      {"1000000000", "giga"},
      {"1000000000000", "tera"},
      {"1000000000000000", "peta"},
      {"1000000000000000000", "exa"},
  }};
  const std::string joined = fmt::format("{}", fmt::join(args, ", "));
  for (const auto& [ratio, alias] : kRatios) {
    if (joined == ratio) return fmt::format("std::{}", alias);
  }
  return std::nullopt;
}

// <chrono>'s duration aliases, whose representation is int64_t (long on LP64).
Alias duration_alias(const Args& args) {
  if (args.empty() || args[0] != "long") return std::nullopt;
  if (args.size() == 1) return "std::chrono::seconds";
  static const std::array<std::pair<std::string_view, std::string_view>, 9> kPeriods = {{
      {"std::nano", "nanoseconds"},
      {"std::micro", "microseconds"},
      {"std::milli", "milliseconds"},
      {"std::ratio<60>", "minutes"},
      {"std::ratio<3600>", "hours"},
      {"std::ratio<86400>", "days"},
      {"std::ratio<604800>", "weeks"},
      {"std::ratio<31556952>", "years"},
      {"std::ratio<2629746>", "months"},
  }};
  for (const auto& [period, alias] : kPeriods) {
    if (args.size() == 2 && args[1] == period) return fmt::format("std::chrono::{}", alias);
  }
  return std::nullopt;
}

// Eigen's typedef suffix for a scalar type (Matrix.h: EIGEN_MAKE_TYPEDEFS_ALL_SIZES), or empty.
std::string_view eigen_scalar_suffix(std::string_view scalar) {
  if (scalar == "int") return "i";
  if (scalar == "float") return "f";
  if (scalar == "double") return "d";
  if (scalar == "std::complex<float>") return "cf";
  if (scalar == "std::complex<double>") return "cd";
  return {};
}

// Eigen's size suffix: 2, 3, 4, or X for Dynamic (-1); empty for other sizes.
std::string_view eigen_size(std::string_view size) {
  if (size == "2" || size == "3" || size == "4") return size;
  if (size == "-1") return "X";
  return {};
}

bool is_fixed(std::string_view size) { return size == "2" || size == "3" || size == "4"; }

// The shape part of an Eigen alias for `rows` x `cols` ("Matrix3", "VectorX", "Matrix2X",
// "Array33", "ArrayX4"), from EIGEN_MAKE_TYPEDEFS / EIGEN_MAKE_FIXED_TYPEDEFS and their Array
// counterparts; empty when no alias has that shape.
std::string eigen_shape(bool array, std::string_view rows, std::string_view cols) {
  const std::string_view r = eigen_size(rows), c = eigen_size(cols);
  if (!r.empty() && rows == cols) {
    return array ? fmt::format("Array{}{}", r, r) : fmt::format("Matrix{}", r);
  }
  if (!r.empty() && cols == "1") return fmt::format("{}{}", array ? "Array" : "Vector", r);
  if (!array && rows == "1" && !c.empty()) return fmt::format("RowVector{}", c);
  const std::string_view kind = array ? "Array" : "Matrix";
  if (is_fixed(rows) && cols == "-1") return fmt::format("{}{}X", kind, rows);
  if (rows == "-1" && is_fixed(cols)) return fmt::format("{}X{}", kind, cols);
  return {};
}

// Eigen::Matrix<double, -1, -1> -> Eigen::MatrixXd; for other scalars the C++11 template
// aliases of Eigen 3.4 (Eigen::Matrix3<long>, Eigen::Vector<double, 6>).
Alias eigen_alias(std::string_view name, const Args& args) {
  if (args.size() != 3) return std::nullopt;  // a non-default Options or Max size has no alias
  const bool array = name == "Eigen::Array";
  const std::string& scalar = args[0];
  const std::string shape = eigen_shape(array, args[1], args[2]);
  if (!shape.empty()) {
    const std::string_view suffix = eigen_scalar_suffix(scalar);
    if (!suffix.empty()) return fmt::format("Eigen::{}{}", shape, suffix);
    return fmt::format("Eigen::{}<{}>", shape, scalar);
  }
  if (array || args[1] == args[2]) return std::nullopt;  // a 1x1 matrix is no vector
  if (args[2] == "1") return fmt::format("Eigen::Vector<{}, {}>", scalar, args[1]);
  if (args[1] == "1") return fmt::format("Eigen::RowVector<{}, {}>", scalar, args[2]);
  return std::nullopt;
}

}  // namespace

Alias alias_for(std::string_view name, const Args& args) {
  if (auto alias = character_alias(name, args)) return alias;
  if (name == "std::ratio") return ratio_alias(args);
  if (name == "std::chrono::duration") return duration_alias(args);
  if (name == "absl::hash_internal::Hash") {  // absl::Hash<T> is an alias of it
    return fmt::format("absl::Hash<{}>", fmt::join(args, ", "));
  }
  if (name == "nlohmann::basic_json") {  // json_fwd.hpp: json and ordered_json
    if (args.empty()) return "nlohmann::json";
    if (args.size() == 1 && args[0] == "nlohmann::ordered_map") return "nlohmann::ordered_json";
  }
  if (name == "Eigen::Matrix" || name == "Eigen::Array") return eigen_alias(name, args);
  if (name.starts_with("boost::")) return boost_alias(name, args);
  return std::nullopt;
}

}  // namespace heapwalk::typeinfo::type_name
