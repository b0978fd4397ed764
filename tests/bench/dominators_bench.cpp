// Benchmark (not a test): the dominator tree and retained sizes of a random heap-shaped graph.
//   heapwalk_bench_dominators [NODES [EDGES [heap|random [THREADS]]]]   default 20 M, 60 M, heap, 2
// Every node is reached: one edge from an earlier node (owners usually precede what they own in
// address order). In the "heap" shape, as in a real heap sorted by address, 49 edges in 50
// stay within 64 nodes of their source (objects allocated together point at each other: a
// node and its buffers, a list's next element) and one in 50 goes anywhere; in the "random"
// shape every edge goes anywhere, the worst case for caches (and no heap's shape). Prints the dominator pass's wall and CPU time and working memory beside the targets of
// the retention issue (<= 3 s, <= 40 bytes a node plus 8 an edge, on 2 cores), then the
// shortest paths' time (<= 1 s for a row) and the in-edges' (built once, on first need).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string_view>
#include <algorithm>

#include "tests/bench/bench_graph.h"
#include "walker/analysis/dominators.h"
#include "walker/analysis/retention.h"
#include "walker/graph/reverse_edges.h"

using namespace heapwalk::walker;
using namespace heapwalk::bench;

namespace {
// A field of /proc/self/status, in KiB (VmRSS: now; VmHWM: the peak since the last reset).
long status_kib(const char* field) {
  std::FILE* f = std::fopen("/proc/self/status", "r");
  if (!f) return 0;
  char line[256];
  long kib = 0;
  const size_t length = std::strlen(field);
  while (std::fgets(line, sizeof line, f))
    if (std::strncmp(line, field, length) == 0 && line[length] == ':')
      kib = std::strtol(line + length + 1, nullptr, 10);
  std::fclose(f);
  return kib;
}
// Resets VmHWM to the current RSS, so that the peak measured is the dominator pass's own, not
// the graph builder's (whose peak is higher than the graph it leaves).
void reset_peak_rss() {
  if (std::FILE* f = std::fopen("/proc/self/clear_refs", "w")) {
    std::fputs("5", f);
    std::fclose(f);
  }
}
}  // namespace

int main(int argc, char** argv) {
  const uint64_t nodes = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20'000'000;
  const uint64_t edges = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 60'000'000;
  const bool heap_shape = argc <= 3 || std::string_view(argv[3]) != "random";
  const int threads = argc > 4 ? std::atoi(argv[4]) : 2;
  auto start = std::chrono::steady_clock::now();
  HeapGraph graph = bench_graph(nodes, edges, heap_shape);
  std::printf("graph: %llu nodes, %zu edges, built in %.2f s, %.1f MiB\n",
              static_cast<unsigned long long>(nodes), graph.edge_count(), seconds_since(start),
              graph.memory_bytes() / 1048576.0);
  reset_peak_rss();
  const long before = status_kib("VmRSS");

  start = std::chrono::steady_clock::now();
  const double cpu_before = cpu_seconds();
  DominatorPhases phases;
  DominatorTuning tuning;
  tuning.threads = threads;
  tuning.phases = &phases;
  DominatorTree tree = dominator_tree(graph, EdgeFilter::kOwning, {}, tuning);
  const double took = seconds_since(start);
  const double cpu = cpu_seconds() - cpu_before;
  const long after = status_kib("VmHWM");
  const double per_node_budget = 40.0 * nodes + 8.0 * graph.edge_count();
  std::printf("%s shape: dominator tree + retained sizes: %.2f s wall, %.2f s CPU, %d thread%s "
              "(target 3 s): %s\n",
              heap_shape ? "heap" : "random", took, cpu, threads, threads > 1 ? "s" : "",
              took <= 3.0 ? "PASS" : "FAIL");
  std::printf("  phases, wall / CPU: depth first %.2f / %.2f s, predecessors %.2f / %.2f s, "
              "semidominators %.2f / %.2f s, idoms %.2f / %.2f s, retained sizes %.2f / %.2f s\n",
              phases.depth_first.wall, phases.depth_first.cpu, phases.predecessors.wall,
              phases.predecessors.cpu, phases.semidominators.wall, phases.semidominators.cpu,
              phases.idoms.wall, phases.idoms.cpu, phases.retained.wall, phases.retained.cpu);
  const double grew = (after - before) * 1024.0;
  std::printf("working memory: peak RSS grew %.1f MiB (from %.1f MiB: the graph), %.1f bytes a "
              "node; budget 40 B/node + 8 B/edge = %.1f MiB (%.1f a node here): %s\n",
              grew / 1048576.0, before / 1024.0, grew / nodes, per_node_budget / 1048576.0,
              per_node_budget / nodes, grew <= per_node_budget ? "PASS" : "FAIL");
  std::printf("reached %zu nodes, root retains %llu bytes\n", tree.preorder.size(),
              static_cast<unsigned long long>(tree.retained[0]));

  // A row's shortest paths read the paths from the roots to every node (one pass for all rows,
  // as heap shpaths and heap top do), then walk up from the row's objects.
  start = std::chrono::steady_clock::now();
  double cpu_start = cpu_seconds();
  ShortestPaths paths = shortest_paths(graph);
  size_t longest = 0;
  for (GraphNode v = 1; v < 1001 && v < nodes; ++v) longest = std::max(longest, paths.edges_to(graph, v).size());
  const double paths_took = seconds_since(start);
  std::printf("shortest paths (and those to 1,000 objects, the longest %zu edges): %.2f s wall, "
              "%.2f s CPU (target 1 s): %s\n",
              longest, paths_took, cpu_seconds() - cpu_start, paths_took <= 1.0 ? "PASS" : "FAIL");

  // The in-edges heap referrers, heap shpaths --addr and heap partition --by owner|via read.
  start = std::chrono::steady_clock::now();
  cpu_start = cpu_seconds();
  const ReverseEdges& in = graph.in_edges();
  std::printf("in-edges (built once, on first need): %.2f s wall, %.2f s CPU, %.1f MiB\n",
              seconds_since(start), cpu_seconds() - cpu_start, in.memory_bytes() / 1048576.0);
  return 0;
}
