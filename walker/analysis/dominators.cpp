#include "walker/analysis/dominators.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ctime>
#include <thread>
#include <utility>

#include "walker/analysis/huge_pages.h"

namespace heapwalk::walker {

namespace {

// Every Mi steps, asks whether to stop (an SB call costs microseconds: never per step). Only
// the calling thread asks; a helper thread stops when told to (HelperThread below).
struct StopCheck {
  const std::function<bool()>& interrupted;
  uint32_t steps = 0;
  void operator()() {
    if (interrupted && (++steps & 0xfffff) == 0 && interrupted()) throw Interrupted();
  }
};

using Index = uint32_t;  // a node's position in DFS preorder
constexpr Index kNone = UINT32_MAX;

// A second thread for work independent of the caller's; joined (after being told to stop) when
// it goes out of scope, also when the caller throws Interrupted.
class HelperThread {
 public:
  HelperThread(bool use, std::function<void(const std::atomic<bool>& stop)> work)
      : work_(std::move(work)) {
    if (use) {
      thread_ = std::thread([this] { work_(stop_); });
    } else {
      work_(stop_);
    }
  }
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  ~HelperThread() {
    stop_ = true;
    join();
  }

 private:
  std::function<void(const std::atomic<bool>&)> work_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Runs fn(lo, hi) over [0, count): the upper half on a second thread when `two`.
template <typename Fn>
void in_halves(bool two, size_t count, const Fn& fn) {
  if (!two || count < 2) {
    fn(size_t{0}, count);
    return;
  }
  const size_t half = count / 2;
  HelperThread upper(true, [&](const std::atomic<bool>&) { fn(half, count); });
  fn(size_t{0}, half);
  upper.join();
}

bool test_bit(const std::vector<uint64_t>& bits, uint32_t i) { return bits[i >> 6] >> (i & 63) & 1; }

// Numbers the reached nodes in DFS preorder: order[i] is the node, parent[i] the index of its
// DFS parent (the root's is 0). Out-edges are taken in CSR order, so the preorder is the same as
// a recursive DFS's. What is visited is a bit per node (2.5 MB for 20 M nodes: it stays in the
// cache, where a 4-byte number per node would miss on every far edge); the numbers are written
// afterwards, from `order`.
void depth_first(const HeapGraph& graph, EdgeFilter filter, std::vector<GraphNode>& order,
                 std::vector<Index>& parent, StopCheck& check) {
  const size_t nodes = graph.node_count();
  std::vector<uint64_t> seen((nodes + 63) / 64, 0);
  order.clear();
  parent.clear();
  // An explicit stack, so depth costs memory, not recursion: per node on it, the next and the
  // end of its out-edges (as edge indices) and its preorder index.
  struct Frame {
    uint32_t next, end;
    Index index;
  };
  std::vector<Frame> stack;
  const GraphNode* targets = graph.all_targets().data();
  const EdgeProvenance* provenance = graph.all_provenance().data();
  auto visit = [&](GraphNode node, Index parent_index) {
    seen[node >> 6] |= uint64_t{1} << (node & 63);
    stack.push_back({graph.first_edge(node), graph.first_edge(node + 1),
                     static_cast<Index>(order.size())});
    order.push_back(node);
    parent.push_back(parent_index);
  };
  visit(kRootNode, 0);
  while (!stack.empty()) {
    check();
    Frame& f = stack.back();
    uint32_t e = f.next;
    GraphNode to = kRootNode;
    for (; e < f.end; ++e) {
      if (!follows(filter, provenance[e])) continue;
      to = targets[e];
      if (!test_bit(seen, to)) break;
    }
    if (e < f.end) {
      f.next = e + 1;
      visit(to, f.index);  // f is stale from here
      continue;
    }
    stack.pop_back();
    // Going back up, the frames below resume where they left off, long ago: fetch their next
    // edges ahead of time (deep graphs miss the cache there).
    const size_t k = stack.size();
    if (k > 16) {
      const Frame& g = stack[k - 16];
      __builtin_prefetch(&targets[g.next]);
      __builtin_prefetch(&provenance[g.next]);
    }
  }
}

// How many followed edges point at each node, from any node (the reached ones are not known
// yet: this runs beside the DFS). Edges from unreached nodes leave slack in the predecessor
// lists, filled below.
void count_in_edges(const HeapGraph& graph, EdgeFilter filter, std::vector<uint32_t>& in_count,
                    const std::atomic<bool>& stop) {
  reserve_huge(in_count, graph.node_count());
  in_count.assign(graph.node_count(), 0);
  const GraphNode* targets = graph.all_targets().data();
  const EdgeProvenance* provenance = graph.all_provenance().data();
  const uint32_t edges = static_cast<uint32_t>(graph.edge_count());
  for (uint32_t e = 0; e < edges; ++e) {
    if ((e & 0xfffff) == 0 && stop) return;
    if (follows(filter, provenance[e])) ++in_count[targets[e]];
  }
}

// Predecessors of every reached node, as preorder indices, in CSR form (first[i] .. first[i +
// 1] for index i), from the in-edge counts (turned into each node's cursor, in place). Two
// threads (when `threads` > 1), each placing the edges into one half of the nodes, both reading
// every node in address order (sequential reads of the graph: a heap's edges mostly stay near
// their source), so each list keeps its sources in address order either way. The slack left by
// unreached sources is filled with the node's DFS parent, a predecessor already counted.
void predecessors(const HeapGraph& graph, EdgeFilter filter, const std::vector<GraphNode>& order,
                  const std::vector<Index>& number, const std::vector<Index>& parent,
                  std::vector<uint32_t>& cursor, std::vector<uint32_t>& first,
                  std::vector<Index>& preds, int threads, StopCheck& check) {
  const size_t nodes = graph.node_count();
  const size_t n = order.size();
  reserve_huge(first, n + 1);
  first.assign(n + 1, 0);
  for (Index i = 0; i < n; ++i) {
    uint32_t count = cursor[order[i]];
    cursor[order[i]] = first[i];
    first[i + 1] = first[i] + count;
  }
  reserve_huge(preds, first[n]);
  preds.resize(first[n]);
  const GraphNode* targets = graph.all_targets().data();
  const EdgeProvenance* provenance = graph.all_provenance().data();
  // Places the edges into nodes [lo, hi).
  auto place = [&](GraphNode lo, GraphNode hi, const std::atomic<bool>* stop) {
    for (GraphNode u = 0; u < nodes; ++u) {
      const Index from = number[u];
      if (from == kNone) continue;
      if (stop) {
        if ((u & 0xffff) == 0 && *stop) return;
      } else {
        check();
      }
      const uint32_t end = graph.first_edge(u + 1);
      for (uint32_t e = graph.first_edge(u); e < end; ++e) {
        const GraphNode to = targets[e];
        if (to >= lo && to < hi && follows(filter, provenance[e])) preds[cursor[to]++] = from;
      }
    }
  };
  if (threads > 1 && nodes > 1) {
    const GraphNode half = static_cast<GraphNode>(nodes / 2);
    HelperThread upper(true, [&](const std::atomic<bool>& stop) {
      place(half, static_cast<GraphNode>(nodes), &stop);
    });
    place(0, half, nullptr);
    upper.join();
  } else {
    place(0, static_cast<GraphNode>(nodes), nullptr);
  }
  for (Index i = 0; i < n; ++i)
    for (uint32_t e = cursor[order[i]]; e < first[i + 1]; ++e) preds[e] = parent[i];
}

// Semi-NCA's semidominators, over preorder indices: for w from the last to the first, the
// least of its predecessors numbered before it and of the evaluations of those after it. The
// link-eval forest holds, per processed node, an ancestor pointer (the DFS parent, shortened as
// paths are halved) and `best`, the least semidominator on the path from the node up to, not
// including, that ancestor; an unprocessed node's best is itself. Evaluation halves the path
// as it climbs (Tarjan and van Leeuwen's path halving keeps the bound of compression).
//
// Evaluations are the cost: on a deep DFS tree they climb far through the forest, a cache miss
// a step, each step waiting for the last. So the nodes are taken in blocks of consecutive
// indices, and each evaluation is split where its path crosses below a threshold: the part
// through nodes at or above it (all processed before the block starts) is done first for every
// predecessor of the block, many at once (`slots` climbs interleaved, each step's line fetched
// while the others advance), leaving its least and where the path goes on; the rest lies in
// the block and the one before it (their forest in the cache) and is climbed as each node is
// processed. With two threads the far parts of block j + 1 are climbed by the second thread
// while the first processes block j (the threshold then is the top of block j - 1, finished).
// Every state a halving step leaves is valid (a link to a processed ancestor, with the least
// of the path it skips), so the result is the same in any interleaving, also of two threads
// halving the same links: a link is one 64-bit word, read and written whole (relaxed atomics).
class Forest {
 public:
  struct Link {
    Index ancestor, best;
  };
  explicit Forest(const std::vector<Index>& parent) {
    reserve_huge(words_, parent.size());
    words_.resize(parent.size());
    for (Index i = 0; i < parent.size(); ++i) store(i, {parent[i], i});
  }
  Link load(Index i) const {
    const uint64_t w = std::atomic_ref<uint64_t>(words_[i]).load(std::memory_order_relaxed);
    return {static_cast<Index>(w), static_cast<Index>(w >> 32)};
  }
  void store(Index i, Link l) {
    std::atomic_ref<uint64_t>(words_[i]).store(uint64_t{l.best} << 32 | l.ancestor,
                                               std::memory_order_relaxed);
  }
  void prefetch(Index i) const { __builtin_prefetch(&words_[i]); }

  // The least best from x up to its highest node above w (processed, when w is the node being
  // processed).
  Index evaluate(Index x, Index w) {
    Link lx = load(x);
    Index least = lx.best;
    for (;;) {
      if (lx.ancestor <= w) break;  // x is the highest processed node of the path
      const Link up = load(lx.ancestor);
      if (up.ancestor <= w) {
        if (up.best < least) least = up.best;
        break;
      }
      // Halve: x now skips its ancestor, and its best covers the ancestor's part too.
      const Index best = std::min(lx.best, up.best);
      store(x, {up.ancestor, best});
      if (best < least) least = best;
      x = up.ancestor;
      lx = load(x);
      if (lx.best < least) least = lx.best;
    }
    return least;
  }

 private:
  mutable std::vector<uint64_t> words_;
};

// A block's far parts: per predecessor entry e of [e0, e1), least[e - e0] and exit[e - e0] (the
// path's next node below the threshold `top`; a predecessor below `top` is its own exit).
struct FarParts {
  std::vector<Index> least, exit;
};

// Climbs the far parts of the predecessors [e0, e1) numbered above `above` (the others are
// processed inside their block), `slots` at once.
void evaluate_far(Forest& forest, const Index* preds, uint32_t e0, uint32_t e1, Index above,
                  Index top, uint32_t slots, FarParts& out) {
  out.least.resize(e1 - e0);
  out.exit.resize(e1 - e0);
  Index* least = out.least.data();
  Index* exit = out.exit.data();
  struct Climb {
    uint32_t entry;
    Index x, least;
    bool up;  // x's ancestor's line is on its way: halve next
  };
  Climb climbs[64];
  uint32_t live[64];
  slots = std::clamp<uint32_t>(slots, 1, 64);
  uint32_t next = e0, active = 0;
  auto start = [&](Climb& c) {
    for (; next < e1; ++next) {
      const Index v = preds[next];
      if (v <= above) continue;  // processed inside the block
      if (v < top) {
        least[next - e0] = kNone;
        exit[next - e0] = v;
        continue;
      }
      c = {next++, v, kNone, false};
      forest.prefetch(v);
      return true;
    }
    return false;
  };
  for (uint32_t i = 0; i < slots; ++i)
    if (start(climbs[i])) live[active++] = i;
  while (active > 0) {
    for (uint32_t k = 0; k < active;) {
      Climb& c = climbs[live[k]];
      const Forest::Link lx = forest.load(c.x);
      bool done = false;
      if (!c.up) {
        if (lx.ancestor < top) {
          least[c.entry - e0] = std::min(c.least, lx.best);
          exit[c.entry - e0] = lx.ancestor;
          done = true;
        } else {
          forest.prefetch(lx.ancestor);
          c.up = true;
        }
      } else {
        const Forest::Link up = forest.load(lx.ancestor);
        if (up.ancestor < top) {
          least[c.entry - e0] = std::min({c.least, lx.best, up.best});
          exit[c.entry - e0] = up.ancestor;
          done = true;
        } else {
          const Index best = std::min(lx.best, up.best);
          forest.store(c.x, {up.ancestor, best});
          c.least = std::min(c.least, best);
          c.x = up.ancestor;
          forest.prefetch(c.x);
          c.up = false;
        }
      }
      if (done && !start(c)) {
        live[k] = live[--active];
        continue;
      }
      ++k;
    }
  }
}

std::vector<Index> semidominators(const std::vector<uint32_t>& first,
                                  const std::vector<Index>& preds,
                                  const std::vector<Index>& parent, const DominatorTuning& tuning,
                                  StopCheck& check) {
  const Index n = static_cast<Index>(parent.size());
  std::vector<Index> semi(n, 0);
  if (n <= 1) return semi;
  Forest forest(parent);
  // The blocks, from the top: block j is [bounds[j + 1], bounds[j]). A block's far parts take 8
  // bytes a predecessor entry: at most kMaxEntries (8 MiB) of them; a node with more
  // predecessors than that is a block of its own, evaluated plainly (far[j] false).
  constexpr uint32_t kMaxEntries = 1u << 20;
  const Index size = std::max<Index>(tuning.block, 1);
  std::vector<Index> bounds{n};
  std::vector<bool> far;
  for (Index hi = n; hi > 1;) {
    Index lo = hi - 1 > size ? hi - size : 1;
    while (hi - lo > 1 && first[hi] - first[lo] > kMaxEntries) lo = hi - (hi - lo) / 2;
    far.push_back(first[hi] - first[lo] <= kMaxEntries);
    bounds.push_back(lo);
    hi = lo;
  }
  const size_t blocks = far.size();
  const bool two = tuning.threads > 1 && blocks > 2;
  FarParts parts[2];
  // Block j's far parts, against what is processed at or above `top`.
  auto prepare = [&](size_t j, Index top) {
    if (far[j])
      evaluate_far(forest, preds.data(), first[bounds[j + 1]], first[bounds[j]], bounds[j] - 1,
                   top, tuning.slots, parts[j % 2]);
  };
  auto process = [&](size_t j) {
    const Index lo = bounds[j + 1], hi = bounds[j];
    const uint32_t e0 = first[lo];
    const FarParts& part = parts[j % 2];
    for (Index w = hi - 1;; --w) {
      check();
      Index s = parent[w];  // a predecessor, and its own semidominator
      for (uint32_t e = first[w]; e < first[w + 1]; ++e) {
        const Index v = preds[e];
        // Not processed yet (numbered before w): its own semidominator is itself. Most
        // predecessors come before what they point to in preorder.
        if (v < w) {
          if (v < s) s = v;
          continue;
        }
        Index m;
        if (v >= hi && far[j]) {
          m = part.least[e - e0];
          const Index rest = part.exit[e - e0];  // where the path goes on
          if (rest > w) m = std::min(m, forest.evaluate(rest, w));
        } else {
          m = forest.evaluate(v, w);
        }
        if (m < s) s = m;
      }
      semi[w] = s;
      forest.store(w, {parent[w], s});
      if (w == lo) break;
    }
  };
  if (!two) {
    for (size_t j = 0; j < blocks; ++j) {
      prepare(j, bounds[j]);
      process(j);
    }
    return semi;
  }
  // Two threads: the helper prepares block j + 1 while this one processes block j; it waits for
  // block j - 1 to be done (its threshold is that block's top), this one for its preparation.
  std::atomic<uint32_t> processed{0}, prepared{0};
  HelperThread helper(true, [&](const std::atomic<bool>& stop) {
    for (size_t j = 0; j < blocks; ++j) {
      for (uint32_t p; (p = processed.load()) + 1 < j;) {
        if (stop) return;
        processed.wait(p);
      }
      if (stop) return;
      prepare(j, j == 0 ? n : bounds[j - 1]);
      prepared.store(static_cast<uint32_t>(j + 1));
      prepared.notify_one();
    }
  });
  struct Wake {  // on the way out (also when interrupted): the helper must not wait for us
    std::atomic<uint32_t>& processed;
    ~Wake() {
      processed.store(UINT32_MAX / 2);
      processed.notify_one();
    }
  };
  {
    Wake wake{processed};
    for (size_t j = 0; j < blocks; ++j) {
      for (uint32_t p; (p = prepared.load()) < j + 1;) prepared.wait(p);
      process(j);
      processed.store(static_cast<uint32_t>(j + 1));
      processed.notify_one();
    }
  }
  helper.join();
  return semi;
}

}  // namespace

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

  // Retained sizes, by preorder index (children come after their dominator: one sweep from the
  // last adds each to its dominator), then by node. Gathering the sizes, scattering the sums
  // and turning indices back into nodes are independent per node: two threads.
  {
    constexpr Index kAhead = 16;
    std::vector<uint64_t> retained;
    reserve_huge(retained, n);
    retained.resize(n);
    in_halves(two, n, [&](size_t lo, size_t hi) {
      for (size_t i = lo; i < hi; ++i) {
        if (i + kAhead < hi) graph.prefetch_size(order[i + kAhead]);
        retained[i] = graph.size(order[i]);
      }
    });
    for (Index w = n - 1; w >= 1; --w) retained[idom[w]] += retained[w];
    reserve_huge(tree.retained, graph.node_count());
    tree.retained.assign(graph.node_count(), 0);
    uint64_t* out = tree.retained.data();
    in_halves(two, n, [&](size_t lo, size_t hi) {
      for (size_t i = lo; i < hi; ++i) {
        if (i + kAhead < hi) __builtin_prefetch(&out[order[i + kAhead]], 1);
        out[order[i]] = retained[i];
      }
    });
  }

  // Back to node numbers, reusing the numbering's array.
  in_halves(two, number.size(), [&](size_t lo, size_t hi) {
    for (size_t v = lo; v < hi; ++v)
      if (number[v] != kNone) number[v] = order[idom[number[v]]];
  });
  number[kRootNode] = kRootNode;
  static_assert(DominatorTree::kUnreached == kNone);
  tree.idom = std::move(number);
  lap(&DominatorPhases::retained);
  return tree;
}

}  // namespace heapwalk::walker
