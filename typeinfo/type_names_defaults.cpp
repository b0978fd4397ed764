// Default template arguments of the libraries whose types fill heaps: the standard library,
// Abseil, nlohmann::json and Eigen, copied from their headers. Arguments and defaults are
// compared in readable form, so "std::less<long int>" in a std::set<long> is the default too.
#include "typeinfo/type_names_internal.h"

#include <algorithm>
#include <initializer_list>

#include <fmt/format.h>

namespace heapwalk::typeinfo::type_name {
namespace {

using Default = std::optional<std::string>;

bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string alloc(std::string_view type) { return fmt::format("std::allocator<{}>", type); }
std::string less(std::string_view type) { return fmt::format("std::less<{}>", type); }

// The allocator of a map from args[0] to args[1]: std::allocator<std::pair<const K, V>>.
std::string pair_alloc(const Args& args) {
  return alloc(fmt::format("std::pair<{}, {}>", const_of(args[0]), args[1]));
}

// The default at `position` from a list of them, indexed by position.
Default from_list(std::initializer_list<std::string_view> defaults, size_t position) {
  if (position >= defaults.size()) return std::nullopt;
  return std::string(defaults.begin()[position]);
}

// libstdc++ and libc++ agree on these.
Default std_default(std::string_view name, const Args& a, size_t pos) {
  if (one_of(name, {"std::vector", "std::list", "std::deque", "std::forward_list"})) {
    if (pos == 1) return alloc(a[0]);
  } else if (one_of(name, {"std::set", "std::multiset"})) {
    if (pos == 1) return less(a[0]);
    if (pos == 2) return alloc(a[0]);
  } else if (one_of(name, {"std::map", "std::multimap"})) {
    if (pos == 2) return less(a[0]);
    if (pos == 3) return pair_alloc(a);
  } else if (one_of(name, {"std::unordered_set", "std::unordered_multiset"})) {
    if (pos == 1) return fmt::format("std::hash<{}>", a[0]);
    if (pos == 2) return fmt::format("std::equal_to<{}>", a[0]);
    if (pos == 3) return alloc(a[0]);
  } else if (one_of(name, {"std::unordered_map", "std::unordered_multimap"})) {
    if (pos == 2) return fmt::format("std::hash<{}>", a[0]);
    if (pos == 3) return fmt::format("std::equal_to<{}>", a[0]);
    if (pos == 4) return pair_alloc(a);
  } else if (name == "std::unique_ptr") {
    if (pos == 1) return fmt::format("std::default_delete<{}>", a[0]);
  } else if (one_of(name, {"std::stack", "std::queue"})) {
    if (pos == 1) return fmt::format("std::deque<{}>", a[0]);
  } else if (name == "std::priority_queue") {
    if (pos == 1) return fmt::format("std::vector<{}>", a[0]);
    if (pos == 2) return less(a[0]);
  } else if (name == "std::basic_regex") {
    if (pos == 1) return fmt::format("std::regex_traits<{}>", a[0]);
  } else if (name.starts_with("std::basic_")) {  // strings, string views, streams
    if (pos == 1) return fmt::format("std::char_traits<{}>", a[0]);
    if (pos == 2) return alloc(a[0]);
  } else if (name == "std::ratio") {
    if (pos == 1) return "1";
  } else if (name == "std::chrono::duration") {
    if (pos == 1) return "std::ratio<1>";
  } else if (name == "std::span") {
    if (pos == 1) return "18446744073709551615";  // std::dynamic_extent, size_t(-1) on LP64
  } else if (name == "std::_Rb_tree") {
    if (pos == 4) return alloc(a[1]);  // the tree inside map and set
  }
  return std::nullopt;
}

// The pointer type whose absl::container_internal::HashEq<T*> hashes `key`, if any: raw
// pointers, unique_ptr and shared_ptr (hash_function_defaults.h).
std::optional<std::string> absl_pointer_key(const std::string& key) {
  if (key.ends_with('*')) return key;
  for (std::string_view smart : {"std::unique_ptr", "std::shared_ptr"}) {
    if (auto pointee = first_argument_of(key, smart)) return *pointee + "*";
  }
  return std::nullopt;
}

bool is_absl_string_key(std::string_view key) {
  return one_of(key, {"std::string", "std::string_view", "absl::string_view", "absl::Cord"});
}

// absl::container_internal::hash_default_hash<K> and hash_default_eq<K>.
std::string absl_hash(const std::string& key, bool eq) {
  if (is_absl_string_key(key)) {
    return eq ? "absl::container_internal::StringEq" : "absl::container_internal::StringHash";
  }
  if (auto pointer = absl_pointer_key(key)) {
    return fmt::format("absl::container_internal::HashEq<{}>::{}", *pointer, eq ? "Eq" : "Hash");
  }
  return fmt::format("{}<{}>", eq ? "std::equal_to" : "absl::Hash", key);
}

Default absl_default(std::string_view name, const Args& a, size_t pos) {
  if (one_of(name, {"absl::flat_hash_map", "absl::node_hash_map"})) {
    if (pos == 2 || pos == 3) return absl_hash(a[0], pos == 3);
    if (pos == 4) return pair_alloc(a);
  } else if (one_of(name, {"absl::flat_hash_set", "absl::node_hash_set"})) {
    if (pos == 1 || pos == 2) return absl_hash(a[0], pos == 2);
    if (pos == 3) return alloc(a[0]);
  } else if (one_of(name, {"absl::btree_map", "absl::btree_multimap"})) {
    if (pos == 2) return less(a[0]);
    if (pos == 3) return pair_alloc(a);
  } else if (one_of(name, {"absl::btree_set", "absl::btree_multiset"})) {
    if (pos == 1) return less(a[0]);
    if (pos == 2) return alloc(a[0]);
  } else if (name == "absl::InlinedVector") {
    if (pos == 2) return alloc(a[0]);
  } else if (name == "absl::container_internal::HashEq") {
    if (pos == 1) return "void";
  }
  return std::nullopt;
}

Default nlohmann_default(std::string_view name, const Args& a, size_t pos) {
  if (name == "nlohmann::basic_json") {  // json_fwd.hpp; int64_t and uint64_t on LP64
    return from_list(
        {"std::map", "std::vector", "std::string", "bool", "long", "unsigned long", "double",
         "std::allocator", "nlohmann::adl_serializer", "std::vector<unsigned char>", "void"},
        pos);
  }
  if (name == "nlohmann::adl_serializer" && pos == 1) return "void";
  if (name == "nlohmann::ordered_map") {
    if (pos == 2) return less(a[0]);
    if (pos == 3) return pair_alloc(a);
  }
  return std::nullopt;
}

Default eigen_default(std::string_view name, const Args& a, size_t pos) {
  if (one_of(name, {"Eigen::Matrix", "Eigen::Array"})) {  // Scalar, Rows, Cols, Options, Max…
    // Options: RowMajor (1) for a row vector, else ColMajor (0); AutoAlign is 0.
    if (pos == 3) return a[1] == "1" && a[2] != "1" ? "1" : "0";
    if (pos == 4) return a[1];
    if (pos == 5) return a[2];
  } else if (name == "Eigen::Map") {
    if (pos == 1) return "0";
    if (pos == 2) return "Eigen::Stride<0, 0>";
  } else if (name == "Eigen::Block") {
    return pos == 0 ? Default() : from_list({"", "-1", "-1", "false"}, pos);
  } else if (name == "Eigen::SparseMatrix") {  // Scalar, Options (ColMajor), StorageIndex
    if (pos == 1) return "0";
    if (pos == 2) return "int";
  } else if (one_of(name, {"Eigen::InnerStride", "Eigen::OuterStride"})) {
    if (pos == 0) return "-1";
  }
  return std::nullopt;
}

}  // namespace

bool is_default_argument(std::string_view name, const Args& args, size_t position) {
  Default fallback;
  if (name.starts_with("std::")) {
    fallback = std_default(name, args, position);
  } else if (name.starts_with("absl::")) {
    fallback = absl_default(name, args, position);
  } else if (name.starts_with("nlohmann::")) {
    fallback = nlohmann_default(name, args, position);
  } else if (name.starts_with("Eigen::")) {
    fallback = eigen_default(name, args, position);
  } else if (name.starts_with("boost::")) {
    fallback = boost_default(name, args, position);
  }
  return fallback && *fallback == args[position];
}

}  // namespace heapwalk::typeinfo::type_name
