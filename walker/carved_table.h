// The allocation table rebuilt around carved chunks: each live unit an allocation, each free
// unit in free_units, each block's head (from its start to its first unit) an allocation of its
// own, the chunk described in sub_blocks; every other allocation as it was.
#pragma once

#include <vector>

#include "walker/carved_block.h"
#include "walker/malloc/allocation_table.h"
#include "walker/malloc/malloc_heap.h"

namespace heapwalk::walker {

// `blocks`: chunks of `old`, each once. Returns the new table, and the carved chunks' ranges
// (sorted) in `ranges`.
AllocationTable with_carved_units(const AllocationTable& old, std::vector<CarvedBlock> blocks,
                                  std::vector<HeapRange>& ranges);

}  // namespace heapwalk::walker
