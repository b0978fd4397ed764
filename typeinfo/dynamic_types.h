// The dynamic type of a polymorphic object, from its vptr: the vtable symbol names the class,
// and offset-to-top (vptr[-2]) leads from a base subobject to the complete object.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "typeinfo/type_registry.h"

namespace heapwalk::typeinfo {

struct DynamicType {
  LayoutId layout = kNoLayout;
  int64_t offset_to_top = 0;  // complete object = subobject address + offset_to_top
};

class DynamicTypes {
 public:
  // Reads one 64-bit word of the target (vtables may live only in the executable's file).
  using ReadWord = std::function<std::optional<uint64_t>(uint64_t addr)>;

  DynamicTypes(TypeRegistry& registry, ReadWord read) : registry_(registry), read_(std::move(read)) {}

  // nullptr when vptr is not the address point of a vtable with a type we can find.
  // Cached by vptr: a handful of vptrs cover millions of objects.
  const DynamicType* resolve(uint64_t vptr);
  // The class whose vtable has its primary address point at `vptr` (offset-to-top 0), by its
  // symbol alone: a complete object's class where no debug info describes it. nullptr if none.
  const std::string* vtable_class(uint64_t vptr);

 private:
  std::optional<DynamicType> lookup(uint64_t vptr);
  lldb::SBType find_class(const std::string& name, uint64_t vptr);
  const std::string* vtable_containing(uint64_t address);

  // Every "vtable for X" symbol of every module, by load address. SBTarget::ResolveLoadAddress
  // does not always find data symbols (seen with LLDB 16 on .data.rel.ro), so we index them.
  struct VtableSymbol {
    uint64_t start, end;
    std::string class_name;
  };
  std::vector<VtableSymbol> vtables_;
  bool vtables_indexed_ = false;

  TypeRegistry& registry_;
  ReadWord read_;
  std::unordered_map<uint64_t, std::optional<DynamicType>> cache_;
};

}  // namespace heapwalk::typeinfo
