#include "typeinfo/type_registry.h"

#include "typeinfo/containers.h"
#include "typeinfo/member_lookup.h"
#include "typeinfo/type_names.h"

namespace heapwalk::typeinfo {

LayoutId TypeRegistry::intern(lldb::SBType type) {
  type = plain(type);
  if (!type.IsValid()) return kNoLayout;
  const char* raw_name = type.GetName();
  std::string name = raw_name ? raw_name : "";
  auto& candidates = by_name_[name];
  // Same-named types (anonymous namespaces) stay distinct: compare the types themselves.
  for (LayoutId id : candidates)
    if (types_[id] == type) return id;
  LayoutId id = static_cast<LayoutId>(types_.size());
  types_.push_back(type);
  layouts_.emplace_back();
  layouts_.back().name = readable_type_name(name);
  candidates.push_back(id);
  return id;
}

const Layout& TypeRegistry::layout(LayoutId id) {
  if (!layouts_[id].compiled) compile(id);
  return layouts_[id];
}

lldb::SBType TypeRegistry::complete(lldb::SBType type) {
  if (type.IsTypeComplete()) return type;
  // A forward declaration: the definition lives in another compile unit.
  lldb::SBTypeList list = target_.FindTypes(type.GetName());
  for (uint32_t i = 0; i < list.GetSize(); ++i) {
    lldb::SBType candidate = plain(list.GetTypeAtIndex(i));
    if (candidate.IsTypeComplete()) return candidate;
  }
  return type;
}

void TypeRegistry::compile(LayoutId id) {
  Layout out;
  out.name = layouts_[id].name;
  out.compiled = true;
  layouts_[id].compiled = true;  // a self-referencing type sees itself as compiled, not looping
  lldb::SBType type = complete(types_[id]);
  out.size = type.GetByteSize();
  out.align = align_of(type);
  switch (type.GetTypeClass()) {
    case lldb::eTypeClassClass:
    case lldb::eTypeClassStruct:
      out.polymorphic = type.IsPolymorphicClass();
      add_class(type, 0, out);
      break;
    case lldb::eTypeClassUnion:
      out.opaque = true;
      break;
    case lldb::eTypeClassBuiltin:
    case lldb::eTypeClassEnumeration:
      out.scalar = true;
      break;
    default:
      add_member(type, 0, out);
  }
  layouts_[id] = std::move(out);
}

std::optional<uint32_t> TypeRegistry::container_of(lldb::SBType type) {
  LayoutId id = intern(type);
  auto it = container_by_layout_.find(id);
  if (it != container_by_layout_.end()) return it->second;
  container_by_layout_[id] = std::nullopt;  // guards recursion through element types
  std::optional<uint32_t> index;
  if (auto container = recognize_container(plain(type), *this)) {
    index = static_cast<uint32_t>(containers_.size());
    containers_.push_back(std::move(*container));
  }
  container_by_layout_[id] = index;
  return index;
}

// A class's own edges: containers it is, its bases, then its fields, all flattened.
void TypeRegistry::add_class(lldb::SBType type, uint32_t offset, Layout& out) {
  if (auto index = container_of(type)) {
    out.containers.push_back({offset, *index});
    return;
  }
  for (uint32_t i = 0; i < type.GetNumberOfDirectBaseClasses(); ++i) {
    lldb::SBTypeMember base = type.GetDirectBaseClassAtIndex(i);
    add_member(plain(base.GetType()), offset + static_cast<uint32_t>(base.GetOffsetInBytes()), out);
  }
  for (uint32_t i = 0; i < type.GetNumberOfFields(); ++i) {
    lldb::SBTypeMember field = type.GetFieldAtIndex(i);
    if (field.IsBitfield()) continue;
    add_member(plain(field.GetType()), offset + static_cast<uint32_t>(field.GetOffsetInBytes()), out);
  }
}

void TypeRegistry::add_member(lldb::SBType type, uint32_t offset, Layout& out) {
  switch (type.GetTypeClass()) {
    case lldb::eTypeClassPointer:
    case lldb::eTypeClassReference: {
      lldb::SBType pointee = plain(type.GetPointeeType());
      bool untyped = !pointee.IsValid() || pointee.IsFunctionType() ||
                     pointee.GetBasicType() == lldb::eBasicTypeVoid;
      out.pointers.push_back({offset, untyped ? kNoLayout : intern(pointee)});
      break;
    }
    case lldb::eTypeClassArray: {
      lldb::SBType element = plain(type.GetArrayElementType());
      uint64_t element_size = element.GetByteSize();
      if (element_size == 0) break;
      LayoutId element_id = intern(element);
      const Layout& element_layout = layout(element_id);
      // A char array of pointer size or more may be raw storage (aligned_storage, buffers).
      bool raw_storage = element_size == 1 && type.GetByteSize() >= 8;
      if (element_layout.opaque || raw_storage) out.opaque = true;
      if (element_layout.has_edges())
        out.arrays.push_back(
            {offset, element_id, static_cast<uint32_t>(type.GetByteSize() / element_size)});
      break;
    }
    case lldb::eTypeClassClass:
    case lldb::eTypeClassStruct: {
      if (auto index = container_of(type)) {
        out.containers.push_back({offset, *index});
        break;
      }
      // A member object's type is exact, so its vptr needs no lookup: copy its edges.
      const Layout& nested = layout(intern(type));
      for (PointerSlot s : nested.pointers) out.pointers.push_back({s.offset + offset, s.pointee});
      for (ArraySlot s : nested.arrays) out.arrays.push_back({s.offset + offset, s.element, s.count});
      for (ContainerSlot s : nested.containers)
        out.containers.push_back({s.offset + offset, s.container});
      out.opaque = out.opaque || nested.opaque;
      break;
    }
    case lldb::eTypeClassUnion:
      out.opaque = true;
      break;
    default:
      break;  // scalars, enums: no edges
  }
}

}  // namespace heapwalk::typeinfo
