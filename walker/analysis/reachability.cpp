#include "walker/analysis/reachability.h"

#include <algorithm>
#include <cstring>

#include "walker/graph/typed_walk.h"

namespace heapwalk::walker {
namespace {

class ConservativeScan {
 public:
  ConservativeScan(Session& session, TypedWalk& walk, std::vector<uint8_t>& conservative)
      : session_(session),
        memory_(session.memory()),
        table_(session.heap().in_use),
        walk_(walk),
        conservative_(conservative) {
    if (table_.size()) {
      low_ = table_.address(0);
      for (NodeId n = 0; n < table_.size(); ++n) high_ = std::max(high_, table_.end(n));
    }
  }

  void queue(uint64_t begin, uint64_t end) {
    if (end > begin) pending_.push_back({begin, end});
  }
  bool empty() const { return pending_.empty(); }
  uint64_t words() const { return words_; }

  // Scans the queued ranges; false when interrupted.
  bool drain(const std::function<bool()>& interrupted) {
    while (!pending_.empty()) {
      auto [begin, end] = pending_.back();
      pending_.pop_back();
      if (!scan(begin, end, interrupted)) return false;
    }
    return true;
  }

  // One word that may be a pointer.
  void word(uint64_t value) {
    if (value < low_ || value >= high_) return;  // most words are not heap addresses
    auto node = table_.find(value);
    if (!node || walk_.kinds()[*node] != kNoKind || conservative_[*node]) return;
    uint64_t start = table_.address(*node);
    // A polymorphic object names its type through its vptr: walk it typed instead.
    if (const typeinfo::DynamicType* d = session_.dynamic().resolve(memory_.word(start));
        d && d->offset_to_top == 0) {
      walk_.follow_pointer(start, d->layout);
      return;
    }
    conservative_[*node] = 1;
    queue(start, table_.end(*node));
  }

 private:
  bool scan(uint64_t begin, uint64_t end, const std::function<bool()>& interrupted) {
    begin = (begin + 7) & ~uint64_t{7};
    constexpr uint64_t kChunk = uint64_t{1} << 20;  // interruptible, and views stay in a block
    for (uint64_t at = begin; at + 8 <= end; at += kChunk) {
      if (interrupted && interrupted()) return false;
      uint64_t len = std::min(kChunk, (end - at) & ~uint64_t{7});
      std::span<const uint8_t> bytes = memory_.view(at, len);
      if (bytes.size() == len) {
        for (uint64_t i = 0; i < len; i += 8) {
          uint64_t value;
          std::memcpy(&value, bytes.data() + i, 8);
          word(value);
        }
      } else {
        for (uint64_t i = 0; i < len; i += 8) {
          uint64_t value;
          if (memory_.read(at + i, &value, 8)) word(value);
        }
      }
      words_ += len / 8;
    }
    return true;
  }

  Session& session_;
  const MemoryImage& memory_;
  const AllocationTable& table_;
  TypedWalk& walk_;
  std::vector<uint8_t>& conservative_;
  std::vector<std::pair<uint64_t, uint64_t>> pending_;
  uint64_t low_ = 0, high_ = 0, words_ = 0;
};

}  // namespace

std::optional<Reachability> reach_all(Session& session, const RootSet& roots,
                                      const std::function<bool()>& interrupted) {
  auto start = std::chrono::steady_clock::now();
  const AllocationTable& table = session.heap().in_use;
  Reachability result;
  result.conservative.assign(table.size(), 0);
  TypedWalk walk(session.memory(), table, session.types(), session.dynamic(), session.kinds());
  ConservativeScan scan(session, walk, result.conservative);
  walk.set_untyped_sink([&](uint64_t begin, uint64_t end) { scan.queue(begin, end); });

  for (const Root& root : roots.typed) walk.add_root(root.address, session.types().intern(root.type));
  for (const RootRange& range : roots.ranges) scan.queue(range.begin, range.end);
  for (const RootWord& word : roots.words) scan.word(word.value);
  // Typed first: what a typed edge reaches gets a kind before a stray word can claim it.
  while (true) {
    if (!walk.run(interrupted)) return std::nullopt;
    if (scan.empty()) break;
    if (!scan.drain(interrupted)) return std::nullopt;
  }
  result.kinds = walk.kinds();
  result.words_scanned = scan.words();
  session.record("reach (typed + conservative)", start);
  return result;
}

}  // namespace heapwalk::walker
