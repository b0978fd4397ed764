#include "walker/analysis/path_texts.h"

#include <algorithm>
#include <cstdlib>
#include <new>

#include <fmt/format.h>

#include "walker/analysis/edge_labels.h"

namespace heapwalk::walker {

PathTexts::PathTexts(Session& session, const ProcessGraph& graph, const ShortestPaths& paths)
    : session_(session),
      graph_(graph),
      paths_(paths),
      run_of_node_(static_cast<uint32_t*>(std::calloc(graph.graph.node_count() + 1, sizeof(uint32_t))),
                   &std::free) {
  if (!run_of_node_) throw std::bad_alloc();
}

uint32_t PathTexts::label_id(std::string label) {
  auto [it, added] = label_ids_.try_emplace(std::move(label), static_cast<uint32_t>(labels_.size()));
  if (added) labels_.push_back(it->first);
  return it->second;
}

uint32_t PathTexts::run_of(GraphNode n) {
  // Up to the root or to a node already seen, then down again, a run entry per node.
  std::vector<GraphNode> up;
  uint32_t run = kNone;
  for (GraphNode v = n; v != kRootNode && paths_.via(v) != ShortestPaths::kNoEdge;
       v = paths_.parent(graph_.graph, v)) {
    if (run_of_node_[v]) {
      run = run_of_node_[v] - 1;
      break;
    }
    up.push_back(v);
  }
  for (auto it = up.rbegin(); it != up.rend(); ++it) {
    const uint32_t edge = paths_.via(*it);
    const GraphNode from = paths_.parent(graph_.graph, *it);
    const uint32_t label = label_id(edge_label(session_, graph_, from, edge));
    if (run != kNone && runs_[run].label == label) {
      runs_.push_back({label, runs_[run].repeats + 1, runs_[run].before});
    } else {
      runs_.push_back({label, 1, run});
    }
    run = static_cast<uint32_t>(runs_.size() - 1);
    run_of_node_[*it] = run + 1;
  }
  return run;
}

std::string PathTexts::text(GraphNode n) {
  std::vector<uint32_t> chain;  // the runs, last first
  for (uint32_t run = run_of(n); run != kNone; run = runs_[run].before) chain.push_back(run);
  // As path_text: a label repeated more than three times reads as the count.
  std::string text;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
    const std::string& label = labels_[runs_[*it].label];
    if (runs_[*it].repeats > 3) {
      text += fmt::format("({} ×{})", label, runs_[*it].repeats);
    } else {
      for (uint32_t i = 0; i < runs_[*it].repeats; ++i) text += label;
    }
  }
  return text;
}

}  // namespace heapwalk::walker
