// The ledger's arrays row broken down by element type, with element counts and shared buffers
// (the Topographica guide's n_bytes, n_conns and print_sizes).
#pragma once

#include "walker/analysis/ledger.h"
#include "walker/analysis/leaks.h"
#include "walker/analysis/process_graph.h"
#include "walker/memory/mappings.h"

namespace heapwalk::walker {

// Fills ledger.arrays from the allocations the arrays row counts (typed scalar arrays, not
// leaked), named and counted by the process graph (build it with_counts to spare a second
// walk). Resident bytes from the image's residency (live), or a core's pages that are not all
// zero (core_pages over `mappings`), as the ledger's resident column.
void add_array_ledger(Ledger& ledger, Session& session, const ProcessGraph& graph,
                      const LeakReport& leaks, const ProcessMappings& mappings);

}  // namespace heapwalk::walker
