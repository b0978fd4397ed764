#include "typeinfo/protobuf_map.h"

#include <algorithm>

#include "typeinfo/member_lookup.h"
#include "typeinfo/recognizers/declared.h"
#include "typeinfo/type_registry.h"

namespace heapwalk::typeinfo {

std::optional<Container> recognize_protobuf_map(lldb::SBType type, const std::string& readable,
                                                TypeRegistry& registry) {
  if (!readable.starts_with("google::protobuf::Map<")) return std::nullopt;
  auto inner = find_member(type, "elements_");
  if (!inner) return std::nullopt;
  auto table = find_member(inner->type, "table_");
  auto buckets = find_member(inner->type, "num_buckets_");
  auto count = find_member(inner->type, "num_elements_");
  if (!table || !buckets || !count || !table->type.IsPointerType()) return std::nullopt;
  lldb::SBType key = rule_type("{0}", type, registry), value = rule_type("{1}", type, registry);
  if (!key.IsValid() || !value.IsValid() || key.GetByteSize() == 0 || value.GetByteSize() == 0)
    return std::nullopt;
  // MapPair<K, V> { const K first; V second; }, then Node::next.
  // Keys and values are scalars, strings and messages: never aligned past 8 (align_of can
  // overestimate a message, whose base the debug info only declares).
  const uint64_t key_align = std::min<uint64_t>(align_of(key), 8);
  const uint64_t value_align = std::min<uint64_t>(align_of(value), 8);
  const uint64_t value_offset = align_up(key.GetByteSize(), value_align);
  const uint64_t pair_align = std::max(key_align, value_align);
  const uint64_t pair_size = align_up(value_offset + value.GetByteSize(), pair_align);
  const uint64_t next = align_up(pair_size, 8);

  Container c;
  c.kind = ContainerKind::kProtobufMap;
  c.name = readable;
  c.element = registry.intern(key);
  c.alternatives.push_back(registry.intern(value));
  c.field[0] = inner->offset + table->offset;
  c.field[1] = inner->offset + buckets->offset;
  c.field[2] = inner->offset + count->offset;
  c.field[3] = static_cast<uint32_t>(next);
  c.value_offset = static_cast<uint32_t>(value_offset);
  c.node_size = static_cast<uint32_t>(align_up(next + 8, std::max<uint64_t>(pair_align, 8)));
  return c;
}

}  // namespace heapwalk::typeinfo
