// The layout_types test program (tests/unit/layout_fixture) as a static target, and a small
// world to walk synthetic memory with its types: registry, dynamic types, kinds, an allocation
// table. The program is non-PIE and loaded at its file addresses, so that its vtable symbols
// have load addresses and objects in synthetic memory can carry real vptrs.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <lldb/API/LLDB.h>

#include "synthetic_image.h"
#include "typeinfo/dynamic_types.h"
#include "typeinfo/type_erasure.h"
#include "typeinfo/type_registry.h"
#include "walker/graph/heap_reach.h"

namespace heapwalk::test {

class LayoutTypes {
 public:
  // Opened once for the suite and never closed: LLDB may be gone before static destructors run.
  static LayoutTypes& get() {
    static LayoutTypes* instance = new LayoutTypes;
    return *instance;
  }

  lldb::SBTarget& target() { return target_; }
  bool valid() const { return target_.IsValid() && module_.IsValid(); }

  lldb::SBType type(const char* name) { return target_.FindFirstType(name); }

  // The load address of the symbol whose (demangled) name is `name`; 0 when there is none.
  uint64_t symbol(std::string_view name) {
    for (size_t i = 0; i < module_.GetNumSymbols(); ++i) {
      lldb::SBSymbol s = module_.GetSymbolAtIndex(i);
      if (s.GetName() && name == s.GetName()) return s.GetStartAddress().GetLoadAddress(target_);
    }
    return 0;
  }
  // The first symbol whose name starts with `prefix`; 0 when there is none.
  uint64_t symbol_starting(std::string_view prefix) {
    for (size_t i = 0; i < module_.GetNumSymbols(); ++i) {
      lldb::SBSymbol s = module_.GetSymbolAtIndex(i);
      if (s.GetName() && std::string_view(s.GetName()).starts_with(prefix))
        return s.GetStartAddress().GetLoadAddress(target_);
    }
    return 0;
  }
  // What a complete object of `class_name` holds as its vptr (the primary address point).
  uint64_t vptr(std::string_view class_name) {
    uint64_t vtable = symbol("vtable for " + std::string(class_name));
    return vtable ? vtable + 16 : 0;
  }
  // The address point of the secondary vtable whose offset-to-top is `offset_to_top`: that
  // word followed by the class's typeinfo (vcall offsets may hold the same value).
  uint64_t secondary_vptr(std::string_view class_name, int64_t offset_to_top) {
    uint64_t vtable = symbol("vtable for " + std::string(class_name));
    uint64_t typeinfo = symbol("typeinfo for " + std::string(class_name));
    for (uint64_t at = vtable + 8; vtable && typeinfo && at < vtable + 512; at += 8) {
      auto w = read(at), next = read(at + 8);
      if (w && next && static_cast<int64_t>(*w) == offset_to_top && *next == typeinfo)
        return at + 16;
    }
    return 0;
  }
  // A word of the program's file (vtables, offset-to-top).
  std::optional<uint64_t> read(uint64_t address) {
    uint64_t value = 0;
    lldb::SBError error;
    lldb::SBAddress a = target_.ResolveLoadAddress(address);
    if (!a.IsValid() || target_.ReadMemory(a, &value, sizeof value, error) != sizeof value ||
        error.Fail())
      return std::nullopt;
    return value;
  }

 private:
  LayoutTypes() {
    lldb::SBDebugger::Initialize();
    debugger_ = lldb::SBDebugger::Create(false);
    target_ = debugger_.CreateTarget(HEAPWALK_LAYOUT_TYPES);
    module_ = target_.GetModuleAtIndex(0);
    if (module_.IsValid()) target_.SetModuleLoadAddress(module_, 0);
  }
  lldb::SBDebugger debugger_;
  lldb::SBTarget target_;
  lldb::SBModule module_;
};

// Synthetic memory: static storage at kStatic, a heap at kHeap, and the program's types.
struct World {
  static constexpr uint64_t kStatic = 0x20000000, kHeap = 0x10000000, kHeapSize = 0x100000;

  LayoutTypes& program = LayoutTypes::get();
  SyntheticImage memory;
  walker::AllocationTable table;
  typeinfo::TypeRegistry types{program.target()};
  typeinfo::DynamicTypes dynamic{types, [this](uint64_t a) -> std::optional<uint64_t> {
                                   if (auto w = memory.load<uint64_t>(a)) return w;
                                   return program.read(a);
                                 }};
  typeinfo::TypeErasure erasure{types};
  walker::KindTable kinds;

  World() {
    memory.add_region(kStatic, 0x1000);
    memory.add_region(kHeap, kHeapSize);
  }

  lldb::SBType type(const char* name) { return program.type(name); }
  typeinfo::LayoutId id(const char* name) { return types.intern(type(name)); }
  typeinfo::LayoutId pointer_id(const char* name) { return types.intern(type(name).GetPointerType()); }

  // An allocation of `usable` bytes at `address` (in the heap region).
  uint64_t alloc(uint64_t address, uint64_t usable, bool mmapped = false) {
    table.add(address, usable, mmapped);
    return address;
  }
  void put(uint64_t address, uint64_t word) { memory.put<uint64_t>(address, word); }
  template <class T>
  void put_as(uint64_t address, const T& value) {
    memory.put<T>(address, value);
  }

  struct Result {
    std::vector<std::string> kinds;  // per allocation in address order; "-": unreached
    std::vector<uint8_t> flags;
    const walker::AllocationTable* table = nullptr;

    size_t node(uint64_t address) const { return *table->find(address); }
    const std::string& kind(uint64_t address) const { return kinds[node(address)]; }
    bool reached(uint64_t address) const { return kinds[node(address)] != "-"; }
    bool typed(uint64_t address) const { return flags[node(address)] & walker::NodeStates::kTyped; }
    bool conservative(uint64_t address) const {
      return flags[node(address)] & walker::NodeStates::kConservative;
    }
  };

  // Finishes the table, adds roots, walks. Call once.
  Result run(const std::function<void(walker::HeapReach&)>& roots,
             walker::ReachOptions options = {}) {
    table.finish();
    walker::HeapReach reach({memory, table, types, dynamic, erasure, kinds}, options);
    roots(reach);
    auto reached = reach.run();
    Result result;
    result.table = &table;
    if (!reached) return result;
    for (size_t n = 0; n < table.size(); ++n) {
      walker::KindId k = reached->kinds[n];
      bool any = reached->reached(static_cast<walker::NodeId>(n));
      result.kinds.push_back(!any ? "-" : k == walker::kNoKind ? "(unnamed)" : kinds.name(k));
    }
    result.flags = reached->flags;
    return result;
  }
  // Walks from one typed object in static storage (kStatic) of type `root`.
  Result run_from(const char* root, walker::ReachOptions options = {}) {
    typeinfo::LayoutId layout = id(root);
    return run([&](walker::HeapReach& r) { r.add_typed_root(kStatic, layout); }, options);
  }
};

}  // namespace heapwalk::test
