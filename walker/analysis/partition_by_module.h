// heap partition --by module: each allocation grouped by the module (the executable or shared
// object) that defines its kind. The rule, in order (docs/commands.md, "heap partition"):
//   1. An object of a polymorphic type (named by its vtable), or an allocation whose kind names
//      no type or a type only declared, whose first word points into a vtable: the module that
//      holds that vtable.
//   2. An object, array element or container node/buffer of a class, struct, union or enum
//      type: the module whose debug info defines that type; when several do (a header's
//      class, a template instance), its owner's module (rule 3) if that is one of them, else
//      the first of them in the target's module order (the executable first).
//   3. Anything whose kind names no such type (float[], char[] (string), buckets, control
//      blocks, make_shared blocks, <conservative>): the module of its owner, the first heap
//      object (lowest address) that holds a typed pointer to it, found by these same rules; with
//      no such owner, the module of the global variable that points to it; else <no module>.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "typeinfo/layout.h"
#include "walker/analysis/partition.h"
#include "walker/analysis/process_graph.h"

namespace heapwalk::walker {

inline constexpr const char* kNoModule = "<no module>";

// What the rules ask of the program's modules and types, in plain terms: module paths, "" for
// none. The session's answers come from the debug info and symbols (typeinfo/defining_modules.h,
// walker/roots/global_modules.h).
class ModuleFacts {
 public:
  virtual ~ModuleFacts() = default;
  // The compiled layout of a kind's type.
  virtual const typeinfo::Layout& layout(typeinfo::LayoutId id) = 0;
  // The module holding the vtable `vptr` points into.
  virtual std::string vtable_module(uint64_t vptr) = 0;
  // The modules whose debug info completes the layout's type, in the target's order.
  virtual std::vector<std::string> type_modules(typeinfo::LayoutId id) = 0;
  // The module of the global variable a root's label names.
  virtual std::string global_module(const std::string& root_label) = 0;
};

// Rows are named by the module's file name ("libfoo.so.1", "heapwalk_fixture_sim"), with its
// full path in PartitionRow::path. `memory` holds the allocations' first words (vptrs).
Partition partition_by_module(const MemoryImage& memory, const AllocationTable& table,
                              const ProcessGraph& graph, ModuleFacts& facts,
                              std::span<const uint32_t> set);
// The same, with the session's memory, heap, types and modules.
Partition partition_by_module(Session& session, const ProcessGraph& graph,
                              std::span<const uint32_t> set);

}  // namespace heapwalk::walker
