#include "walker/analysis/partition_by_module.h"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "typeinfo/defining_modules.h"
#include "walker/roots/global_modules.h"

namespace heapwalk::walker {

namespace {

constexpr uint32_t kNone = UINT32_MAX;
constexpr uint32_t kPending = UINT32_MAX - 1;
constexpr int kMaxOwnerDepth = 64;  // owners of owners: a chain of untyped buffers is short

class ModuleNamer {
 public:
  ModuleNamer(const MemoryImage& memory, const AllocationTable& table, const ProcessGraph& graph,
              ModuleFacts& facts)
      : memory_(memory), facts_(facts), graph_(graph), table_(table) {
    const HeapGraph& g = graph.graph;
    owner_.assign(table_.size(), kNone);
    root_owner_.assign(table_.size(), kNone);
    // The first typed referrer of each allocation: CSR order is by referrer, so the root's
    // edges come first and heap referrers by address.
    for (GraphNode from = 0; from < g.node_count(); ++from)
      for (uint32_t e = g.first_edge(from); e < g.first_edge(from + 1); ++e) {
        if (g.provenance_of(e) != EdgeProvenance::kTyped) continue;
        NodeId to = allocation_of(g.target_of(e));
        if (from == kRootNode) {
          if (root_owner_[to] == kNone) root_owner_[to] = g.where_of(e);
        } else if (owner_[to] == kNone && allocation_of(from) != to) {
          owner_[to] = allocation_of(from);
        }
      }
    memo_.assign(table_.size(), kNone);
    intern("");  // module 0: <no module>
  }

  // An index into names(); 0 is <no module>.
  uint32_t module_of(NodeId a, int depth = 0) {
    if (memo_[a] != kNone && memo_[a] != kPending) return memo_[a];
    if (memo_[a] == kPending || depth > kMaxOwnerDepth) return 0;  // a cycle of untyped owners
    memo_[a] = kPending;
    const std::vector<uint32_t>* defining = nullptr;
    uint32_t m = own_module(a, defining);
    if (m == kNone) {
      m = owner_module(a, depth);
      // Several modules' debug info define the type (a header's class, a template instance):
      // the owner's, when it is one of them, else the first in the target's order.
      if (defining && std::find(defining->begin(), defining->end(), m) == defining->end())
        m = defining->front();
    }
    memo_[a] = m;
    return m;
  }
  const std::vector<std::string>& paths() const { return paths_; }

 private:
  uint32_t intern(const std::string& path) {
    auto [it, fresh] = ids_.try_emplace(path, static_cast<uint32_t>(paths_.size()));
    if (fresh) paths_.push_back(path);
    return it->second;
  }

  uint32_t owner_module(NodeId a, int depth) {
    if (owner_[a] != kNone) return module_of(owner_[a], depth + 1);
    if (root_owner_[a] != kNone) return root_module(root_owner_[a]);
    return 0;
  }

  // Rules 1 and 2; kNone when the kind names no class type (rule 3 applies) or when several
  // modules define it (`defining` then lists them).
  uint32_t own_module(NodeId a, const std::vector<uint32_t>*& defining) {
    KindId k = a < graph_.kinds.size() ? graph_.kinds[a] : kNoKind;
    // A kind that names no type (<conservative>, a block a type of no debug info fills): an
    // object all the same when its first word is a vptr (rule 1).
    if (k == kNoKind || k >= graph_.kind_layouts.size() ||
        graph_.kind_layouts[k].layout == typeinfo::kNoLayout)
      return vtable_module(table_.address(a));
    const KindLayout& kl = graph_.kind_layouts[k];
    const typeinfo::Layout& layout = facts_.layout(kl.layout);
    if (layout.scalar) return kNone;
    // A type known only by a declaration (std::exception, whose definition is libstdc++'s) may
    // be polymorphic too: its vptr says.
    if ((layout.polymorphic || !layout.complete) && !kl.array)
      if (uint32_t m = vtable_module(table_.address(a) + kl.value_offset); m != kNone) return m;
    if (k >= kind_modules_.size()) kind_modules_.resize(graph_.kind_layouts.size());
    if (!kind_modules_[k]) {
      kind_modules_[k].emplace();
      for (const std::string& path : facts_.type_modules(kl.layout))
        kind_modules_[k]->push_back(intern(path));
    }
    const std::vector<uint32_t>& modules = *kind_modules_[k];
    if (modules.size() == 1) return modules.front();
    if (modules.size() > 1) defining = &modules;
    return kNone;
  }

  // The module holding the vtable the word at `at` points into; kNone when it points into none.
  uint32_t vtable_module(uint64_t at) {
    uint64_t vptr = memory_.word(at);
    if (vptr == 0 || vptr % 8 || table_.find(vptr)) return kNone;  // not into a module's data
    std::string path = facts_.vtable_module(vptr);
    return path.empty() ? kNone : intern(path);
  }

  // A global variable (a root's label) that holds the allocation: the module it lives in.
  uint32_t root_module(uint32_t label) {
    auto [it, fresh] = root_module_.try_emplace(label, 0);
    if (!fresh || label >= graph_.root_labels.size()) return it->second;
    it->second = intern(facts_.global_module(graph_.root_labels[label]));
    return it->second;
  }

  const MemoryImage& memory_;
  ModuleFacts& facts_;
  const ProcessGraph& graph_;
  const AllocationTable& table_;
  std::vector<NodeId> owner_;       // first typed heap referrer
  std::vector<uint32_t> root_owner_;  // first typed root edge's label
  std::vector<uint32_t> memo_;
  std::vector<std::optional<std::vector<uint32_t>>> kind_modules_;  // defining modules by kind
  std::unordered_map<uint32_t, uint32_t> root_module_;
  std::vector<std::string> paths_;
  std::unordered_map<std::string, uint32_t> ids_;
};

std::string file_name(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// The session's answers: its types' layouts and definitions, its symbols, its globals.
class SessionModuleFacts final : public ModuleFacts {
 public:
  explicit SessionModuleFacts(Session& session) : session_(session), defining_(session.types()) {}
  const typeinfo::Layout& layout(typeinfo::LayoutId id) override {
    return session_.types().layout(id);
  }
  std::string vtable_module(uint64_t vptr) override { return defining_.vtable_module(vptr); }
  std::vector<std::string> type_modules(typeinfo::LayoutId id) override {
    return defining_.type_modules(id);
  }
  std::string global_module(const std::string& root_label) override {
    return walker::global_module(session_.target(), root_label);
  }

 private:
  Session& session_;
  typeinfo::DefiningModules defining_;
};

}  // namespace

Partition partition_by_module(const MemoryImage& memory, const AllocationTable& table,
                              const ProcessGraph& graph, ModuleFacts& facts,
                              std::span<const uint32_t> set) {
  ModuleNamer namer(memory, table, graph, facts);
  std::map<uint32_t, PartitionRow> rows;
  for (uint32_t n : set) {
    uint32_t m = namer.module_of(n);
    PartitionRow& row = rows[m];
    if (row.count == 0) {
      const std::string& path = namer.paths()[m];
      row.kind = m == 0 ? kNoModule : file_name(path);
      row.path = path;
    }
    row.count += 1;
    row.size += table.usable_size(n);
    row.nodes.push_back(n);
  }
  std::vector<PartitionRow> out;
  for (auto& [_, row] : rows) out.push_back(std::move(row));
  return make_partition(std::move(out));
}

Partition partition_by_module(Session& session, const ProcessGraph& graph,
                              std::span<const uint32_t> set) {
  SessionModuleFacts facts(session);
  return partition_by_module(session.memory(), session.heap().in_use, graph, facts, set);
}

}  // namespace heapwalk::walker
