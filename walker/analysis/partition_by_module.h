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

#include "walker/analysis/partition.h"
#include "walker/analysis/process_graph.h"

namespace heapwalk::walker {

inline constexpr const char* kNoModule = "<no module>";

// Rows are named by the module's file name ("libfoo.so.1", "heapwalk_fixture_sim"), with its
// full path in PartitionRow::path.
Partition partition_by_module(Session& session, const ProcessGraph& graph,
                              std::span<const uint32_t> set);

}  // namespace heapwalk::walker
