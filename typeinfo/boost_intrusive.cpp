#include "typeinfo/boost_intrusive.h"

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

std::string name_of(lldb::SBType type) { return type.IsValid() && type.GetName() ? type.GetName() : ""; }

// Where the node (of which `field` is a member) starts inside `outer`, at `at` in the object.
std::optional<uint32_t> node_in(lldb::SBType outer, uint32_t at, lldb::SBType node,
                                std::string_view field) {
  auto in_outer = find_member(outer, field);
  auto in_node = find_member(node, field);
  if (!in_outer || !in_node || in_outer->offset < in_node->offset) return std::nullopt;
  return at + in_outer->offset - in_node->offset;
}

// The base hook of `object` for the value traits' tag: a node_holder<Node, Tag, Type> base,
// found through the bases; its offset in the object.
std::optional<uint32_t> base_hook(lldb::SBType object, std::string_view tag, uint32_t at,
                                  int depth = 0) {
  if (depth > 8) return std::nullopt;
  for (uint32_t i = 0; i < object.GetNumberOfDirectBaseClasses(); ++i) {
    lldb::SBTypeMember base = object.GetDirectBaseClassAtIndex(i);
    lldb::SBType type = plain(base.GetType());
    uint32_t offset = at + static_cast<uint32_t>(base.GetOffsetInBytes());
    if (name_of(type).starts_with("boost::intrusive::node_holder<") &&
        (tag.empty() || name_of(template_arg(type, 1)) == tag))
      return offset;
    if (auto found = base_hook(type, tag, offset, depth + 1)) return found;
  }
  return std::nullopt;
}

// The node's offset in the value type of value traits `traits` (bhtraits or mhtraits).
std::optional<uint32_t> hook_offset(lldb::SBType traits, lldb::SBType object, lldb::SBType node,
                                    std::string_view field, TypeRegistry& registry) {
  const std::string name = name_of(traits);
  if (name.starts_with("boost::intrusive::bhtraits<")) {
    auto holder = base_hook(object, name_of(template_arg(traits, 3)), 0);
    if (!holder) holder = base_hook(object, "", 0);
    return holder;
  }
  if (name.starts_with("boost::intrusive::mhtraits<")) {
    // The member whose type is the hook; with several hooks of that type the traits' member
    // pointer would tell, which DWARF does not give: such a container is left to the generic walk.
    lldb::SBType hook = registry.complete(template_arg(traits, 1));
    std::optional<uint32_t> found;
    for (uint32_t i = 0; i < object.GetNumberOfFields(); ++i) {
      lldb::SBTypeMember m = object.GetFieldAtIndex(i);
      if (plain(m.GetType()) != hook) continue;
      if (found) return std::nullopt;
      found = node_in(hook, static_cast<uint32_t>(m.GetOffsetInBytes()), node, field);
      if (!found) return std::nullopt;
    }
    return found;
  }
  return std::nullopt;
}

}  // namespace

std::optional<Container> recognize_boost_intrusive(lldb::SBType type, TypeRegistry& registry) {
  const std::string name = name_of(type);
  const bool list = name.starts_with("boost::intrusive::list_impl<");
  if (!list && !name.starts_with("boost::intrusive::bstree_impl<")) return std::nullopt;
  lldb::SBType traits = template_arg(type, 0);
  lldb::SBType object = registry.complete(template_arg(traits, 0));
  if (!object.IsValid() || object.GetByteSize() == 0) return std::nullopt;

  const std::string_view link = list ? "next_" : "parent_";
  std::optional<Member> header;
  if (list) {
    header = find_member(type, "m_header");
  } else if (auto holder = find_member(type, "holder")) {
    if (auto root = find_member(holder->type, "root")) header = Member{holder->offset + root->offset, root->type};
  }
  if (!header) return std::nullopt;
  auto link_member = find_member(header->type, link);
  if (!link_member || !link_member->type.IsPointerType()) return std::nullopt;
  lldb::SBType node = registry.complete(plain(link_member->type.GetPointeeType()));
  auto header_node = node_in(header->type, header->offset, node, link);
  auto in_object = hook_offset(traits, object, node, link, registry);
  auto next = find_member(node, link);
  if (!header_node || !in_object || !next) return std::nullopt;

  Container c;
  c.kind = list ? ContainerKind::kBoostIntrusiveList : ContainerKind::kBoostIntrusiveTree;
  c.name = readable_type_name(name);
  c.element = registry.intern(object);
  c.element_size = object.GetByteSize();
  c.element_name = readable_type_name(name_of(object));
  c.field[0] = *header_node;
  c.field[1] = next->offset;
  if (!list) {
    auto left = find_member(node, "left_"), right = find_member(node, "right_");
    if (!left || !right) return std::nullopt;
    c.field[2] = left->offset;
    c.field[3] = right->offset;
  }
  c.value_offset = *in_object;
  return c;
}

}  // namespace heapwalk::typeinfo
