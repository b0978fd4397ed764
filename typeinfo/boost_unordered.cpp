#include "typeinfo/boost_unordered.h"

#include <string>
#include <string_view>

#include "typeinfo/member_lookup.h"
#include "typeinfo/type_names.h"
#include "typeinfo/type_registry.h"

namespace heapwalk::typeinfo {
namespace {

lldb::SBType template_arg(lldb::SBType type, uint32_t index) {
  if (!type.IsValid() || index >= type.GetNumberOfTemplateArguments()) return {};
  return plain(type.GetTemplateArgumentType(index));
}

bool is_boost_unordered(std::string_view name) {
  for (std::string_view p : {"boost::unordered::unordered_map<", "boost::unordered::unordered_set<",
                             "boost::unordered::unordered_multimap<",
                             "boost::unordered::unordered_multiset<"})
    if (name.starts_with(p)) return true;
  return false;
}

}  // namespace

std::optional<Container> recognize_boost_unordered(lldb::SBType type, TypeRegistry& registry) {
  const std::string name = type.GetName() ? type.GetName() : "";
  if (!is_boost_unordered(name)) return std::nullopt;
  auto table = find_member(type, "table_");
  if (!table) return std::nullopt;
  auto buckets = find_member(table->type, "buckets_");
  auto bucket_count = find_member(table->type, "bucket_count_");
  auto size = find_member(table->type, "size_");
  auto allocators = find_member(table->type, "allocators_");
  if (!buckets || !bucket_count || !size || !allocators) return std::nullopt;
  // compressed<bucket_allocator, node_allocator>: the node allocator's value type is the node,
  // ptr_node<V> (or node<A, V> for allocators with fancy pointers, whose links are not words).
  lldb::SBType node = registry.complete(template_arg(template_arg(allocators->type, 1), 0));
  std::string node_name = node.GetName() ? node.GetName() : "";
  if (!node_name.starts_with("boost::unordered::detail::ptr_node<")) return std::nullopt;
  auto next = find_member(node, "next_");
  auto value = find_member(node, "value_base_");
  lldb::SBType value_type = registry.complete(template_arg(node, 0));
  if (!next || next->offset != 0 || !value || !value_type.IsValid() || value_type.GetByteSize() == 0)
    return std::nullopt;
  Container c;
  c.kind = ContainerKind::kBoostUnordered;
  c.name = readable_type_name(name);
  c.element = registry.intern(value_type);
  c.element_size = value_type.GetByteSize();
  c.element_name = readable_type_name(value_type.GetName() ? value_type.GetName() : "");
  c.field[0] = table->offset + buckets->offset;
  c.field[1] = table->offset + bucket_count->offset;
  c.field[2] = table->offset + size->offset;
  c.value_offset = value->offset;
  c.node_size = static_cast<uint32_t>(node.GetByteSize());
  return c;
}

}  // namespace heapwalk::typeinfo
