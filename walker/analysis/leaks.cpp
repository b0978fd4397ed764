#include "walker/analysis/leaks.h"

#include <algorithm>
#include <cstring>
#include <limits>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>
#include <fmt/format.h>

#include "walker/graph/heap_reach.h"

namespace heapwalk::walker {
namespace {

constexpr uint32_t kNotLeaked = std::numeric_limits<uint32_t>::max();
using LeakGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

// Edges between leaked allocations: every word of a leaked block that points into another.
LeakGraph leak_graph(const MemoryImage& memory, const AllocationTable& table,
                     const std::vector<NodeId>& leaked, const std::vector<uint32_t>& index) {
  LeakGraph graph(leaked.size());
  std::vector<uint8_t> buffer;
  for (uint32_t i = 0; i < leaked.size(); ++i) {
    uint64_t begin = table.address(leaked[i]), size = table.usable_size(leaked[i]) & ~uint64_t{7};
    buffer.resize(size);
    if (!memory.read(begin, buffer.data(), size)) continue;
    for (uint64_t at = 0; at < size; at += 8) {
      uint64_t value;
      std::memcpy(&value, buffer.data() + at, 8);
      auto target = table.find(value);
      if (target && index[*target] != kNotLeaked && index[*target] != i)
        boost::add_edge(i, index[*target], graph);
    }
  }
  return graph;
}

}  // namespace

std::optional<LeakReport> find_leaks(Session& session, const Reachability& reachability,
                                     const std::function<bool()>& interrupted) {
  auto start = std::chrono::steady_clock::now();
  const AllocationTable& table = session.heap().in_use;
  std::vector<NodeId> leaked;
  std::vector<uint32_t> index(table.size(), kNotLeaked);
  for (NodeId n = 0; n < table.size(); ++n)
    if (!reachability.reached(n)) {
      index[n] = static_cast<uint32_t>(leaked.size());
      leaked.push_back(n);
    }
  if (interrupted && interrupted()) return std::nullopt;

  // Direct: one member of each strongly connected component no other leak points to.
  LeakGraph graph = leak_graph(session.memory(), table, leaked, index);
  std::vector<int> component(leaked.size());
  int components = leaked.empty() ? 0 : boost::strong_components(graph, component.data());
  std::vector<uint8_t> pointed_to(components, 0);
  for (auto [e, end] = boost::edges(graph); e != end; ++e) {
    auto from = boost::source(*e, graph), to = boost::target(*e, graph);
    if (component[from] != component[to]) pointed_to[component[to]] = 1;
  }
  std::vector<uint8_t> has_direct(components, 0);
  LeakReport report;
  for (uint32_t i = 0; i < leaked.size(); ++i) {  // by address: the lowest member is direct
    Leak leak{leaked[i], kNoKind, false};
    int c = component[i];
    if (!pointed_to[c] && !has_direct[c]) {
      leak.direct = true;
      has_direct[c] = 1;
    }
    (leak.direct ? report.direct : report.indirect) += 1;
    report.leaks.push_back(leak);
  }

  // Kinds: walk typed from every leaked object whose vptr names its type.
  ReachOptions typed_only;
  typed_only.conservative = false;
  HeapReach naming(session.walk_context(), typed_only);
  for (NodeId n : leaked) naming.add_vtable_object(n);
  auto named = naming.run(interrupted);
  if (!named) return std::nullopt;
  for (Leak& leak : report.leaks) {
    leak.kind = named->reached(leak.node) ? named->kinds[leak.node] : kNoKind;
    if (leak.kind == kNoKind)
      leak.kind = session.kinds().intern(
          fmt::format("<untyped {} bytes>", table.usable_size(leak.node)));
  }
  session.record("leaks", start);
  return report;
}

std::optional<HeapCensus> census_from_all_roots(Session& session,
                                                const std::function<bool()>& interrupted) {
  RootSet roots = all_roots(session.target(), session.memory(), session.glibc(), session.heap());
  auto reachability = reach_all(session, roots, interrupted);
  if (!reachability) return std::nullopt;
  auto leaks = find_leaks(session, *reachability, interrupted);
  if (!leaks) return std::nullopt;
  return HeapCensus{std::move(*reachability), std::move(*leaks)};
}

Partition LeakReport::partition(const KindTable& kinds, const AllocationTable& table) const {
  std::vector<PartitionRow> rows(kinds.size());
  for (const Leak& leak : leaks) {
    rows[leak.kind].count += 1;
    rows[leak.kind].size += table.usable_size(leak.node);
  }
  std::vector<PartitionRow> used;
  for (KindId k = 0; k < rows.size(); ++k)
    if (rows[k].count) {
      rows[k].kind = kinds.name(k);
      used.push_back(std::move(rows[k]));
    }
  return make_partition(std::move(used));
}

}  // namespace heapwalk::walker
