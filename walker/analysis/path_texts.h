// The path texts of many nodes of one ShortestPaths, as path_text writes them, each edge's
// label computed once: heap top 1000000 or heap shpaths --count 1000000 on a million-deep list
// would otherwise label a million paths of up to a million edges.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "walker/analysis/process_graph.h"
#include "walker/analysis/retention.h"

namespace heapwalk::walker {

class PathTexts {
 public:
  PathTexts(Session& session, const ProcessGraph& graph, const ShortestPaths& paths);
  // path_text(edges_to(n)): "" for the root and the unreached.
  std::string text(GraphNode n);

 private:
  static constexpr uint32_t kNone = UINT32_MAX;
  // A path as its last run of equal labels and the path before that run: shared by every
  // node below, so a node costs one entry whatever its depth.
  struct Run {
    uint32_t label, repeats, before;
  };
  uint32_t run_of(GraphNode n);
  uint32_t label_id(std::string label);

  Session& session_;
  const ProcessGraph& graph_;
  const ShortestPaths& paths_;
  // Per node, its run + 1 (0: not seen yet). calloc'd: the pages of nodes never passed are
  // never touched, and it is freed at once (an interrupted command must unwind quickly).
  std::unique_ptr<uint32_t[], void (*)(void*)> run_of_node_;
  std::vector<Run> runs_;
  std::vector<std::string> labels_;
  std::unordered_map<std::string, uint32_t> label_ids_;
};

}  // namespace heapwalk::walker
