// Which module (the executable or a shared object) defines a type: the one holding its vtable,
// or the ones whose debug info holds its complete definition. Module paths; "" for none.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "typeinfo/layout.h"

namespace heapwalk::typeinfo {

class TypeRegistry;

class DefiningModules {
 public:
  explicit DefiningModules(TypeRegistry& types) : types_(types) {}

  // The module holding the vtable `vptr` points into; "" when it points into none.
  std::string vtable_module(uint64_t vptr);

  // The modules whose debug info holds a complete definition of the layout's type, in the
  // target's order (the executable first).
  std::vector<std::string> type_modules(LayoutId layout);

 private:
  void index_vtables();

  TypeRegistry& types_;
  struct Vtable {
    uint64_t start, end;
    uint32_t module;  // into paths_
  };
  std::vector<Vtable> vtables_;  // by start
  std::vector<std::string> paths_;
  bool vtables_indexed_ = false;
};

}  // namespace heapwalk::typeinfo
