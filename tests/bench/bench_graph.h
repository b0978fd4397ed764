// What the graph benchmarks share: the synthetic graph (heap-shaped or random, from fixed
// seeds, so every benchmark and every version measures the same graph) and their clocks.
#pragma once

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <random>
#include <vector>

#include "walker/graph/heap_graph.h"

namespace heapwalk::bench {

inline double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

inline double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// `nodes` nodes (node 0 the root) of 16-128 bytes, a spanning tree from lower-numbered nodes,
// then random edges up to `edges`, one in eight conservative. Heap shape: 49 targets in 50 lie
// within 64 nodes of their source, as allocations made together point at each other.
inline walker::HeapGraph bench_graph(uint64_t nodes, uint64_t edges, bool heap_shape) {
  using walker::EdgeProvenance;
  using walker::GraphNode;
  auto target_for = [&](uint64_t n, uint64_t below) -> GraphNode {
    if (heap_shape && ::random() % 50 != 0) {
      uint64_t lo = n > 64 ? n - 64 : 0;
      uint64_t hi = std::min(below, n + 64);
      return static_cast<GraphNode>(lo + ::random() % (hi - lo));
    }
    return static_cast<GraphNode>(::random() % below);
  };
  std::mt19937_64 random(42);
  std::vector<uint64_t> sizes(nodes);
  for (uint64_t n = 1; n < nodes; ++n) sizes[n] = 16 + 16 * (random() % 8);
  walker::HeapGraphBuilder builder(std::move(sizes));
  for (uint64_t n = 1; n < nodes; ++n)
    builder.add_edge(target_for(n, n), static_cast<GraphNode>(n), EdgeProvenance::kTyped);
  for (uint64_t e = nodes - 1; e < edges; ++e) {
    auto p = random() % 8 == 0 ? EdgeProvenance::kConservative : EdgeProvenance::kTyped;
    uint64_t from = random() % nodes;
    builder.add_edge(static_cast<GraphNode>(from), target_for(from, nodes), p);
  }
  return std::move(builder).build();
}

}  // namespace heapwalk::bench
