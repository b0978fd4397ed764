// The dominator pass's third step: semi-NCA's semidominators over preorder indices, with the
// far parts of the evaluations interleaved and on a second thread
// (walker/analysis/semidominators.cpp).
#pragma once

#include <cstdint>
#include <vector>

#include "walker/analysis/dominator_pass.h"
#include "walker/analysis/dominators.h"

namespace heapwalk::walker::dominator_pass {

// semi[w] for every preorder index w > 0 (semi[0] is 0), from the predecessor lists
// (dominator_predecessors.h) and the DFS parents.
std::vector<Index> semidominators(const std::vector<uint32_t>& first,
                                  const std::vector<Index>& preds,
                                  const std::vector<Index>& parent, const DominatorTuning& tuning,
                                  StopCheck& check);

}  // namespace heapwalk::walker::dominator_pass
