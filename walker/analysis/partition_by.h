// Partitions of a set by something other than kind, over the process graph (Heapy's
// equivalence relations): by the kinds of an object's referrers (byrcs: who owns it), by the
// label of the edges it is referenced through (byvia), by its individual size (bysize).
#pragma once

#include <span>
#include <string>

#include "walker/analysis/partition.h"
#include "walker/analysis/process_graph.h"

namespace heapwalk::walker {

enum class PartitionBy { kKind, kOwner, kVia, kSize, kModule };

// "kind", "owner", "via", "size" or "module"; throws std::runtime_error for anything else.
PartitionBy partition_by_name(const std::string& name);

// The allocations of `set` (AllocationTable ids) grouped by `by`; each row keeps its nodes.
// An owner row reads "<Sheet>", "{CFProjection, Simulation}" or "<roots>"; a via row the edge
// labels, "->weights" or "[…], ->first"; a size row "64 bytes"; a module row the file name of
// the module that defines the kind (partition_by_module.h). Weak edges never count.
Partition partition_by(Session& session, const ProcessGraph& graph, std::span<const uint32_t> set,
                       PartitionBy by, EdgeFilter filter = EdgeFilter::kOwning);

}  // namespace heapwalk::walker
