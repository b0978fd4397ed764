#include "walker/allocator_finder.h"

#include <algorithm>
#include <set>
#include <string>
#include <unordered_map>

#include "typeinfo/member_lookup.h"
#include "typeinfo/type_names.h"

namespace heapwalk::walker {
namespace {

using typeinfo::AllocatorRule;

constexpr int kMaxDepth = 12;  // pointers and members followed to an allocator
constexpr uint64_t kMaxElements = 4096;  // of one vector

std::string name_of(lldb::SBType t) { return t.GetName() ? t.GetName() : ""; }

// Finds the objects of the allocator types from the static roots, through what can lead to one:
// members, base classes, fixed arrays, plain pointers and std::vector elements.
class AllocatorFinder {
 public:
  AllocatorFinder(const MemoryImage& memory, typeinfo::TypeRegistry& types,
                  const std::vector<AllocatorRule>& rules)
      : memory_(memory), types_(types), rules_(rules) {}

  void search(uint64_t address, lldb::SBType type, int depth) {
    if (depth > kMaxDepth || !address) return;
    type = typeinfo::plain(type);
    if (const AllocatorRule* rule = match(type)) {
      if (!seen_.insert({address, name_of(type)}).second) return;
      found.push_back({address, type, rule});
      // On into it: an allocator may hold others (a chain of arenas, a backing allocator).
    }
    if (!leads(type)) return;
    if (type.IsPointerType()) {
      auto p = memory_.load<uint64_t>(address);
      if (p && *p && visited_.insert({*p, name_of(type)}).second)
        search(*p, type.GetPointeeType(), depth + 1);
      return;
    }
    if (type.IsArrayType()) {
      lldb::SBType element = typeinfo::plain(type.GetArrayElementType());
      uint64_t size = element.GetByteSize();
      uint64_t n = size ? std::min<uint64_t>(type.GetByteSize() / size, 4096) : 0;
      for (uint64_t i = 0; i < n; ++i) search(address + i * size, element, depth);
      return;
    }
    if (vector_elements(address, type, depth)) return;
    lldb::SBType full = types_.complete(type);
    for (uint32_t i = 0; i < full.GetNumberOfDirectBaseClasses(); ++i) {
      lldb::SBTypeMember base = full.GetDirectBaseClassAtIndex(i);
      search(address + base.GetOffsetInBytes(), base.GetType(), depth);
    }
    for (uint32_t i = 0; i < full.GetNumberOfFields(); ++i) {
      lldb::SBTypeMember field = full.GetFieldAtIndex(i);
      if (field.IsBitfield()) continue;
      search(address + field.GetOffsetInBytes(), field.GetType(), depth);
    }
  }

  std::vector<FoundAllocator> found;

 private:
  const AllocatorRule* match(lldb::SBType type) {
    std::string dwarf = name_of(type);
    auto it = match_.find(dwarf);
    if (it != match_.end()) return it->second;
    const AllocatorRule* rule = nullptr;
    bool aggregate = type.GetTypeClass() & (lldb::eTypeClassClass | lldb::eTypeClassStruct);
    if (aggregate) {
      std::string readable = typeinfo::readable_type_name(dwarf);
      for (const AllocatorRule& r : rules_)
        for (const std::string& pattern : r.patterns)
          if (!rule && (typeinfo::name_matches(pattern, dwarf) || typeinfo::name_matches(pattern, readable)))
            rule = &r;
    }
    match_[dwarf] = rule;
    return rule;
  }

  // A std::vector: each of its elements (its _M_start alone would lead to the first only).
  bool vector_elements(uint64_t address, lldb::SBType type, int depth) {
    auto index = types_.container_index(type);
    if (!index) return false;
    const typeinfo::Container& c = types_.container(*index);
    if (c.kind != typeinfo::ContainerKind::kVector) return false;
    auto start = memory_.load<uint64_t>(address + c.field[0]);
    auto finish = memory_.load<uint64_t>(address + c.field[1]);
    if (c.element == typeinfo::kNoLayout || !c.element_size || !start || !finish) return true;
    lldb::SBType element = types_.sbtype(c.element);
    const uint64_t n = *finish > *start ? std::min<uint64_t>((*finish - *start) / c.element_size, kMaxElements) : 0;
    for (uint64_t i = 0; i < n; ++i)
      if (visited_.insert({*start + i * c.element_size, name_of(element)}).second)
        search(*start + i * c.element_size, element, depth + 1);
    return true;
  }

  // Whether an object of `type` holds (or points to) an allocator object.
  bool leads(lldb::SBType type) {
    std::string key = name_of(type);
    if (auto it = leads_.find(key); it != leads_.end()) return it->second;
    leads_[key] = false;  // while deciding: a type that holds itself does not lead through itself
    bool result = false;
    if (match(type)) {
      result = true;
    } else if (type.IsPointerType()) {
      result = leads(typeinfo::plain(type.GetPointeeType()));
    } else if (type.IsArrayType()) {
      result = leads(typeinfo::plain(type.GetArrayElementType()));
    } else if (type.GetTypeClass() & (lldb::eTypeClassClass | lldb::eTypeClassStruct)) {
      lldb::SBType full = types_.complete(type);
      for (uint32_t i = 0; i < full.GetNumberOfDirectBaseClasses() && !result; ++i)
        result = leads(typeinfo::plain(full.GetDirectBaseClassAtIndex(i).GetType()));
      for (uint32_t i = 0; i < full.GetNumberOfFields() && !result; ++i)
        result = leads(typeinfo::plain(full.GetFieldAtIndex(i).GetType()));
    }
    leads_[key] = result;
    return result;
  }

  const MemoryImage& memory_;
  typeinfo::TypeRegistry& types_;
  const std::vector<AllocatorRule>& rules_;
  std::unordered_map<std::string, const AllocatorRule*> match_;
  std::unordered_map<std::string, bool> leads_;
  std::set<std::pair<uint64_t, std::string>> seen_, visited_;
};

}  // namespace

std::vector<FoundAllocator> find_allocators(const MemoryImage& memory, typeinfo::TypeRegistry& types,
                                            const std::vector<AllocatorRule>& rules,
                                            const std::vector<Root>& roots) {
  AllocatorFinder finder(memory, types, rules);
  for (const Root& root : roots)
    if (root.type.IsValid()) finder.search(root.address, root.type, 0);
  return std::move(finder.found);
}

}  // namespace heapwalk::walker
