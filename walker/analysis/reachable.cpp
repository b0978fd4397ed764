#include "walker/analysis/reachable.h"

#include "walker/graph/heap_reach.h"

namespace heapwalk::walker {

std::optional<Partition> partition_reachable(Session& session, const std::vector<Root>& roots,
                                             PartitionOptions options,
                                             const std::function<bool()>& interrupted) {
  auto start = std::chrono::steady_clock::now();
  const AllocationTable& table = session.heap().in_use;
  ReachOptions reach_options;
  reach_options.conservative = !options.typed_only;
  reach_options.follow_weak = false;
  HeapReach reach(session.walk_context(), reach_options);
  for (const Root& root : roots) reach.add_root(root);
  auto reached = reach.run(interrupted);
  if (!reached) return std::nullopt;
  session.record("walk", start);

  start = std::chrono::steady_clock::now();
  std::vector<PartitionRow> rows(session.kinds().size());
  for (NodeId n = 0; n < table.size(); ++n) {
    if (!reached->reached(n)) continue;
    if (options.typed_only && !reached->typed(n)) continue;  // a pointer into its middle only
    KindId kind = reached->kinds[n];
    if (kind == kNoKind) kind = session.kinds().intern("<conservative>");  // reached, unnamed
    if (kind >= rows.size()) rows.resize(session.kinds().size());
    rows[kind].count += 1;
    rows[kind].size += table.usable_size(n);
    rows[kind].nodes.push_back(n);
  }
  std::vector<PartitionRow> used;
  for (KindId k = 0; k < rows.size(); ++k) {
    if (rows[k].count == 0) continue;
    rows[k].kind = session.kinds().name(k);
    used.push_back(std::move(rows[k]));
  }
  Partition partition = make_partition(std::move(used));
  session.record("partition", start);
  return partition;
}

std::set<uint64_t> tcaches_that_are_objects(Session& session,
                                            const std::function<bool()>& interrupted) {
  std::set<uint64_t> objects;
  std::vector<uint64_t> empty;
  for (const TcacheCensus& t : session.heap().tcaches)
    if (t.chunks == 0) empty.push_back(t.address);
  if (empty.empty()) return objects;
  ReachOptions typed_only;
  typed_only.conservative = false;
  HeapReach reach(session.walk_context(), typed_only);
  for (const Root& root :
       static_roots(session.target(), session.memory(), session.glibc().version))
    reach.add_root(root);
  auto reached = reach.run(interrupted);
  if (!reached) return objects;
  const AllocationTable& table = session.heap().in_use;
  for (uint64_t address : empty)
    if (auto node = table.find(address); node && reached->typed(*node)) objects.insert(address);
  return objects;
}

}  // namespace heapwalk::walker
