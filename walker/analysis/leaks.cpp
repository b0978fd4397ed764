#include "walker/analysis/leaks.h"

#include <fmt/format.h>

#include "walker/analysis/leak_components.h"
#include "walker/graph/heap_reach.h"

namespace heapwalk::walker {

std::optional<LeakReport> find_leaks(Session& session, const Reachability& reachability,
                                     const std::function<bool()>& interrupted) {
  auto start = std::chrono::steady_clock::now();
  const AllocationTable& table = session.heap().in_use;
  std::vector<NodeId> leaked;
  size_t unreached = 0;
  for (NodeId n = 0; n < table.size(); ++n) unreached += !reachability.reached(n);
  leaked.reserve(unreached);
  for (NodeId n = 0; n < table.size(); ++n)
    if (!reachability.reached(n)) leaked.push_back(n);
  if (interrupted && interrupted()) return std::nullopt;

  // Direct: one member of each strongly connected component no other leak points to.
  auto split = split_leaks(session.memory(), table, leaked, interrupted);
  if (!split) return std::nullopt;
  LeakReport report;
  report.split = {split->edges, split->components, split->peak_bytes, split->graph_seconds,
                  split->components_seconds};
  report.leaks.reserve(leaked.size());
  for (uint32_t i = 0; i < leaked.size(); ++i) {
    Leak leak;
    leak.node = leaked[i];
    leak.direct = split->direct[i] != 0;
    (leak.direct ? report.direct : report.indirect) += 1;
    report.leaks.push_back(leak);
  }
  split.reset();
  std::vector<NodeId>().swap(leaked);
  session.record("leaks: direct/indirect", start);
  start = std::chrono::steady_clock::now();

  // Kinds: walk typed from every leaked object whose vptr names its type.
  ReachOptions typed_only;
  typed_only.conservative = false;
  HeapReach naming(session.walk_context(), typed_only);
  for (const Leak& leak : report.leaks) naming.walk_vtable_object(leak.node);
  auto named = naming.run(interrupted);
  if (!named) return std::nullopt;
  for (Leak& leak : report.leaks) {
    KindId kind = named->reached(leak.node) ? named->kinds[leak.node] : kNoKind;
    if (kind == kNoKind)
      kind = session.kinds().intern(fmt::format("<untyped {} bytes>", table.usable_size(leak.node)));
    leak.kind = kind;
  }
  session.record("leaks: kinds", start);
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
    rows[leak.kind].nodes.push_back(leak.node);
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
