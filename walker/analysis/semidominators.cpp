#include "walker/analysis/semidominators.h"

#include <algorithm>
#include <atomic>

#include "walker/analysis/huge_pages.h"

namespace heapwalk::walker::dominator_pass {

namespace {

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

}  // namespace

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


}  // namespace heapwalk::walker::dominator_pass
