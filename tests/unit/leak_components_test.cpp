// The compact direct/indirect split (walker/leak_components.h) against Boost.Graph's
// strong_components as an oracle, on synthetic graphs and on synthetic memory images, where the
// oracle is the Boost-based split heapwalk used before (copied here verbatim).
#include <catch2/catch.hpp>

#include <cstring>
#include <limits>
#include <numeric>
#include <random>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/strong_components.hpp>

#include "component_labels.h"
#include "synthetic_image.h"
#include "walker/analysis/leak_components.h"

using namespace heapwalk;
using test::canonical;
using walker::Components;
using walker::CsrGraph;
using Edges = std::vector<std::pair<uint32_t, uint32_t>>;

namespace {

using BoostGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

BoostGraph boost_graph(uint32_t n, const Edges& edges) {
  BoostGraph g(n);
  for (auto [from, to] : edges) boost::add_edge(from, to, g);
  return g;
}

// The split as heapwalk made it with Boost: one member (the lowest) of each component no other
// component points to is direct.
std::vector<uint8_t> boost_direct(const BoostGraph& graph) {
  std::vector<int> component(boost::num_vertices(graph));
  int components = component.empty() ? 0 : boost::strong_components(graph, component.data());
  std::vector<uint8_t> pointed_to(components, 0);
  for (auto [e, end] = boost::edges(graph); e != end; ++e) {
    auto from = boost::source(*e, graph), to = boost::target(*e, graph);
    if (component[from] != component[to]) pointed_to[component[to]] = 1;
  }
  std::vector<uint8_t> has_direct(components, 0), direct(component.size(), 0);
  for (uint32_t i = 0; i < component.size(); ++i) {
    int c = component[i];
    if (!pointed_to[c] && !has_direct[c]) {
      direct[i] = 1;
      has_direct[c] = 1;
    }
  }
  return direct;
}

// Compares with the oracle and checks the properties the header promises.
void check_against_boost(uint32_t n, const Edges& edges) {
  CsrGraph csr = CsrGraph::from_edges(n, edges);
  REQUIRE(csr.nodes() == n);
  auto mine = walker::strong_components(csr);
  REQUIRE(mine);
  REQUIRE(mine->of.size() == n);
  BoostGraph g = boost_graph(n, edges);
  std::vector<int> theirs(n);
  int count = n ? boost::strong_components(g, theirs.data()) : 0;
  CHECK(mine->count == static_cast<uint32_t>(count));
  for (uint32_t c : mine->of) REQUIRE(c < mine->count);
  CHECK(canonical(mine->of, mine->count) == canonical(theirs, count));
  // Reverse topological numbering: an edge between components goes to the lower number.
  for (auto [from, to] : edges)
    if (mine->of[from] != mine->of[to]) REQUIRE(mine->of[to] < mine->of[from]);
  CHECK(walker::direct_nodes(csr, *mine) == boost_direct(g));
}

Edges random_edges(uint32_t n, uint32_t m, std::mt19937& rng) {
  Edges edges;
  if (!n) return edges;
  std::uniform_int_distribution<uint32_t> node(0, n - 1);
  for (uint32_t i = 0; i < m; ++i) edges.push_back({node(rng), node(rng)});
  return edges;
}

std::vector<uint8_t> only(uint32_t n, std::initializer_list<uint32_t> direct) {
  std::vector<uint8_t> out(n, 0);
  for (uint32_t v : direct) out[v] = 1;
  return out;
}

}  // namespace

TEST_CASE("strong components match Boost on random graphs", "[leak-components]") {
  std::mt19937 rng(20240611);
  for (uint32_t n : {1u, 2u, 3u, 5u, 10u, 50u, 200u, 1000u, 5000u}) {
    for (double density : {0.0, 0.5, 1.0, 1.5, 2.0, 4.0}) {
      INFO("n = " << n << ", edges per node " << density);
      check_against_boost(n, random_edges(n, static_cast<uint32_t>(n * density), rng));
    }
  }
}

TEST_CASE("strong components match Boost on random graphs with self-loops and repeats",
          "[leak-components]") {
  std::mt19937 rng(7);
  for (int round = 0; round < 50; ++round) {
    uint32_t n = 1 + rng() % 300;
    Edges edges = random_edges(n, n + rng() % (3 * n), rng);
    for (uint32_t v = 0; v < n; v += 1 + rng() % 5) edges.push_back({v, v});
    for (size_t i = 0; i < edges.size(); i += 7) edges.push_back(edges[i]);
    std::shuffle(edges.begin(), edges.end(), rng);
    INFO("round " << round << ", n = " << n);
    check_against_boost(n, edges);
  }
}

TEST_CASE("strong components of shaped graphs: cycles, self-loops, lassos", "[leak-components]") {
  SECTION("a cycle is one component with one direct member, its lowest") {
    Edges ring{{3, 1}, {1, 4}, {4, 0}, {0, 2}, {2, 3}};
    check_against_boost(5, ring);
    CsrGraph g = CsrGraph::from_edges(5, ring);
    auto c = walker::strong_components(g);
    CHECK(c->count == 1);
    CHECK(walker::direct_nodes(g, *c) == only(5, {0}));
  }
  SECTION("self-loops change nothing") {
    Edges edges{{0, 0}, {1, 1}, {1, 2}, {2, 2}};
    check_against_boost(3, edges);
    CsrGraph g = CsrGraph::from_edges(3, edges);
    auto c = walker::strong_components(g);
    CHECK(c->count == 3);
    CHECK(walker::direct_nodes(g, *c) == only(3, {0, 1}));
  }
  SECTION("a lasso: the handle is direct, the loop it leads into indirect") {
    Edges edges{{0, 1}, {1, 2}, {2, 1}};  // head -> L1 -> L2 -> L1
    check_against_boost(3, edges);
    CsrGraph g = CsrGraph::from_edges(3, edges);
    auto c = walker::strong_components(g);
    CHECK(c->count == 2);
    CHECK(walker::direct_nodes(g, *c) == only(3, {0}));
  }
  SECTION("a lasso whose handle has the highest number") {
    Edges edges{{5, 4}, {4, 3}, {3, 0}, {0, 1}, {1, 2}, {2, 0}};
    check_against_boost(6, edges);
    CsrGraph g = CsrGraph::from_edges(6, edges);
    CHECK(walker::direct_nodes(g, *walker::strong_components(g)) == only(6, {5}));
  }
  SECTION("two cycles joined by one edge, and an isolated node") {
    Edges edges{{0, 1}, {1, 0}, {2, 3}, {3, 2}, {1, 2}};
    check_against_boost(5, edges);
    CsrGraph g = CsrGraph::from_edges(5, edges);
    CHECK(walker::direct_nodes(g, *walker::strong_components(g)) == only(5, {0, 4}));
  }
  SECTION("nested cycles that a DFS closes late") {
    Edges edges{{0, 1}, {1, 2}, {2, 3}, {3, 1}, {3, 4}, {4, 5}, {5, 4}, {5, 0}, {2, 6}, {6, 7}};
    check_against_boost(8, edges);
  }
  SECTION("a complete graph") {
    Edges edges;
    for (uint32_t a = 0; a < 30; ++a)
      for (uint32_t b = 0; b < 30; ++b) edges.push_back({a, b});
    check_against_boost(30, edges);
  }
}

TEST_CASE("strong components of the empty set", "[leak-components]") {
  CsrGraph g = CsrGraph::from_edges(0, {});
  auto c = walker::strong_components(g);
  REQUIRE(c);
  CHECK(c->count == 0);
  CHECK(c->of.empty());
  CHECK(walker::direct_nodes(g, *c).empty());
  check_against_boost(0, {});
}

TEST_CASE("a million-node chain and ring need no recursion", "[leak-components]") {
  constexpr uint32_t n = 1000000;
  Edges forward, backward;
  for (uint32_t v = 0; v + 1 < n; ++v) {
    forward.push_back({v, v + 1});
    backward.push_back({v + 1, v});
  }
  SECTION("0 -> 1 -> … : a DFS a million deep; only the head is direct") {
    CsrGraph g = CsrGraph::from_edges(n, forward);
    auto c = walker::strong_components(g);
    REQUIRE(c);
    CHECK(c->count == n);
    for (uint32_t v = 0; v + 1 < n; ++v) REQUIRE(c->of[v + 1] < c->of[v]);
    std::vector<uint8_t> direct = walker::direct_nodes(g, *c);
    CHECK(std::accumulate(direct.begin(), direct.end(), 0u) == 1);
    CHECK(direct[0] == 1);
  }
  SECTION("the same chain backwards: a million DFS roots; only the last node is direct") {
    CsrGraph g = CsrGraph::from_edges(n, backward);
    auto c = walker::strong_components(g);
    REQUIRE(c);
    CHECK(c->count == n);
    std::vector<uint8_t> direct = walker::direct_nodes(g, *c);
    CHECK(std::accumulate(direct.begin(), direct.end(), 0u) == 1);
    CHECK(direct[n - 1] == 1);
  }
  SECTION("a ring a million long is one component") {
    forward.push_back({n - 1, 0});
    CsrGraph g = CsrGraph::from_edges(n, forward);
    auto c = walker::strong_components(g);
    REQUIRE(c);
    CHECK(c->count == 1);
    std::vector<uint8_t> direct = walker::direct_nodes(g, *c);
    CHECK(std::accumulate(direct.begin(), direct.end(), 0u) == 1);
    CHECK(direct[0] == 1);
  }
  SECTION("Boost agrees on the chain") {
    check_against_boost(n, forward);
  }
}

TEST_CASE("strong components stop when interrupted", "[leak-components]") {
  Edges edges;
  for (uint32_t v = 0; v + 1 < 200000; ++v) edges.push_back({v, v + 1});
  CsrGraph g = CsrGraph::from_edges(200000, edges);
  CHECK_FALSE(walker::strong_components(g, [] { return true; }));
  test::SyntheticImage memory;
  memory.add_region(0x1000, 0x100);
  walker::AllocationTable table;
  table.add(0x1000, 0x40);
  table.finish();
  CHECK_FALSE(walker::split_leaks(memory, table, {0}, [] { return true; }));
}

// ---- on memory images ------------------------------------------------------------------------

namespace {

constexpr uint32_t kNotLeaked = std::numeric_limits<uint32_t>::max();

// The graph heapwalk built with Boost before (walker/leaks.cpp), verbatim: the oracle.
BoostGraph old_leak_graph(const walker::MemoryImage& memory, const walker::AllocationTable& table,
                          const std::vector<walker::NodeId>& leaked,
                          const std::vector<uint32_t>& index) {
  BoostGraph graph(leaked.size());
  std::vector<uint8_t> buffer;
  for (uint32_t i = 0; i < leaked.size(); ++i) {
    uint64_t begin = table.address(leaked[i]), size = table.usable_size(leaked[i]) & ~uint64_t{7};
    buffer.resize(size);
    if (!memory.read(begin, buffer.data(), size)) continue;
    for (uint64_t at = 0; at < size; at += 8) {
      uint64_t value;
      std::memcpy(&value, buffer.data() + at, 8);
      auto target = table.find(value);
      if (target && index[*target] != kNotLeaked && index[*target] != i)
        boost::add_edge(i, index[*target], graph);
    }
  }
  return graph;
}

std::vector<uint8_t> old_split(const walker::MemoryImage& memory,
                               const walker::AllocationTable& table,
                               const std::vector<walker::NodeId>& leaked) {
  std::vector<uint32_t> index(table.size(), kNotLeaked);
  for (uint32_t i = 0; i < leaked.size(); ++i) index[leaked[i]] = i;
  return boost_direct(old_leak_graph(memory, table, leaked, index));
}

// Shows nothing in place: every read goes through read() and the scanner's own buffer.
class CopyOnlyImage final : public walker::MemoryImage {
 public:
  explicit CopyOnlyImage(const walker::MemoryImage& inner) : inner_(inner) {
    regions_ = inner.regions();
  }
  bool read(uint64_t addr, void* dst, size_t len) const override {
    return inner_.read(addr, dst, len);
  }
  std::span<const uint8_t> view(uint64_t, size_t) const override { return {}; }
  std::string source() const override { return "copy only"; }

 private:
  const walker::MemoryImage& inner_;
};

// A heap of blocks in one region; which are leaked is up to the test.
struct Heap {
  static constexpr uint64_t kBase = 0x10000000;
  test::SyntheticImage memory;
  walker::AllocationTable table;
  std::vector<uint64_t> starts, sizes;

  explicit Heap(const std::vector<uint64_t>& usable_sizes, uint64_t gap = 16) {
    uint64_t at = kBase;
    for (uint64_t size : usable_sizes) {
      starts.push_back(at);
      sizes.push_back(size);
      at += (size + gap + 15) & ~uint64_t{15};
    }
    memory.add_region(kBase, at - kBase);
    for (size_t i = 0; i < starts.size(); ++i) table.add(starts[i], sizes[i]);
    table.finish();
  }
  void point(size_t from, uint64_t offset, uint64_t value) { memory.put(starts[from] + offset, value); }
};

std::vector<walker::NodeId> all_but(size_t n, const std::vector<walker::NodeId>& reached) {
  std::vector<walker::NodeId> leaked;
  for (walker::NodeId v = 0; v < n; ++v)
    if (std::find(reached.begin(), reached.end(), v) == reached.end()) leaked.push_back(v);
  return leaked;
}

}  // namespace

TEST_CASE("leak graph edges: interior pointers, self, unleaked, past the end", "[leak-components]") {
  Heap heap({64, 64, 64, 64, 44});
  heap.point(0, 0, heap.starts[1]);             // 0 -> 1
  heap.point(0, 8, heap.starts[1] + 8);         // again (repeat): one edge
  heap.point(0, 16, heap.starts[2] + 63);       // 0 -> 2, interior, last byte
  heap.point(0, 24, heap.starts[0] + 8);        // itself: no edge
  heap.point(0, 32, heap.starts[3]);            // 3 is not leaked: no edge
  heap.point(0, 40, heap.starts[1] + 64);       // one past 1's usable end (a gap): no edge
  heap.point(1, 56, heap.starts[0]);            // 1 -> 0
  heap.point(4, 32, heap.starts[2]);            // 4 -> 2 (usable 44: the last 4 bytes are no word)
  std::vector<walker::NodeId> leaked{0, 1, 2, 4};
  auto graph = walker::leak_graph(heap.memory, heap.table, leaked);
  REQUIRE(graph);
  REQUIRE(graph->nodes() == 4);
  CHECK(graph->offsets == std::vector<uint32_t>{0, 2, 3, 3, 4});
  CHECK(graph->targets == std::vector<uint32_t>{1, 2, 0, 2});
  auto split = walker::split_leaks(heap.memory, heap.table, leaked);
  REQUIRE(split);
  CHECK(split->direct == std::vector<uint8_t>{1, 0, 0, 1});  // {0, 1} a cycle; 2 pointed to; 4
  CHECK(split->direct_count == 2);
  CHECK(split->components == 3);
  CHECK(split->edges == 4);
  CHECK(split->peak_bytes > 0);
  CHECK(split->direct == old_split(heap.memory, heap.table, leaked));
}

TEST_CASE("the leak split matches the Boost one on random heaps", "[leak-components]") {
  std::mt19937 rng(99);
  for (int round = 0; round < 40; ++round) {
    uint32_t n = 1 + rng() % 400;
    std::vector<uint64_t> sizes(n);
    for (uint64_t& s : sizes) s = 8 * (1 + rng() % 12) + (rng() % 2 ? 4 : 0);  // some not 8k
    Heap heap(sizes);
    // Pointers: to block starts, interiors, just past ends; with repeats; plus noise.
    uint32_t pointers = n * (rng() % 4);
    for (uint32_t k = 0; k < pointers; ++k) {
      uint32_t from = rng() % n, to = rng() % n;
      uint64_t slot = 8 * (rng() % (sizes[from] / 8));
      uint64_t offset = rng() % 3 == 0 ? rng() % (sizes[to] + 8) : 0;
      heap.point(from, slot, heap.starts[to] + offset);
    }
    std::vector<walker::NodeId> reached;
    for (uint32_t v = 0; v < n; ++v)
      if (rng() % 4 == 0) reached.push_back(v);
    std::vector<walker::NodeId> leaked = all_but(n, reached);
    INFO("round " << round << ", " << n << " blocks, " << leaked.size() << " leaked");
    auto split = walker::split_leaks(heap.memory, heap.table, leaked);
    REQUIRE(split);
    std::vector<uint8_t> expected = old_split(heap.memory, heap.table, leaked);
    CHECK(split->direct == expected);
    // Deterministic, and the same through the copying path.
    CHECK(walker::split_leaks(heap.memory, heap.table, leaked)->direct == split->direct);
    CopyOnlyImage copied(heap.memory);
    CHECK(walker::split_leaks(copied, heap.table, leaked)->direct == expected);
  }
}

TEST_CASE("the leak split of an empty leak set", "[leak-components]") {
  Heap heap({32, 32});
  auto split = walker::split_leaks(heap.memory, heap.table, {});
  REQUIRE(split);
  CHECK(split->direct.empty());
  CHECK(split->direct_count == 0);
  CHECK(split->components == 0);
  CHECK(split->peak_bytes == 0);  // nothing is built for no leaks
  test::SyntheticImage nothing;
  walker::AllocationTable empty;
  empty.finish();
  CHECK(walker::split_leaks(nothing, empty, {})->direct.empty());
}

TEST_CASE("a block that cannot be read wholly has no out-edges", "[leak-components]") {
  // Block 1 runs 16 bytes past the end of the only region.
  test::SyntheticImage memory;
  memory.add_region(0x1000, 0x100);
  walker::AllocationTable table;
  table.add(0x1000, 0x40);
  table.add(0x10d0, 0x40);
  table.finish();
  memory.put<uint64_t>(0x10d0, 0x1000);  // 1 -> 0, unreadable as a whole block
  memory.put<uint64_t>(0x1000, 0x10d8);  // 0 -> 1
  std::vector<walker::NodeId> leaked{0, 1};
  auto graph = walker::leak_graph(memory, table, leaked);
  CHECK(graph->targets == std::vector<uint32_t>{1});
  CHECK(walker::split_leaks(memory, table, leaked)->direct == std::vector<uint8_t>{1, 0});
  CHECK(walker::split_leaks(memory, table, leaked)->direct == old_split(memory, table, leaked));
  CopyOnlyImage copied(memory);
  CHECK(walker::split_leaks(copied, table, leaked)->direct == std::vector<uint8_t>{1, 0});
}

TEST_CASE("a block larger than a read piece is scanned whole", "[leak-components]") {
  // 3 MiB + 8: when it must be copied, it is copied in 1 MiB pieces.
  Heap heap({(uint64_t{3} << 20) + 8, 64, 64});
  heap.point(0, 0, heap.starts[1]);
  heap.point(0, (uint64_t{1} << 20) - 8, heap.starts[2]);  // the last word of the first piece
  heap.point(0, uint64_t{1} << 20, heap.starts[1]);        // the first of the second
  heap.point(0, uint64_t{3} << 20, heap.starts[2]);        // the very last word
  heap.point(2, 0, heap.starts[0] + 12345 * 8);            // 2 -> 0: {0, 2} a cycle
  std::vector<walker::NodeId> leaked{0, 1, 2};
  auto direct = walker::split_leaks(heap.memory, heap.table, leaked)->direct;
  CopyOnlyImage copied(heap.memory);
  CHECK(walker::split_leaks(copied, heap.table, leaked)->direct == direct);
  CHECK(direct == std::vector<uint8_t>{1, 0, 0});
  CHECK(walker::leak_graph(copied, heap.table, leaked)->targets ==
        walker::leak_graph(heap.memory, heap.table, leaked)->targets);
  CHECK(walker::leak_graph(copied, heap.table, leaked)->targets ==
        std::vector<uint32_t>{1, 2, 1, 2, 0});
}

TEST_CASE("the leak split of a half-million-block leaked list", "[leak-components]") {
  // The list fixture with its head cleared, in miniature form: node i -> node i + 1 and its own
  // buffer; only node 0 is direct. Nodes 48 bytes (usable 56), buffers 248.
  constexpr uint32_t kNodes = 250000;
  std::vector<uint64_t> sizes;
  for (uint32_t i = 0; i < kNodes; ++i) {
    sizes.push_back(56);
    sizes.push_back(248);
  }
  Heap heap(sizes, 8);
  for (uint32_t i = 0; i < kNodes; ++i) {
    uint32_t node = 2 * i, buffer = 2 * i + 1;
    if (i + 1 < kNodes) heap.point(node, 8, heap.starts[node + 2]);
    heap.point(node, 24, heap.starts[buffer]);
    heap.point(node, 32, heap.starts[buffer] + 240);
    heap.point(node, 40, heap.starts[buffer] + 240);
  }
  std::vector<walker::NodeId> leaked(2 * kNodes);
  std::iota(leaked.begin(), leaked.end(), 0u);
  auto split = walker::split_leaks(heap.memory, heap.table, leaked);
  REQUIRE(split);
  CHECK(split->direct_count == 1);
  CHECK(split->direct[0] == 1);
  CHECK(split->edges == 2 * kNodes - 1);  // repeats of a buffer's end dropped
  CHECK(split->components == 2 * kNodes);
  CHECK(split->peak_bytes <= 40 * leaked.size());
}

TEST_CASE("leak graph edges equal a brute-force scan, near and far", "[leak-components]") {
  // Blocks of 64 words with random gaps (none, or up to 48 bytes); every block's words point
  // around the starts and ends of blocks near it and far from it.
  std::mt19937 rng(5);
  constexpr uint32_t kBlocks = 200;
  constexpr uint64_t kSize = 512;
  test::SyntheticImage memory;
  walker::AllocationTable table;
  std::vector<uint64_t> starts;
  uint64_t at = 0x40000000;
  for (uint32_t b = 0; b < kBlocks; ++b) {
    starts.push_back(at);
    table.add(at, kSize - 8 * (rng() % 2));  // usable 512 or 504
    at += kSize + 16 * (rng() % 4);
  }
  memory.add_region(0x40000000 - 0x1000, at - 0x40000000 + 0x2000);
  table.finish();
  auto holder = [&](uint64_t value) -> std::optional<walker::NodeId> {  // by brute force
    for (walker::NodeId n = 0; n < table.size(); ++n)
      if (value >= table.address(n) && value < table.end(n)) return n;
    return std::nullopt;
  };
  for (uint32_t s = 0; s < kBlocks; ++s)
    for (uint64_t w = 0; w < kSize / 8 - 1; ++w) {
      int64_t distance = rng() % 4 == 0 ? int64_t(rng() % kBlocks) - s : int64_t(rng() % 25) - 12;
      int64_t t = std::clamp<int64_t>(s + distance, 0, kBlocks - 1);
      int64_t offsets[] = {0, 8, int64_t(table.usable_size(t)) - 1, int64_t(table.usable_size(t)),
                           -1, -8, int64_t(kSize) + 8};
      memory.put<uint64_t>(starts[s] + 8 * w, starts[t] + offsets[rng() % 7]);
    }
  std::vector<walker::NodeId> leaked;
  std::vector<uint32_t> index(kBlocks, kNotLeaked);
  for (walker::NodeId n = 0; n < kBlocks; ++n)
    if (rng() % 5) {
      index[n] = static_cast<uint32_t>(leaked.size());
      leaked.push_back(n);
    }
  auto graph = walker::leak_graph(memory, table, leaked);
  REQUIRE(graph);
  for (uint32_t i = 0; i < leaked.size(); ++i) {
    std::vector<uint32_t> expected;
    uint32_t previous = kNotLeaked;
    for (uint64_t w = 0; w < (table.usable_size(leaked[i]) & ~uint64_t{7}) / 8; ++w) {
      auto n = holder(memory.word(table.address(leaked[i]) + 8 * w));
      if (!n || index[*n] == kNotLeaked || index[*n] == i || index[*n] == previous) continue;
      previous = index[*n];
      expected.push_back(previous);
    }
    std::vector<uint32_t> row(graph->targets.begin() + graph->offsets[i],
                              graph->targets.begin() + graph->offsets[i + 1]);
    INFO("block " << leaked[i]);
    REQUIRE(row == expected);
  }
  CHECK(walker::split_leaks(memory, table, leaked)->direct == old_split(memory, table, leaked));
}
