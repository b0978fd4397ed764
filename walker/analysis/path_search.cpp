#include "walker/analysis/path_search.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "walker/analysis/huge_pages.h"
#include "walker/progress.h"

namespace heapwalk::walker {

// Why two threads give the one-thread result. The one-thread search expands a level's nodes
// in order, each node's edges in order, and a node not yet seen takes the first followed edge
// that reaches it, then goes to the end of the next level: so its edge is the first edge to it
// in that order, and the next level is the new nodes in the order of those edges. Split the
// level in two, [0, split) and [split, size): every edge of the first part comes before every
// edge of the second in that order. The first thread expands the first part exactly as one
// thread would (it alone reads and sets seen_): the new nodes it finds are those the first
// part reaches, each with its first edge there, in order. The second thread expands the rest
// the same way against its own copy of seen_ (settled_: what was seen before the level, and
// what it has claimed since): it claims each node the second part reaches that was not seen
// before the level, with its first edge in the second part, in order. A claim is right unless
// the first part reaches the node too (then the first part's edge comes first): once both are
// done, merge() drops the claims seen_ then holds, and sets the others. The new level is the
// first thread's nodes, then the second's kept claims, in their order: the one-thread order.
// Neither thread reads what the other writes while they expand, so timing changes nothing.
// (The typed pass's candidates may differ: a node is noted when it has a conservative edge to
// a node its thread had not seen yet; conservative_pass() checks each against the full seen_,
// so it starts from the same nodes.) tests/unit/shortest_paths_test.cpp compares the two on
// many graphs, every level split.

namespace {

constexpr size_t kBlock = 64;
// Of a split level, the second thread's share in 1/16: it writes no step while expanding (the
// merge writes them, half each), so it is given a little more.
constexpr size_t kSecondShare = 9;

uint64_t bit(GraphNode v) { return uint64_t{1} << (v & 63); }

struct Block {
  size_t count = 0;
  uint32_t begin[kBlock], end[kBlock], depth[kBlock];
};

}  // namespace

PathSearch::PathSearch(const HeapGraph& graph, ShortestPaths& paths,
                       const std::function<bool()>& interrupted, SearchThreads threads)
    : graph_(graph),
      targets_(graph.all_targets().data()),
      provenance_(graph.all_provenance().data()),
      steps_(paths.steps.data()),
      interrupted_(interrupted),
      split_from_(std::max<size_t>(threads.split_from, 2)),
      seen_((graph.node_count() + 63) / 64, 0),
      candidates_(seen_.size(), 0) {
  reserve_huge(order_, graph.node_count());
  seen_[0] |= bit(kRootNode);
  order_.push_back(kRootNode);
  const unsigned count = threads.count ? threads.count : std::thread::hardware_concurrency();
  if (count >= 2 && graph.node_count() >= split_from_) {
    settled_ = seen_;
    second_ = std::make_unique<RelayThread>([this] { second_thread_step(); });
  }
}

void PathSearch::typed_pass() {
  size_t begin = 0;
  for (uint32_t depth = 1; begin < order_.size(); ++depth) {
    const size_t end = order_.size();
    expand(order_.data() + begin, end - begin, EdgeFilter::kTypedOnly, depth, true);
    begin = end;
  }
}

// The candidates are checked in address order (nearly sequential reads); most heaps have none.
void PathSearch::conservative_pass(EdgeFilter filter) {
  bool any = false;
  for (size_t w = 0; w < candidates_.size(); ++w)
    for (uint64_t bits = candidates_[w]; bits; bits &= bits - 1) {
      const GraphNode v = static_cast<GraphNode>(w * 64 + __builtin_ctzll(bits));
      const uint32_t end = graph_.first_edge(v + 1);
      bool start = false;
      for (uint32_t e = graph_.first_edge(v); e < end && !start; ++e)
        start = provenance_[e] == EdgeProvenance::kConservative && !seen(targets_[e]);
      if (start) any = true;
      else candidates_[w] &= ~bit(v);
    }
  if (!any) return;
  std::vector<GraphNode> starts;
  for (GraphNode v : order_)
    if (candidates_[v >> 6] & bit(v)) starts.push_back(v);
  candidates_ = {};
  size_t begin = order_.size();
  expand(starts.data(), starts.size(), filter, 0, false);
  while (begin < order_.size()) {
    const size_t end = order_.size();
    expand(order_.data() + begin, end - begin, filter, 0, false);
    begin = end;
  }
}

bool PathSearch::seen(GraphNode v) const { return seen_[v >> 6] & bit(v); }

// One level: the unreached targets of `frontier`'s edges, in the order the edges are met,
// appended to order_. In the typed pass every new node is `depth` edges from the root; in the
// other its parent's depth says.
void PathSearch::expand(const GraphNode* frontier, size_t size, EdgeFilter pass, uint32_t depth,
                        bool typed) {
  if (!second_ || size < split_from_) {
    const size_t before = order_.size();
    if (typed) expand_part<true, Role::kAlone>(frontier, 0, size, pass, depth);
    else expand_part<false, Role::kAlone>(frontier, 0, size, pass, depth);
    settled_is_seen_ &= order_.size() == before;
    return;
  }
  if (!settled_is_seen_) std::copy(seen_.begin(), seen_.end(), settled_.begin());
  const size_t split = size - size * kSecondShare / 16;
  claims_.clear();
  second_candidates_.clear();
  level_ = Level{frontier, split, size, pass, depth, typed};
  second_->start();
  if (typed) expand_part<true, Role::kFirst>(frontier, 0, split, pass, depth);
  else expand_part<false, Role::kFirst>(frontier, 0, split, pass, depth);
  wait_for_second_thread();
  // The claims, merged by both threads: each sets the bits of one half of the words.
  level_.merging = true;
  second_->start();
  merge(0, seen_.size() / 2);
  wait_for_second_thread();
  settled_is_seen_ = true;
  for (const Claim& claim : claims_)
    if (claim.step.via != ShortestPaths::kNoEdge) order_.push_back(claim.to);
}

template <bool kTyped, PathSearch::Role kRole>
void PathSearch::expand_part(const GraphNode* frontier, size_t begin, size_t end, EdgeFilter pass,
                             uint32_t depth) {
  // A breadth-first order jumps through memory, but the frontier is known ahead: read the edge
  // ranges of a block of nodes two blocks ahead (independent loads: their misses overlap),
  // fetch the edges of the next block, expand this one.
  Block blocks[3];
  auto gather = [&](Block& b, size_t at) {
    b.count = std::min(kBlock, end > at ? end - at : 0);
    for (size_t i = 0; i < b.count; ++i) {
      const GraphNode v = frontier[at + i];
      b.begin[i] = graph_.first_edge(v);
      b.end[i] = graph_.first_edge(v + 1);
      if constexpr (!kTyped) b.depth[i] = steps_[v].depth + 1;
    }
  };
  auto fetch = [&](const Block& b) {
    for (size_t i = 0; i < b.count; ++i) {
      __builtin_prefetch(targets_ + b.begin[i]);
      __builtin_prefetch(provenance_ + b.begin[i]);
    }
  };
  gather(blocks[0], begin);
  fetch(blocks[0]);
  gather(blocks[1], begin + kBlock);
  for (size_t at = begin, b = 0; at < end; at += kBlock, b = (b + 1) % 3) {
    if constexpr (kRole == Role::kSecond) {
      if (stop_.load(std::memory_order_relaxed)) return;
    } else if ((polls_ += kBlock) >= (1u << 20)) {
      polls_ = 0;
      check_interrupted();
    }
    gather(blocks[(b + 2) % 3], at + 2 * kBlock);
    const Block& block = blocks[b];
    const Block& next = blocks[(b + 1) % 3];
    for (size_t i = 0; i < block.count; ++i) {
      // The next block's edges, one node at a time (a burst of prefetches would overflow the
      // miss buffers).
      if (i < next.count) {
        __builtin_prefetch(targets_ + next.begin[i]);
        __builtin_prefetch(provenance_ + next.begin[i]);
      }
      const GraphNode from = frontier[at + i];
      const uint32_t to_depth = kTyped ? depth : block.depth[i];
      bool candidate = false;
      for (uint32_t e = block.begin[i]; e < block.end[i]; ++e) {
        const GraphNode to = targets_[e];
        if constexpr (kRole == Role::kSecond) {
          if (settled_[to >> 6] & bit(to)) continue;
        } else if (seen_[to >> 6] & bit(to)) {
          continue;
        }
        const EdgeProvenance p = provenance_[e];
        if (!follows(pass, p)) {
          if constexpr (kTyped) candidate |= p == EdgeProvenance::kConservative;
          continue;
        }
        if constexpr (kRole == Role::kSecond) {
          settled_[to >> 6] |= bit(to);
          claims_.push_back({to, {e, to_depth}});
        } else {
          seen_[to >> 6] |= bit(to);
          steps_[to] = {e, to_depth};
          order_.push_back(to);
        }
      }
      if constexpr (kTyped) {
        if (!candidate) continue;
        if constexpr (kRole == Role::kSecond) second_candidates_.push_back(from);
        else candidates_[from >> 6] |= bit(from);
      }
    }
  }
}

// The claims of nodes in words [first_word, end_word) of seen_: those seen_ holds (the first
// thread's too) are dropped (their edge set to kNoEdge), the others set; the second thread's
// candidates there are set; then those words of settled_ are made seen_'s. The two threads
// merge disjoint words, so neither needs an atomic update; both read all of claims_ (in
// order: a sequential read).
void PathSearch::merge(size_t first_word, size_t end_word) {
  constexpr size_t kAhead = 16;
  auto mine = [&](GraphNode v) { return (v >> 6) >= first_word && (v >> 6) < end_word; };
  const size_t count = claims_.size();
  for (size_t i = 0; i < count; ++i) {
    if (i + kAhead < count && mine(claims_[i + kAhead].to))
      __builtin_prefetch(steps_ + claims_[i + kAhead].to, 1);
    Claim& claim = claims_[i];
    if (!mine(claim.to)) continue;
    uint64_t& word = seen_[claim.to >> 6];
    if (word & bit(claim.to)) {
      claim.step.via = ShortestPaths::kNoEdge;
      continue;
    }
    word |= bit(claim.to);
    steps_[claim.to] = claim.step;
  }
  for (GraphNode v : second_candidates_)
    if (mine(v)) candidates_[v >> 6] |= bit(v);
  std::copy(seen_.begin() + first_word, seen_.begin() + end_word, settled_.begin() + first_word);
}

void PathSearch::second_thread_step() {
  const Level& l = level_;
  if (l.merging) {
    merge(seen_.size() / 2, seen_.size());
  } else if (l.typed) {
    expand_part<true, Role::kSecond>(l.frontier, l.split, l.size, l.pass, l.depth);
  } else {
    expand_part<false, Role::kSecond>(l.frontier, l.split, l.size, l.pass, l.depth);
  }
}

// Asks whether to stop every few milliseconds while the second thread works on.
void PathSearch::wait_for_second_thread() {
  while (!second_->done(std::chrono::milliseconds(5)))
    if (interrupted_) check_interrupted();
}

void PathSearch::check_interrupted() {
  if (!interrupted_ || !interrupted_()) return;
  stop_ = true;
  throw Interrupted();
}

}  // namespace heapwalk::walker
