#include "walker/analysis/array_ledger.h"

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "walker/analysis/edge_labels.h"
#include "walker/graph/heap_reach.h"
#include "walker/graph/node_states.h"
#include "walker/graph/reverse_edges.h"
#include "walker/memory/residency.h"

namespace heapwalk::walker {
namespace {

// The distinct nodes that hold a typed pointer to n.
std::vector<GraphNode> typed_owners(const HeapGraph& graph, const ReverseEdges& in, GraphNode n) {
  std::vector<GraphNode> owners;
  std::span<const uint32_t> edges = in.edges(n);
  std::span<const GraphNode> sources = in.sources(n);
  for (size_t i = 0; i < edges.size(); ++i)
    if (graph.provenance_of(edges[i]) == EdgeProvenance::kTyped && sources[i] != n)
      owners.push_back(sources[i]);
  std::sort(owners.begin(), owners.end());
  owners.erase(std::unique(owners.begin(), owners.end()), owners.end());
  return owners;
}

bool ends_with(const std::string& s, const char* tail) {
  size_t n = std::strlen(tail);
  return s.size() >= n && s.compare(s.size() - n, n, tail) == 0;
}

}  // namespace

void add_array_ledger(Ledger& ledger, Session& session, const ProcessGraph& graph,
                      const LeakReport& leaks) {
  std::span<const uint8_t> reach_flags = graph.reach_flags;
  const ElementCounts* counts = element_counts(session, graph);  // a walk of its own, once
  const AllocationTable& table = session.heap().in_use;
  std::vector<uint8_t> leaked(table.size(), 0);
  for (const Leak& leak : leaks.leaks) leaked[leak.node] = 1;
  const ReverseEdges& in = graph.graph.in_edges();
  const MemoryImage& memory = session.memory();
  const Residency* residency = memory.residency();
  bool core = !residency && !memory.core_path().empty();
  static const uint8_t zeros[kPageSize] = {};
  std::unordered_map<uint64_t, bool> page_resident;  // core pages checked so far
  auto resident_page = [&](uint64_t page) -> bool {
    if (residency) return residency->page(page) & Residency::kResident;
    if (!core) return false;
    auto [it, fresh] = page_resident.try_emplace(page, false);
    if (fresh) {
      std::span<const uint8_t> view = memory.view(page, kPageSize);
      uint8_t buffer[kPageSize];
      if (view.empty() && memory.read(page, buffer, kPageSize)) view = {buffer, kPageSize};
      it->second = !view.empty() && std::memcmp(view.data(), zeros, kPageSize) != 0;
    }
    return it->second;
  };

  // An array's owners: those holding a typed pointer to it; when that is one object that
  // shared_ptrs hold (a make_shared block, or an object a control block manages), the
  // shared_ptrs' holders.
  auto owners_of = [&](GraphNode n) -> uint64_t {
    std::vector<GraphNode> owners = typed_owners(graph.graph, in, n);
    if (owners.size() != 1 || owners[0] == 0) return std::max<size_t>(owners.size(), 1);
    GraphNode holder = owners[0];
    bool shared = ends_with(node_kind(session, graph, holder), " (make_shared)");
    std::vector<GraphNode> holders = typed_owners(graph.graph, in, holder);
    for (const GraphNode s : in.sources(holder))
      if (!shared && s != 0 && ends_with(node_kind(session, graph, s), " control block"))
        shared = true;
    if (!shared) return 1;
    // The control blocks themselves are no owners: the shared_ptrs that point to it are.
    uint64_t count = 0;
    for (GraphNode h : holders)
      if (h == 0 || !ends_with(node_kind(session, graph, h), " control block")) ++count;
    return std::max<uint64_t>(count, 1);
  };

  std::unordered_map<std::string, ArrayTypeRow> rows;
  for (NodeId a = 0; a < table.size(); ++a) {
    if (table.block_head(a) || leaked[a] || !(reach_flags[a] & NodeStates::kTyped) ||
        !(reach_flags[a] & Reachability::kScalarArray))
      continue;
    GraphNode n = graph_node(a);
    if (n >= graph.graph.node_count()) continue;
    KindId k = a < graph.kinds.size() ? graph.kinds[a] : kNoKind;
    std::string kind = node_kind(session, graph, n);
    ArrayTypeRow& row = rows[kind];
    row.kind = kind;
    row.arrays += 1;
    uint64_t start = table.address(a), end = table.end(a);
    row.bytes += end - start;
    for (uint64_t p = start & ~(kPageSize - 1); p < end; p += kPageSize)
      if (resident_page(p)) row.resident += std::min(end, p + kPageSize) - std::max(start, p);
    std::optional<uint64_t> elements =
        k == kNoKind || !counts ? std::nullopt : counts->count(a, k);
    if (!elements) {
      row.uncounted += 1;
      continue;
    }
    row.elements += *elements;
    uint64_t owners = owners_of(n);
    row.owned_elements += *elements * owners;
    if (owners > 1) {
      row.shared_arrays += 1;
      row.shared_elements += *elements;
      row.shared_owners += owners;
    }
  }
  ledger.arrays.clear();
  for (auto& [_, row] : rows) ledger.arrays.push_back(std::move(row));
  std::sort(ledger.arrays.begin(), ledger.arrays.end(),
            [](const ArrayTypeRow& a, const ArrayTypeRow& b) {
              return a.bytes != b.bytes ? a.bytes > b.bytes : a.kind < b.kind;
            });
}

}  // namespace heapwalk::walker
