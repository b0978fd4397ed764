// The breadth-first search of shortest_paths (walker/analysis/shortest_paths.h): level by level,
// each long level split between two threads, with the one-thread search's result.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "walker/analysis/relay_thread.h"
#include "walker/analysis/shortest_paths.h"

namespace heapwalk::walker {

class PathSearch {
 public:
  PathSearch(const HeapGraph& graph, ShortestPaths& paths, const std::function<bool()>& interrupted,
             SearchThreads threads);
  ~PathSearch() { stop_ = true; }  // the second thread (destroyed first) then ends at once

  // Typed edges only, level by level from the root. Notes the nodes with a conservative edge
  // to a node not reached when they were expanded: the only ones a second pass can start from.
  void typed_pass();
  // Every edge `filter` allows, from what the typed pass reached: only a conservative edge to
  // a node still unreached can reach more. Starts from the reached nodes that have one, in the
  // order they were reached (the paths are the same as from all of them).
  void conservative_pass(EdgeFilter filter);

 private:
  // Who expands a slice of a level: the calling thread alone, or with a second thread (the
  // first part of the level, or the rest).
  enum class Role { kAlone, kFirst, kSecond };
  // A node the second thread reached, not yet known to be the first thread's too.
  struct Claim {
    GraphNode to;
    ShortestPaths::Step step;
  };
  struct Level {
    const GraphNode* frontier = nullptr;
    size_t split = 0, size = 0;  // the second thread expands [split, size)
    EdgeFilter pass = EdgeFilter::kTypedOnly;
    uint32_t depth = 0;          // in the typed pass, the new nodes' depth
    bool typed = true;
    bool merging = false;        // the second thread's step: expand, or merge the upper words
  };

  bool seen(GraphNode v) const;
  void expand(const GraphNode* frontier, size_t size, EdgeFilter pass, uint32_t depth, bool typed);
  template <bool kTyped, Role kRole>
  void expand_part(const GraphNode* frontier, size_t begin, size_t end, EdgeFilter pass,
                   uint32_t depth);
  void merge(size_t first_word, size_t end_word);
  void second_thread_step();
  void wait_for_second_thread();
  void check_interrupted();

  const HeapGraph& graph_;
  const GraphNode* targets_;
  const EdgeProvenance* provenance_;
  ShortestPaths::Step* steps_;
  const std::function<bool()>& interrupted_;
  const size_t split_from_;
  uint32_t polls_ = 0;
  // What is reached: a bit per node (2.5 MB for 20 M nodes, so it stays in the cache). While a
  // level is split, only the first thread reads and sets it; the second reads and sets its own
  // copy, settled_: what was reached before the level, and what it has claimed since. No cache
  // line passes between the cores until the merge.
  std::vector<uint64_t> seen_, settled_;
  bool settled_is_seen_ = true;    // false once a level not split has reached something
  std::vector<GraphNode> order_;   // every reached node in order; reserved: never reallocated
  // The typed pass's nodes with a conservative edge to a node then unreached: a bit per node.
  std::vector<uint64_t> candidates_;
  // The second thread's claims, in its order, and its candidates (set in candidates_ by the
  // merge: no atomic update while expanding, which would stall its reads).
  std::vector<Claim> claims_;
  std::vector<GraphNode> second_candidates_;
  Level level_;                    // what the second thread is to do
  std::atomic<bool> stop_{false};
  std::unique_ptr<RelayThread> second_;  // last: destroyed first, while the rest is whole
};

}  // namespace heapwalk::walker
