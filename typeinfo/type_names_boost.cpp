// Boost's names as its users write them (Boost 1.74): the default template arguments of the
// containers and graphs, boost::unordered_map for boost::unordered::unordered_map, and a
// Boost.Graph vertex, adj_list_gen<G, ...>::config::stored_vertex, as "G vertex".
#include "typeinfo/type_names_internal.h"

#include <algorithm>
#include <initializer_list>

#include <fmt/format.h>

namespace heapwalk::typeinfo::type_name {
namespace {

bool one_of(std::string_view name, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

std::optional<std::string> boost_default(std::string_view name, const Args& a, size_t pos) {
  if (one_of(name, {"boost::container::vector", "boost::container::deque",
                    "boost::container::stable_vector", "boost::container::list",
                    "boost::container::slist"})) {
    if (pos == 1 || pos == 2) return "void";  // Allocator and Options (1.74: void, new_allocator)
  } else if (name == "boost::container::small_vector") {  // T, N, Allocator, Options
    if (pos == 2 || pos == 3) return "void";
  } else if (one_of(name, {"boost::container::flat_map", "boost::container::flat_multimap"})) {
    if (pos == 2) return fmt::format("std::less<{}>", a[0]);
    if (pos == 3) return "void";
  } else if (one_of(name, {"boost::container::flat_set", "boost::container::flat_multiset"})) {
    if (pos == 1) return fmt::format("std::less<{}>", a[0]);
    if (pos == 2) return "void";
  } else if (one_of(name, {"boost::unordered::unordered_map", "boost::unordered::unordered_multimap"})) {
    if (pos == 2) return fmt::format("boost::hash<{}>", a[0]);
    if (pos == 3) return fmt::format("std::equal_to<{}>", a[0]);
    if (pos == 4) return fmt::format("std::allocator<std::pair<{}, {}>>", const_of(a[0]), a[1]);
  } else if (one_of(name, {"boost::unordered::unordered_set", "boost::unordered::unordered_multiset"})) {
    if (pos == 1) return fmt::format("boost::hash<{}>", a[0]);
    if (pos == 2) return fmt::format("std::equal_to<{}>", a[0]);
    if (pos == 3) return fmt::format("std::allocator<{}>", a[0]);
  } else if (name == "boost::object_pool") {
    if (pos == 1) return "boost::default_user_allocator_new_delete";
  } else if (name == "boost::adjacency_list") {  // OutEdgeList, VertexList, Directed, properties
    static constexpr std::string_view kDefaults[] = {
        "boost::vecS",        "boost::vecS",        "boost::directedS", "boost::no_property",
        "boost::no_property", "boost::no_property", "boost::listS"};
    if (pos < std::size(kDefaults)) return std::string(kDefaults[pos]);
  }
  return std::nullopt;
}

std::optional<std::string> boost_alias(std::string_view name, const Args& args) {
  for (std::string_view table : {"unordered_map", "unordered_multimap", "unordered_set",
                                 "unordered_multiset"}) {
    if (name == fmt::format("boost::unordered::{}", table))  // <boost/unordered_map.hpp>: using
      return fmt::format("boost::{}<{}>", table, fmt::join(args, ", "));
  }
  return std::nullopt;
}

// boost::detail::adj_list_gen<G, ...>::config::stored_vertex -> "G vertex" (G already simplified).
void name_graph_vertices(Type& type) {
  static const std::vector<std::string_view> kHead = {"boost", "::", "detail", "::", "adj_list_gen"};
  static const std::vector<std::string_view> kTail = {"::", "config", "::", "stored_vertex"};
  if (type.size() != kHead.size() + 1 + kTail.size()) return;
  for (size_t i = 0; i < kHead.size(); ++i)
    if (type[i].text != kHead[i]) return;
  const Piece& list = type[kHead.size()];
  if (list.kind != Piece::Kind::Arguments || list.args.empty()) return;
  for (size_t i = 0; i < kTail.size(); ++i)
    if (type[kHead.size() + 1 + i].text != kTail[i]) return;
  Type graph = list.args[0];
  Piece vertex{Piece::Kind::Word, "vertex", {}, true};
  graph.push_back(std::move(vertex));
  type = std::move(graph);
}

}  // namespace heapwalk::typeinfo::type_name
