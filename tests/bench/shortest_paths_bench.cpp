// Benchmark (not a test): the shortest paths from the roots alone, on the graph of
// dominators_bench.cpp (same generator, same seed), run R times; prints each run's wall and
// CPU time (all threads', and the calling thread's: on a loaded machine, what the wall time
// would be near), and the fastest, against the target of the retention issue (<= 1 s for a row).
//   heapwalk_bench_shortest_paths [NODES [EDGES [heap|random [RUNS [THREADS]]]]]
// default 20 M, 60 M, heap, 3, 0 (both cores).
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string_view>

#include "tests/bench/bench_graph.h"
#include "walker/analysis/shortest_paths.h"

using namespace heapwalk::walker;
using namespace heapwalk::bench;

namespace {

double thread_cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  const uint64_t nodes = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 20'000'000;
  const uint64_t edges = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 60'000'000;
  const bool heap_shape = argc <= 3 || std::string_view(argv[3]) != "random";
  const int runs = argc > 4 ? std::atoi(argv[4]) : 3;
  const SearchThreads threads{argc > 5 ? static_cast<unsigned>(std::atoi(argv[5])) : 0u};
  HeapGraph graph = bench_graph(nodes, edges, heap_shape);
  std::printf("graph: %llu nodes, %zu edges, %s shape\n", static_cast<unsigned long long>(nodes),
              graph.edge_count(), heap_shape ? "heap" : "random");
  double best = 1e9;
  for (int run = 0; run < runs; ++run) {
    auto start = std::chrono::steady_clock::now();
    const double cpu_start = cpu_seconds(), own_start = thread_cpu_seconds();
    ShortestPaths paths = shortest_paths(graph, EdgeFilter::kOwning, {}, threads);
    const double took = seconds_since(start), cpu = cpu_seconds() - cpu_start,
                 own = thread_cpu_seconds() - own_start;
    best = std::min(best, took);
    // A digest of the paths (each node's edge from its parent), to compare versions.
    uint64_t reached = 0, depths = 0, digest = 0;
    for (GraphNode v = 0; v < nodes; ++v) {
      reached += paths.reached(v);
      depths += paths.depth(v);
      digest = (digest ^ paths.via(v)) * 0x100000001b3ull;
    }
    std::printf("run %d: %.3f s wall, %.3f s CPU (%.3f s calling thread); %llu reached, mean "
                "depth %.2f, digest %016llx\n",
                run, took, cpu, own, static_cast<unsigned long long>(reached),
                static_cast<double>(depths) / std::max<uint64_t>(reached, 1),
                static_cast<unsigned long long>(digest));
  }
  std::printf("shortest paths: fastest %.3f s wall (target 1 s): %s\n", best,
              best <= 1.0 ? "PASS" : "FAIL");
  return 0;
}
