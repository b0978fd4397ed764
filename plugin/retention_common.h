// What heap top, heap shpaths and heap dominators share: their options, the retention of the
// stop (process graph, dominators, shortest paths) and how a row of it reads.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "plugin/command_base.h"
#include "report/retention_render.h"
#include "walker/analysis/path_texts.h"
#include "walker/analysis/retention.h"

namespace heapwalk::plugin {

extern const OptionSpec kTypedOnlyOption;
extern const OptionSpec kTimingsOption;

walker::EdgeFilter filter_of(const ParsedOptions& options);
// "typed edges only" or "typed and conservative edges", for titles.
std::string edges_counted(walker::EdgeFilter filter);

// The process graph, the dominators and the shortest paths of this stop.
struct Retention {
  std::shared_ptr<walker::Session> session;
  std::shared_ptr<const walker::ProcessGraph> graph;
  std::shared_ptr<const walker::DominatorTree> tree;
  std::shared_ptr<const walker::ShortestPaths> paths;
};

// Throws when interrupted.
Retention retention(std::shared_ptr<walker::Session> session, walker::EdgeFilter filter,
                    const std::function<bool()>& interrupted);

// The graph node of the allocation holding --addr; throws when there is none.
walker::GraphNode node_at(const walker::Session& session, const ParsedOptions& options);

// A row of heap top or heap dominators: address, sizes, kind, and (given `paths`, the rows'
// path texts) a shortest path.
report::RetainedRow row_of(const Retention& r, walker::GraphNode node, walker::PathTexts* paths);

// --timings: the phases, then the graph's size.
void print_graph_timings(const Retention& r, uint64_t anon_before);

}  // namespace heapwalk::plugin
