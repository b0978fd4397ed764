#include "walker/analysis/dominators.h"

#include <chrono>
#include <ctime>

#include "walker/analysis/dominator_dfs.h"
#include "walker/analysis/dominator_pass.h"
#include "walker/analysis/dominator_predecessors.h"
#include "walker/analysis/dominator_sums.h"
#include "walker/analysis/huge_pages.h"
#include "walker/analysis/semidominators.h"

// The pass in four steps, each in its own file: the DFS (dominator_dfs.cpp), the predecessor
// lists (dominator_predecessors.cpp), the semidominators (semidominators.cpp), then here the
// idoms as nearest common ancestors, and the retained sizes (dominator_sums.cpp).
namespace heapwalk::walker {

using namespace dominator_pass;

DominatorTree dominator_tree(const HeapGraph& graph, EdgeFilter filter,
                             const std::function<bool()>& interrupted) {
  return dominator_tree(graph, filter, interrupted, DominatorTuning{});
}

DominatorTree dominator_tree(const HeapGraph& graph, EdgeFilter filter,
                             const std::function<bool()>& interrupted,
                             const DominatorTuning& tuning) {
  DominatorTree tree;
  if (graph.node_count() == 0) return tree;
  StopCheck check{interrupted};
  const bool two = tuning.threads > 1;
  auto cpu_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
  };
  auto lap = [&, t = std::chrono::steady_clock::now(),
              c = cpu_now()](DominatorPhases::Time DominatorPhases::*phase) mutable {
    if (!tuning.phases) return;
    const auto now = std::chrono::steady_clock::now();
    const double cpu = cpu_now();
    tuning.phases->*phase = {std::chrono::duration<double>(now - t).count(), cpu - c};
    t = now;
    c = cpu;
  };
  std::vector<Index> idom;
  std::vector<uint32_t> in_count;
  {
    // The in-edge counts on a second thread while this one goes depth first.
    HelperThread counting(two, [&](const std::atomic<bool>& stop) {
      count_in_edges(graph, filter, in_count, stop);
    });
    depth_first(graph, filter, tree.preorder, idom, check);
    counting.join();
  }
  const std::vector<GraphNode>& order = tree.preorder;
  const Index n = static_cast<Index>(order.size());
  std::vector<Index> number;
  reserve_huge(number, graph.node_count());
  number.assign(graph.node_count(), kNone);
  in_halves(two, n, [&](size_t lo, size_t hi) {
    for (size_t i = lo; i < hi; ++i) number[order[i]] = static_cast<Index>(i);
  });
  lap(&DominatorPhases::depth_first);

  // idom starts as the DFS parent, the first candidate.
  {
    std::vector<uint32_t> first;
    std::vector<Index> preds;
    predecessors(graph, filter, order, number, idom, in_count, first, preds, tuning.threads,
                 check);
    in_count = {};
    lap(&DominatorPhases::predecessors);
    std::vector<Index> semi = semidominators(first, preds, idom, tuning, check);
    first = {};
    preds = {};
    lap(&DominatorPhases::semidominators);
    // idom(w) is the nearest common ancestor of its parent and its semidominator in the tree
    // of the idoms found so far: climb from the parent until at or above the semidominator.
    for (Index w = 1; w < n; ++w) {
      Index c = idom[w];
      while (c > semi[w]) c = idom[c];
      idom[w] = c;
    }
  }
  lap(&DominatorPhases::idoms);

  retained_sums(graph, order, idom, number, tree.retained, two);
  static_assert(DominatorTree::kUnreached == kNone);
  tree.idom = std::move(number);
  lap(&DominatorPhases::retained);
  return tree;
}

}  // namespace heapwalk::walker

