#include "typeinfo/type_registry.h"

#include <fmt/format.h>

#include "typeinfo/containers.h"
#include "typeinfo/layout_builder.h"
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
  layout_index_.push_back(&layouts_.back());
  candidates.push_back(id);
  return id;
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
  lldb::TypeClass type_class = type.GetTypeClass();
  bool is_class = type_class == lldb::eTypeClassClass || type_class == lldb::eTypeClassStruct;
  out.complete = out.size > 0 && (!is_class || type.IsTypeComplete());
  out.scalar = type_class == lldb::eTypeClassBuiltin || type_class == lldb::eTypeClassEnumeration;
  if (is_class)
    out.polymorphic = type.IsPolymorphicClass() || type.GetNumberOfVirtualBaseClasses() > 0;
  if (out.complete) {
    LayoutBuilder builder(*this, out);
    builder.add_complete_object(type);
    builder.finish();
  }
  add_inside_rules(type, out);
  layouts_[id] = std::move(out);
}

// Recognizer rules saying that objects of this type sit inside larger ones (intrusive hooks).
void TypeRegistry::add_inside_rules(lldb::SBType type, Layout& out) {
  std::string raw = type.GetName() ? type.GetName() : "";
  for (const InsideRule* rule : rules_->inside_rules({out.name, raw})) {
    lldb::SBType object = rule_type(rule->object, type, *this);
    auto member = object.IsValid() ? find_member(object, rule->member) : std::nullopt;
    if (!member) {
      add_problem(fmt::format("{}: no member '{}' in '{}'", rule->source.text(), rule->member,
                              rule->object));
      continue;
    }
    out.inside.push_back({intern(object), member->offset});
  }
}

LayoutId TypeRegistry::add_synthetic(Layout layout) {
  LayoutId id = static_cast<LayoutId>(types_.size());
  types_.push_back(lldb::SBType());
  layout.compiled = true;
  layouts_.push_back(std::move(layout));
  layout_index_.push_back(&layouts_.back());
  return id;
}

std::optional<uint32_t> TypeRegistry::container_index(lldb::SBType type) {
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

}  // namespace heapwalk::typeinfo
