// The resident ledger's core: pages, visited in address order, split among buckets by the bytes
// each bucket's segments hold on them. The segments are one per allocation (read on demand from
// the allocation table, which is sorted already: a sorted copy cost 16 bytes an allocation and
// most of the ledger's time), plus a few more (free chunks, tops, the program's free units)
// sorted here. Where segments overlap, the one that starts first keeps the overlap; at equal
// starts the ordered source's comes first, then the others in the order given: the order a
// stable sort of all of them would give.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

namespace heapwalk::walker {

// 16 bytes: user addresses fit in 56 bits.
struct Segment {
  uint64_t start;
  uint64_t end : 56;
  uint64_t bucket : 8;
};

// Sorted by start (equal starts keep their order) and made disjoint in place: a segment that
// overlaps the ones before it starts where they end, and is dropped if nothing is left.
void make_disjoint(std::vector<Segment>& segments);

class PageSplitter {
 public:
  // Fills the span with the next segments in start order; returns how many (0: no more).
  using Ordered = std::function<size_t(std::span<Segment> out)>;

  // fine: `ordered` and `others` (any order); the rest of a page goes to the `background`
  // segment there (an arena's heap: overhead; an mmapped chunk's mapping: its page rounding).
  PageSplitter(Ordered ordered, std::vector<Segment> others, std::vector<Segment> background);

  // Adds the bytes of [page, page + page_size) to out[bucket]: each fine segment's bytes on it,
  // the rest to the background's bucket, else to `fallback`. Pages ascend from call to call.
  void split(uint64_t page, uint64_t page_size, uint8_t fallback, std::span<uint64_t> out);

 private:
  bool next_merged(Segment& s);    // ordered and others, merged by start
  bool next_disjoint(Segment& s);  // the same, made disjoint as make_disjoint does

  Ordered ordered_;
  std::vector<Segment> batch_;  // from ordered_: batch_[next_ordered_, batch_size_) not yet merged
  size_t next_ordered_ = 0, batch_size_ = 0;
  bool ordered_done_ = false;
  std::vector<Segment> others_;
  size_t next_other_ = 0;
  uint64_t fine_end_ = 0;  // the end of the last fine segment handed out
  // The next disjoint fine segment: past the pages split so far, or on the last one and after.
  Segment pending_{};
  bool has_pending_ = false;
  std::vector<Segment> background_;
  size_t b_ = 0;
};

}  // namespace heapwalk::walker
