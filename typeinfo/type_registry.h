// Every type the walk meets, interned once and compiled into a Layout on first use.
#pragma once

#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <lldb/API/SBTarget.h>
#include <lldb/API/SBType.h>

#include "typeinfo/layout.h"

namespace heapwalk::typeinfo {

class TypeRegistry {
 public:
  explicit TypeRegistry(lldb::SBTarget target) : target_(target) {}

  // The id of a type (typedefs and cv-qualifiers removed); does not compile it yet.
  LayoutId intern(lldb::SBType type);
  // The compiled layout; compiles on first use. References stay valid.
  // The walk asks for a layout per object: an index lookup when it is compiled.
  const Layout& layout(LayoutId id) {
    Layout& l = *layout_index_[id];
    if (!l.compiled) compile(id);
    return l;
  }
  const Container& container(uint32_t index) const { return containers_[index]; }
  size_t container_count() const { return containers_.size(); }
  lldb::SBType sbtype(LayoutId id) const { return types_[id]; }
  size_t size() const { return types_.size(); }
  lldb::SBTarget& target() { return target_; }

  // The container table index when `type` is a recognized container (recognized once).
  std::optional<uint32_t> container_index(lldb::SBType type);
  // The type's definition when `type` is a forward declaration and another unit defines it.
  lldb::SBType complete(lldb::SBType type);

 private:
  void compile(LayoutId id);

  lldb::SBTarget target_;
  std::vector<lldb::SBType> types_;
  std::deque<Layout> layouts_;          // a deque: references stay valid as more are interned
  std::vector<Layout*> layout_index_;   // layouts_[id], without the deque's arithmetic
  std::unordered_map<std::string, std::vector<LayoutId>> by_name_;
  std::deque<Container> containers_;  // a deque: references stay valid as types are compiled
  std::unordered_map<LayoutId, std::optional<uint32_t>> container_by_layout_;
};

}  // namespace heapwalk::typeinfo
