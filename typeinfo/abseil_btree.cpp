#include "typeinfo/abseil_btree.h"

#include <string>
#include <string_view>

#include "typeinfo/member_lookup.h"
#include "typeinfo/symbol_types.h"
#include "typeinfo/type_registry.h"

namespace heapwalk::typeinfo {
namespace {

bool is_pointer(lldb::SBType& t) { return t.IsPointerType(); }

}  // namespace

uint64_t absl_btree_leaf_size(const Container& c, uint64_t slots) {
  return align_up(c.field[2] + slots * c.element_size, 8);
}

uint64_t absl_btree_internal_size(const Container& c) {
  return c.field[3] + (uint64_t{c.index_size} + 1) * 8;
}

std::optional<Container> recognize_absl_btree(lldb::SBType type, const std::string& readable,
                                              TypeRegistry& registry) {
  std::string_view n = readable;
  const bool map = n.starts_with("absl::btree_map<") || n.starts_with("absl::btree_multimap<");
  const bool set = n.starts_with("absl::btree_set<") || n.starts_with("absl::btree_multiset<");
  if (!map && !set) return std::nullopt;
  auto tree = find_member(type, "tree_");
  if (!tree) return std::nullopt;
  auto root = find_member(tree->type, "root_", is_pointer);
  auto size = find_member(tree->type, "size_");
  if (!root || !size || type.GetNumberOfTemplateArguments() < (map ? 2u : 1u)) return std::nullopt;
  // The target node size: Params' last but one template argument (map_params<K, V, C, A, 256,
  // multi>, set_params<K, C, A, 256, multi>).
  lldb::SBType params = plain(tree->type).GetNumberOfTemplateArguments()
                            ? plain(plain(tree->type).GetTemplateArgumentType(0))
                            : lldb::SBType();
  std::vector<std::string> args = template_arguments(params.IsValid() && params.GetName() ? params.GetName() : "");
  uint64_t target = 0;
  try {
    if (args.size() >= 2) target = std::stoull(args[args.size() - 2]);
  } catch (...) {
    return std::nullopt;
  }
  if (target == 0) return std::nullopt;

  lldb::SBType key = plain(type.GetTemplateArgumentType(0));
  lldb::SBType value = map ? plain(type.GetTemplateArgumentType(1)) : lldb::SBType();
  if (!key.IsValid() || key.GetByteSize() == 0 || (map && (!value.IsValid() || value.GetByteSize() == 0)))
    return std::nullopt;
  // The slot: the key, or std::pair<const K, V> (its layout computed as the compiler does).
  uint64_t slot_align = align_of(key), value_offset = 0, slot_size = key.GetByteSize();
  if (map) {
    slot_align = std::max<uint64_t>(slot_align, align_of(value));
    value_offset = align_up(key.GetByteSize(), align_of(value));
    slot_size = align_up(value_offset + value.GetByteSize(), slot_align);
  }
  // params_type::node_count_type and btree_node's kNodeSlots (btree.h).
  const uint64_t field = (target - 12) / slot_size > 255 ? 2 : 1;
  const uint64_t slots_offset = align_up(8 + 4 * field, slot_align);
  uint64_t slots = 0;
  while (align_up(slots_offset + (slots + 1) * slot_size, 8) <= target)
    ++slots;
  slots = std::max<uint64_t>(slots, 4);

  Container c;
  c.kind = ContainerKind::kAbslBtree;
  c.name = readable;
  c.element = registry.intern(key);
  if (map) c.alternatives.push_back(registry.intern(value));
  c.element_size = slot_size;
  c.field[0] = tree->offset + root->offset;
  c.field[1] = tree->offset + size->offset;
  c.field[2] = static_cast<uint32_t>(slots_offset);
  c.field[3] = static_cast<uint32_t>(align_up(slots_offset + slots * slot_size, 8));
  c.value_offset = static_cast<uint32_t>(value_offset);
  c.index_size = static_cast<uint32_t>(slots);
  c.node_size = static_cast<uint32_t>(field);
  return c;
}

}  // namespace heapwalk::typeinfo
