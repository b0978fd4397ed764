// Ranges of memory scanned word by word for anything that points into an allocation.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "walker/graph/heap_graph.h"
#include "walker/malloc/allocation_table.h"
#include "walker/memory/memory_image.h"

namespace heapwalk::walker {

class ConservativeScan {
 public:
  // Called for each allocation a scanned word points into (the same one possibly many times).
  using Hit = std::function<void(NodeId node)>;

  ConservativeScan(const MemoryImage& memory, const AllocationTable& allocations, Hit hit);

  // A root's range, labelled (the root label index of its edges).
  void queue(uint64_t begin, uint64_t end, uint32_t root_label = 0);
  // One value that may be a pointer (a register): its edge starts at the current source.
  void word(uint64_t value) { word_at(value, source_.start); }
  // Every word that points into an allocation becomes a conservative edge (a graph's builder),
  // from the current source: set it before scan() (drain() sets the queued roots' own).
  void set_edge_sink(EdgeSink sink) { edge_sink_ = std::move(sink); }
  void set_source(const EdgeSource& source) { source_ = source; }
  bool empty() const { return pending_.empty(); }
  // Scans everything queued, including what the hits queue meanwhile; false when interrupted.
  bool drain(const std::function<bool()>& interrupted);
  // Scans [begin, end) now (what it finds may queue more); false when interrupted.
  bool scan(uint64_t begin, uint64_t end, const std::function<bool()>& interrupted);
  uint64_t words_scanned() const { return words_; }

 private:
  struct Pending {
    uint64_t begin, end;
    uint32_t root_label;
  };
  void word_at(uint64_t value, uint64_t address);

  const MemoryImage& memory_;
  const AllocationTable& table_;
  Hit hit_;
  EdgeSink edge_sink_;
  EdgeSource source_;
  std::vector<Pending> pending_;
  uint64_t low_ = 0, high_ = 0, words_ = 0, words_at_check_ = 0;
};

}  // namespace heapwalk::walker
