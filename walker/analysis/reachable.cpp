#include "walker/analysis/reachable.h"

#include "walker/graph/typed_walk.h"

namespace heapwalk::walker {

std::optional<Partition> partition_reachable(Session& session, const std::vector<Root>& roots,
                                             const std::function<bool()>& interrupted) {
  auto start = std::chrono::steady_clock::now();
  const AllocationTable& table = session.heap().in_use;
  TypedWalk walk(session.memory(), table, session.types(), session.dynamic(), session.kinds());
  for (const Root& root : roots) walk.add_root(root.address, session.types().intern(root.type));
  if (!walk.run(interrupted)) return std::nullopt;
  session.record("walk", start);

  start = std::chrono::steady_clock::now();
  const std::vector<KindId>& kinds = walk.kinds();
  std::vector<PartitionRow> rows(session.kinds().size());
  for (NodeId n = 0; n < table.size(); ++n) {
    if (kinds[n] == kNoKind) continue;
    if (kinds[n] >= rows.size()) rows.resize(session.kinds().size());
    rows[kinds[n]].count += 1;
    rows[kinds[n]].size += table.usable_size(n);
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

}  // namespace heapwalk::walker
