#include "walker/analysis/leak_components.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <limits>
#include <ranges>
#include <span>
#include <stdexcept>

namespace heapwalk::walker {
namespace {

constexpr uint32_t kNotLeaked = std::numeric_limits<uint32_t>::max();
// Blocks that the image cannot show in place are copied in pieces of this size.
constexpr uint64_t kReadPiece = uint64_t{1} << 20;
// How often (in blocks) the long loops ask whether to stop.
constexpr uint32_t kPollEvery = 1u << 16;

template <class T>
uint64_t bytes_of(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}

// The high-water mark of the arrays alive at once.
struct Meter {
  uint64_t now = 0, peak = 0;
  void add(uint64_t bytes) { peak = std::max(peak, now += bytes); }
  void sub(uint64_t bytes) { now -= bytes; }
};

bool stop(const std::function<bool()>& interrupted) { return interrupted && interrupted(); }

// Calls emit(j, offset) for each word of leaked block i (at that byte offset) that points into
// another leaked block j (dropping a repeat of the previous word's target). False when the block is not wholly
// readable: then what was emitted does not count.
class WordScanner {
 public:
  WordScanner(const MemoryImage& memory, const AllocationTable& table,
              const std::vector<NodeId>& leaked, const std::vector<uint32_t>& index)
      : memory_(memory), table_(table), index_(index) {
    if (!leaked.empty()) {
      lowest_ = table.address(leaked.front());
      for (NodeId n : leaked) highest_end_ = std::max(highest_end_, table.end(n));
    }
  }

  template <class Emit>
  bool scan(uint32_t i, NodeId node, Emit&& emit) {
    uint64_t begin = table_.address(node);
    uint64_t size = table_.usable_size(node) & ~uint64_t{7};
    uint32_t previous = kNotLeaked;
    if (auto whole = memory_.view(begin, size); whole.size() == size) {
      words(whole, 0, i, node, previous, emit);
      return true;
    }
    for (uint64_t at = 0; at < size; at += kReadPiece) {
      uint64_t n = std::min(kReadPiece, size - at);
      buffer_.resize(n);
      if (!memory_.read(begin + at, buffer_.data(), n)) return false;
      words({buffer_.data(), n}, at, i, node, previous, emit);
    }
    return true;
  }

  uint64_t buffer_bytes() const { return bytes_of(buffer_); }

 private:
  template <class Emit>
  void words(std::span<const uint8_t> bytes, uint64_t base, uint32_t i, NodeId node,
             uint32_t& previous, Emit& emit) {
    const uint64_t span = highest_end_ - lowest_;
    for (size_t at = 0; at + 8 <= bytes.size(); at += 8) {
      uint64_t value;
      std::memcpy(&value, bytes.data() + at, 8);
      if (value - lowest_ >= span) continue;  // below or above every leaked block
      uint32_t j;
      if (value >= hit_begin_ && value < hit_end_) {
        j = hit_;
      } else {
        auto target = locate(value, node);
        if (!target) continue;
        j = index_[*target];
        hit_begin_ = table_.address(*target);
        hit_end_ = table_.end(*target);
        hit_ = j;
      }
      if (j == kNotLeaked || j == i || j == previous) continue;
      previous = j;
      emit(j, base + at);
    }
  }

  // The allocation holding value. Blocks allocated one after the other point to each other
  // (a list's next node, an object's buffer): look among the source's neighbours first, whose
  // addresses are in cache, then in the table's index.
  std::optional<NodeId> locate(uint64_t value, NodeId near) const {
    constexpr NodeId kWindow = 8;
    NodeId lo = near > kWindow ? near - kWindow : 0;
    NodeId hi = static_cast<NodeId>(std::min<size_t>(near + kWindow, table_.size() - 1));
    if (value < table_.address(lo) || value >= table_.address(hi)) return table_.find(value);
    NodeId n = lo;  // the last allocation in [lo, hi) starting at or before value
    while (n + 1 < hi && table_.address(n + 1) <= value) ++n;
    if (value < table_.end(n)) return n;
    return std::nullopt;
  }

  const MemoryImage& memory_;
  const AllocationTable& table_;
  const std::vector<uint32_t>& index_;
  uint64_t lowest_ = 0, highest_end_ = 0;
  // The allocation the last looked-up word pointed into: neighbouring words often share it.
  uint64_t hit_begin_ = 0, hit_end_ = 0;
  uint32_t hit_ = kNotLeaked;
  std::vector<uint8_t> buffer_;
};

std::optional<CsrGraph> build_leak_graph(const MemoryImage& memory, const AllocationTable& table,
                                         const std::vector<NodeId>& leaked,
                                         const std::function<bool()>& interrupted, Meter& meter) {
  if (leaked.size() >= (uint64_t{1} << 31))
    throw std::runtime_error("too many leaked allocations for the leak graph (2^31 or more)");
  const uint32_t n = static_cast<uint32_t>(leaked.size());
  if (n == 0) return CsrGraph{};
  // Allocation → its position in the leaked set.
  std::vector<uint32_t> index(table.size(), kNotLeaked);
  for (uint32_t i = 0; i < n; ++i) index[leaked[i]] = i;
  meter.add(bytes_of(index));

  CsrGraph graph;
  graph.offsets.assign(uint64_t{n} + 1, 0);
  meter.add(bytes_of(graph.offsets));
  WordScanner scanner(memory, table, leaked, index);

  // Pass 1: count each block's out-edges (into offsets[i + 1]).
  uint64_t total = 0;
  for (uint32_t i = 0; i < n; ++i) {
    if (i % kPollEvery == 0 && stop(interrupted)) return std::nullopt;
    uint32_t count = 0;
    if (!scanner.scan(i, leaked[i], [&](uint32_t, uint64_t) { ++count; })) count = 0;
    graph.offsets[i + 1] = count;
    total += count;
  }
  if (total > std::numeric_limits<uint32_t>::max())
    throw std::runtime_error("too many pointers between leaked blocks for the leak graph (2^32)");
  for (uint32_t i = 0; i < n; ++i) graph.offsets[i + 1] += graph.offsets[i];

  // Pass 2: fill, reading again only the blocks that have out-edges (in most heaps, most bytes
  // are in blocks that point to no leak: numbers, text). The image gives the same bytes twice;
  // should a block read differently, its row is cut or padded with self-loops, which change no
  // component.
  graph.targets.resize(total);
  meter.add(bytes_of(graph.targets));
  for (uint32_t i = 0; i < n; ++i) {
    if (i % kPollEvery == 0 && stop(interrupted)) return std::nullopt;
    uint32_t at = graph.offsets[i], end = graph.offsets[i + 1];
    if (at == end) continue;
    scanner.scan(i, leaked[i], [&](uint32_t j, uint64_t) {
      if (at < end) graph.targets[at++] = j;
    });
    while (at < end) graph.targets[at++] = i;
  }
  meter.add(scanner.buffer_bytes());
  meter.sub(scanner.buffer_bytes() + bytes_of(index));
  return graph;
}

// A CsrGraph as strongly_connected_components reads it: vertex v is node v.
struct CsrComponentGraph {
  using Vertex = uint32_t;
  const CsrGraph& graph;
  uint32_t size() const { return graph.nodes(); }
  auto vertices() const { return std::views::iota(uint32_t{0}, graph.nodes()); }
  uint32_t first_edge(uint32_t v) const { return graph.offsets[v]; }
  uint32_t end_edge(uint32_t v) const { return graph.offsets[v + 1]; }
  uint32_t target(uint32_t edge) const { return graph.targets[edge]; }
  uint32_t number(uint32_t v) const { return v; }
};

std::optional<Components> components_of(const CsrGraph& graph,
                                        const std::function<bool()>& interrupted, Meter& meter) {
  const uint32_t n = graph.nodes();
  if (n >= (uint32_t{1} << 31))
    throw std::runtime_error("too many nodes for strong_components (2^31 or more)");
  meter.add(strongly_connected_peak_bytes(n));
  auto components = strongly_connected_components(CsrComponentGraph{graph}, interrupted);
  meter.sub(strongly_connected_peak_bytes(n) - uint64_t{n} * sizeof(uint32_t));
  return components;
}

std::vector<uint8_t> direct_of(const CsrGraph& graph, const Components& components, Meter& meter) {
  const uint32_t n = graph.nodes();
  // Per component: 1 once an edge from another component enters it, 2 once its direct member
  // is chosen.
  std::vector<uint8_t> state(components.count, 0);
  std::vector<uint8_t> direct(n, 0);
  meter.add(bytes_of(state) + bytes_of(direct));
  for (uint32_t u = 0; u < n; ++u) {
    uint32_t from = components.of[u];
    for (uint32_t e = graph.offsets[u]; e < graph.offsets[u + 1]; ++e) {
      uint32_t to = components.of[graph.targets[e]];
      if (to != from) state[to] = 1;
    }
  }
  for (uint32_t v = 0; v < n; ++v) {  // in node order: the lowest member is direct
    uint8_t& s = state[components.of[v]];
    if (s == 0) {
      direct[v] = 1;
      s = 2;
    }
  }
  meter.sub(bytes_of(state));
  return direct;
}

}  // namespace

CsrGraph CsrGraph::from_edges(uint32_t nodes, const std::vector<std::pair<uint32_t, uint32_t>>& edges) {
  CsrGraph graph;
  graph.offsets.assign(uint64_t{nodes} + 1, 0);
  for (auto [from, to] : edges) ++graph.offsets[from + 1];
  for (uint32_t v = 0; v < nodes; ++v) graph.offsets[v + 1] += graph.offsets[v];
  graph.targets.resize(edges.size());
  std::vector<uint32_t> at(graph.offsets.begin(), graph.offsets.end() - 1);
  for (auto [from, to] : edges) graph.targets[at[from]++] = to;
  return graph;
}

std::optional<Components> strong_components(const CsrGraph& graph,
                                            const std::function<bool()>& interrupted) {
  Meter meter;
  return components_of(graph, interrupted, meter);
}

std::vector<uint8_t> direct_nodes(const CsrGraph& graph, const Components& components) {
  Meter meter;
  return direct_of(graph, components, meter);
}

std::optional<CsrGraph> leak_graph(const MemoryImage& memory, const AllocationTable& table,
                                   const std::vector<NodeId>& leaked,
                                   const std::function<bool()>& interrupted) {
  Meter meter;
  return build_leak_graph(memory, table, leaked, interrupted, meter);
}

std::optional<LeakSplit> split_leaks(const MemoryImage& memory, const AllocationTable& table,
                                     const std::vector<NodeId>& leaked,
                                     const std::function<bool()>& interrupted) {
  using Clock = std::chrono::steady_clock;
  auto seconds_since = [](Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
  };
  LeakSplit split;
  Meter meter;
  auto start = Clock::now();
  auto graph = build_leak_graph(memory, table, leaked, interrupted, meter);
  if (!graph) return std::nullopt;
  split.graph_seconds = seconds_since(start);
  split.edges = graph->edges();

  start = Clock::now();
  auto components = components_of(*graph, interrupted, meter);
  if (!components) return std::nullopt;
  split.components = components->count;
  split.direct = direct_of(*graph, *components, meter);
  split.direct_count = std::count(split.direct.begin(), split.direct.end(), uint8_t{1});
  split.components_seconds = seconds_since(start);
  split.peak_bytes = meter.peak;
  return split;
}

bool for_each_leak_word(const MemoryImage& memory, const AllocationTable& table,
                        const std::vector<NodeId>& leaked,
                        const std::function<void(uint32_t i, uint64_t offset, uint32_t j)>& emit,
                        const std::function<bool()>& interrupted) {
  if (leaked.empty()) return true;
  std::vector<uint32_t> index(table.size(), kNotLeaked);
  for (uint32_t i = 0; i < leaked.size(); ++i) index[leaked[i]] = i;
  WordScanner scanner(memory, table, leaked, index);
  // One pass; a block's words are held until it has been read wholly (else none count).
  std::vector<std::pair<uint32_t, uint64_t>> row;
  for (uint32_t i = 0; i < leaked.size(); ++i) {
    if (i % kPollEvery == 0 && stop(interrupted)) return false;
    row.clear();
    if (!scanner.scan(i, leaked[i], [&](uint32_t j, uint64_t offset) { row.emplace_back(j, offset); }))
      continue;
    for (auto [j, offset] : row) emit(i, offset, j);
  }
  return true;
}

}  // namespace heapwalk::walker
