#include "typeinfo/boost_pool.h"

#include <string>

#include "typeinfo/member_lookup.h"
#include "typeinfo/type_names.h"
#include "typeinfo/type_registry.h"

namespace heapwalk::typeinfo {

std::optional<Container> recognize_boost_pool(lldb::SBType type, TypeRegistry& registry) {
  const std::string name = type.GetName() ? type.GetName() : "";
  if (!name.starts_with("boost::object_pool<") || type.GetNumberOfTemplateArguments() < 1)
    return std::nullopt;
  lldb::SBType object = registry.complete(plain(type.GetTemplateArgumentType(0)));
  auto list = find_member(type, "list");
  auto first = find_member(type, "first");
  auto requested = find_member(type, "requested_size");
  if (!list || !first || !requested || !object.IsValid() || object.GetByteSize() == 0)
    return std::nullopt;
  auto ptr = find_member(list->type, "ptr"), sz = find_member(list->type, "sz");
  if (!ptr || !sz) return std::nullopt;
  Container c;
  c.kind = ContainerKind::kBoostObjectPool;
  c.name = readable_type_name(name);
  c.element = registry.intern(object);
  c.element_size = object.GetByteSize();
  c.element_name = readable_type_name(object.GetName() ? object.GetName() : "");
  c.field[0] = list->offset + ptr->offset;
  c.field[1] = list->offset + sz->offset;
  c.field[2] = first->offset;
  c.field[3] = requested->offset;
  return c;
}

}  // namespace heapwalk::typeinfo
