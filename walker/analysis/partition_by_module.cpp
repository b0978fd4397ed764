#include "walker/analysis/partition_by_module.h"

#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include <lldb/API/SBAddress.h>
#include <lldb/API/SBFileSpec.h>
#include <lldb/API/SBModule.h>
#include <lldb/API/SBSymbol.h>
#include <lldb/API/SBValue.h>

namespace heapwalk::walker {

namespace {

constexpr uint32_t kNone = UINT32_MAX;
constexpr uint32_t kPending = UINT32_MAX - 1;
constexpr int kMaxOwnerDepth = 64;  // owners of owners: a chain of untyped buffers is short

std::string module_path(lldb::SBModule module) {
  if (!module.IsValid()) return {};
  char path[4096];
  uint32_t n = module.GetFileSpec().GetPath(path, sizeof path);
  return n ? std::string(path) : std::string();
}

bool is_vtable(lldb::SBSymbol symbol) {
  if (!symbol.IsValid()) return false;
  const char* mangled = symbol.GetMangledName();
  const char* name = symbol.GetName();
  return (mangled && std::string_view(mangled).starts_with("_ZTV")) ||
         (name && std::string_view(name).starts_with("vtable for "));
}

class ModuleNamer {
 public:
  ModuleNamer(Session& session, const ProcessGraph& graph)
      : session_(session), graph_(graph), table_(session.heap().in_use) {
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
    uint32_t m = own_module(a);
    if (m == kNone) {
      if (owner_[a] != kNone) m = module_of(owner_[a], depth + 1);
      else if (root_owner_[a] != kNone) m = root_module(root_owner_[a]);
      else m = 0;
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

  // Rules 1 and 2; kNone when the kind names no class type (rule 3 applies).
  uint32_t own_module(NodeId a) {
    KindId k = a < graph_.kinds.size() ? graph_.kinds[a] : kNoKind;
    if (k == kNoKind || k >= graph_.kind_layouts.size()) return kNone;
    const KindLayout& kl = graph_.kind_layouts[k];
    if (kl.layout == typeinfo::kNoLayout) return kNone;
    typeinfo::TypeRegistry& types = session_.types();
    const typeinfo::Layout& layout = types.layout(kl.layout);
    if (layout.scalar) return kNone;
    if (layout.polymorphic && !kl.array) {
      uint64_t vptr = session_.memory().word(table_.address(a) + kl.value_offset);
      auto [it, fresh] = vtable_module_.try_emplace(vptr, kNone);
      if (fresh) {
        lldb::SBAddress address = session_.target().ResolveLoadAddress(vptr);
        if (address.IsValid() && is_vtable(address.GetSymbol())) {
          std::string path = module_path(address.GetModule());
          if (!path.empty()) it->second = intern(path);
        }
      }
      if (it->second != kNone) return it->second;
    }
    if (k >= kind_module_.size()) kind_module_.resize(graph_.kind_layouts.size(), kPending);
    if (kind_module_[k] == kPending) {
      std::string path = module_path(types.sbtype(kl.layout).GetModule());
      kind_module_[k] = path.empty() ? kNone : intern(path);
    }
    return kind_module_[k];
  }

  // A global variable (a root's label) that holds the allocation: the module it lives in.
  uint32_t root_module(uint32_t label) {
    auto [it, fresh] = root_module_.try_emplace(label, 0);
    if (!fresh || label >= graph_.root_labels.size()) return it->second;
    lldb::SBValue v = session_.target().FindFirstGlobalVariable(graph_.root_labels[label].c_str());
    if (v.IsValid()) {
      std::string path = module_path(v.GetAddress().GetModule());
      if (!path.empty()) it->second = intern(path);
    }
    return it->second;
  }

  Session& session_;
  const ProcessGraph& graph_;
  const AllocationTable& table_;
  std::vector<NodeId> owner_;       // first typed heap referrer
  std::vector<uint32_t> root_owner_;  // first typed root edge's label
  std::vector<uint32_t> memo_;
  std::vector<uint32_t> kind_module_;
  std::unordered_map<uint64_t, uint32_t> vtable_module_;
  std::unordered_map<uint32_t, uint32_t> root_module_;
  std::vector<std::string> paths_;
  std::unordered_map<std::string, uint32_t> ids_;
};

std::string file_name(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

Partition partition_by_module(Session& session, const ProcessGraph& graph,
                              std::span<const uint32_t> set) {
  const AllocationTable& table = session.heap().in_use;
  ModuleNamer namer(session, graph);
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

}  // namespace heapwalk::walker
