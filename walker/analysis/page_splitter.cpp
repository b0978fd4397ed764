#include "walker/analysis/page_splitter.h"

#include <algorithm>

namespace heapwalk::walker {
namespace {

bool by_start(const Segment& a, const Segment& b) { return a.start < b.start; }

}  // namespace

void make_disjoint(std::vector<Segment>& segments) {
  std::stable_sort(segments.begin(), segments.end(), by_start);
  uint64_t end = 0;
  size_t kept = 0;
  for (Segment s : segments) {
    s.start = std::max<uint64_t>(s.start, end);
    if (s.end <= s.start) continue;
    segments[kept++] = s;
    end = s.end;
  }
  segments.resize(kept);
}

PageSplitter::PageSplitter(Ordered ordered, std::vector<Segment> others,
                           std::vector<Segment> background)
    : ordered_(std::move(ordered)), batch_(1024), others_(std::move(others)),
      background_(std::move(background)) {
  std::stable_sort(others_.begin(), others_.end(), by_start);
  make_disjoint(background_);
}

bool PageSplitter::next_merged(Segment& s) {
  if (next_ordered_ == batch_size_ && !ordered_done_) {
    batch_size_ = ordered_(batch_);
    next_ordered_ = 0;
    ordered_done_ = batch_size_ == 0;
  }
  bool other = next_other_ < others_.size();
  if (next_ordered_ < batch_size_ &&
      (!other || batch_[next_ordered_].start <= others_[next_other_].start)) {
    s = batch_[next_ordered_++];
    return true;
  }
  if (!other) return false;
  s = others_[next_other_++];
  return true;
}

bool PageSplitter::next_disjoint(Segment& s) {
  while (next_merged(s)) {
    s.start = std::max<uint64_t>(s.start, fine_end_);
    if (s.end <= s.start) continue;
    fine_end_ = s.end;
    return true;
  }
  return false;
}

void PageSplitter::split(uint64_t page, uint64_t page_size, uint8_t fallback,
                         std::span<uint64_t> out) {
  uint64_t end = page + page_size, covered = 0;
  // Disjoint and in order: only the last segment on a page can go on past it.
  for (;;) {
    if (!has_pending_ && !(has_pending_ = next_disjoint(pending_))) break;
    if (pending_.start >= end) break;
    if (pending_.end > page) {  // else it lies on pages not visited
      uint64_t n = std::min<uint64_t>(end, pending_.end) - std::max(page, pending_.start);
      out[pending_.bucket] += n;
      covered += n;
    }
    if (pending_.end > end) break;
    has_pending_ = false;
  }
  while (b_ < background_.size() && background_[b_].end <= page) ++b_;
  uint8_t rest = b_ < background_.size() && background_[b_].start < end
                     ? background_[b_].bucket : fallback;
  out[rest] += page_size - covered;
}

}  // namespace heapwalk::walker
