// Flattens one DWARF type into a Layout: bases, virtual bases, fields, nested members, unions,
// arrays; records what every byte is, so that what no member explains is scanned conservatively.
#pragma once

#include <cstdint>
#include <vector>

#include <lldb/API/SBType.h>

#include "typeinfo/layout.h"

namespace heapwalk::typeinfo {

class TypeRegistry;

class LayoutBuilder {
 public:
  LayoutBuilder(TypeRegistry& registry, Layout& out) : registry_(registry), out_(out) {}

  // The type as a complete object at offset 0: its non-virtual parts, then every virtual base
  // at the offset it has in this complete object.
  void add_complete_object(lldb::SBType type);
  // A member or element of any type class at `offset`.
  void add_member(lldb::SBType type, uint32_t offset);
  // Words no member covers become untyped; ranges sorted and merged. Call once, last.
  void finish();

 private:
  void add_class(lldb::SBType type, uint32_t offset);        // a complete object at `offset`
  void add_subobject(lldb::SBType type, uint32_t offset);    // non-virtual part only (a base)
  bool is_special_class(lldb::SBType type, uint32_t offset);
  void add_pointer(lldb::SBType type, uint32_t offset);
  void add_array(lldb::SBType type, uint32_t offset);
  void add_union(lldb::SBType type, uint32_t offset);
  void add_nested(const Layout& nested, uint32_t offset);
  void cover(uint32_t offset, uint64_t length);
  void untyped(uint32_t offset, uint64_t length);

  void mark_managed_pointer_weak(lldb::SBType type);

  TypeRegistry& registry_;
  Layout& out_;
  // Compiling a shared_ptr control block: what it manages is reached weakly through it (the
  // shared_ptrs that own the object reach it themselves; a weak_ptr keeps only the block).
  bool control_block_ = false;
  std::vector<ByteRange> covered_;  // bytes some member explains (typed or untyped)
};

// Pointees that say nothing about what they point at: void, char-like bytes, incomplete or
// invalid types. A pointer to one is scanned as a word, not followed as a type.
bool is_untyped_pointee(lldb::SBType pointee);

// An integer of pointer size: it may hold an address (intptr_t, tagged pointers, handles).
bool may_hold_address(lldb::SBType scalar);

}  // namespace heapwalk::typeinfo
