#include "typeinfo/recognizers/declared.h"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "typeinfo/layout_builder.h"
#include "typeinfo/member_lookup.h"
#include "typeinfo/symbol_types.h"
#include "typeinfo/type_names.h"
#include "typeinfo/type_registry.h"

namespace heapwalk::typeinfo {
namespace {

std::string raw_name(lldb::SBType type) { return type.GetName() ? type.GetName() : ""; }

// The member at a dotted path ("storage.u"), with its offset from the object.
std::optional<Member> member_at(lldb::SBType type, std::string_view path) {
  Member at{0, plain(type)};
  size_t from = 0;
  while (true) {
    size_t dot = path.find('.', from);
    std::string_view name = path.substr(from, dot == std::string_view::npos ? path.npos : dot - from);
    auto m = find_member(at.type, name);
    if (!m) return std::nullopt;
    at = {at.offset + m->offset, m->type};
    if (dot == std::string_view::npos) return at;
    from = dot + 1;
  }
}

// Removes [begin, end) from sorted, merged ranges.
void cut(std::vector<ByteRange>& ranges, uint64_t begin, uint64_t end) {
  std::vector<ByteRange> kept;
  for (const ByteRange& r : ranges) {
    uint64_t b = r.offset, e = uint64_t{r.offset} + r.length;
    if (e <= begin || b >= end) {
      kept.push_back(r);
      continue;
    }
    if (b < begin) kept.push_back({r.offset, static_cast<uint32_t>(begin - b)});
    if (e > end) kept.push_back({static_cast<uint32_t>(end), static_cast<uint32_t>(e - end)});
  }
  ranges = std::move(kept);
}

[[noreturn]] void fail(const RuleSource& at, const std::string& why) {
  throw RecognizerError(fmt::format("{}: {}", at.text(), why));
}

Expression expression(const RuleSource& at, std::string_view text, lldb::SBType type) {
  try {
    return Expression(text, type, raw_name(type));
  } catch (const RecognizerError& e) {
    fail(at, e.what());
  }
}

// A pointer rule's `elements`: a copy of the container member's description whose elements
// (8-byte words: void*, intptr_t) are each a typed pointer to `to`. Returns the member's offset
// and the new container's index.
std::pair<uint32_t, uint32_t> elements_pointing_to(const PointerRule& p, lldb::SBType type,
                                                   TypeRegistry& registry) {
  auto member = member_at(type, p.elements);
  if (!member) fail(p.source, fmt::format("no member '{}' in {}", p.elements, raw_name(type)));
  auto index = registry.container_index(member->type);
  if (!index) fail(p.source, fmt::format("'{}' is not a container heapwalk knows", p.elements));
  Container c = registry.container(*index);
  if (c.element == kNoLayout || c.element_size != 8)
    fail(p.source, fmt::format("the elements of '{}' are not 8-byte words", p.elements));
  lldb::SBType to = rule_type(p.to, type, registry);
  if (!to.IsValid()) fail(p.source, fmt::format("no type '{}'", p.to));
  Layout word;
  word.name = registry.layout(c.element).name;
  word.size = 8;
  word.align = 8;
  word.complete = true;
  word.compiled = true;
  word.pointers.push_back({0, registry.intern(to), false, true});
  c.element = registry.add_synthetic(std::move(word));
  return {member->offset, registry.add_container(std::move(c))};
}

}  // namespace

// "{0}[]" with template argument 0's readable name.
std::string substitute(std::string_view text, lldb::SBType owner) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text.substr(i).starts_with("{name}")) {  // the matched type's own readable name
      out += readable_type_name(raw_name(owner));
      i += 5;
      continue;
    }
    size_t close = text.find('}', i);
    if (text[i] == '{' && close != std::string_view::npos) {
      std::string index(text.substr(i + 1, close - i - 1));
      if (!index.empty() && std::all_of(index.begin(), index.end(), ::isdigit)) {
        uint32_t n = static_cast<uint32_t>(std::stoul(index));
        lldb::SBType arg = n < owner.GetNumberOfTemplateArguments() ? owner.GetTemplateArgumentType(n)
                                                                   : lldb::SBType();
        std::vector<std::string> args = template_arguments(raw_name(owner));
        out += arg.IsValid() && arg.GetName() ? readable_type_name(arg.GetName())
               : n < args.size()              ? readable_type_name(args[n])
                                              : "?";
        i = close;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

lldb::SBType rule_type(std::string_view name, lldb::SBType owner, TypeRegistry& registry) {
  if (name.size() > 1 && name.back() == '*') {  // "{0}*": a pointer to it
    lldb::SBType pointee = rule_type(name.substr(0, name.size() - 1), owner, registry);
    return pointee.IsValid() ? pointee.GetPointerType() : lldb::SBType();
  }
  if (name.size() > 2 && name.front() == '{' && name.back() == '}') {
    uint32_t n = static_cast<uint32_t>(std::stoul(std::string(name.substr(1, name.size() - 2))));
    if (n < owner.GetNumberOfTemplateArguments()) return plain(owner.GetTemplateArgumentType(n));
    // Some specializations carry no template parameters in DWARF: the argument from the name.
    std::vector<std::string> args = template_arguments(raw_name(owner));
    if (n < args.size() && !args[n].starts_with("{")) return rule_type(args[n], owner, registry);
    return {};
  }
  std::string full(name);
  // "{1}::stored_vertex": a type nested in a template argument, spelled as DWARF spells it.
  if (size_t close = name.find("}::"); name.front() == '{' && close != std::string_view::npos) {
    lldb::SBType outer = rule_type(name.substr(0, close + 1), owner, registry);
    if (!outer.IsValid() || !outer.GetName()) return {};
    full = std::string(outer.GetName()) + std::string(name.substr(close + 1));
  }
  lldb::SBTypeList found = registry.target().FindTypes(full.c_str());
  for (uint32_t i = 0; i < found.GetSize(); ++i) {
    lldb::SBType t = plain(found.GetTypeAtIndex(i));
    if (t.IsTypeComplete()) return t;
  }
  return found.GetSize() ? plain(found.GetTypeAtIndex(0)) : lldb::SBType();
}

Declared compile_rule(const TypeRule& rule, lldb::SBType type, TypeRegistry& registry) {
  type = plain(type);
  Declared d;
  d.source = rule.source;
  std::vector<std::pair<uint64_t, uint64_t>> explained;  // bytes the rule reads itself

  for (const ArrayRule& a : rule.arrays) {
    DeclaredArray out;
    out.pointer = expression(a.source, a.pointer, type);
    out.count = expression(a.source, a.count, type);
    if (!a.capacity.empty()) out.capacity = expression(a.source, a.capacity, type);
    lldb::SBType element = a.element.empty() ? out.pointer.pointee() : rule_type(a.element, type, registry);
    if (!element.IsValid() || element.GetByteSize() == 0)
      fail(a.source, fmt::format("no element type for '{}' (give element = \"...\")", a.pointer));
    out.element = registry.intern(element);
    out.element_size = element.GetByteSize();
    out.kind = a.kind.empty() ? readable_type_name(raw_name(element)) + "[]" : substitute(a.kind, type);
    // A buffer that exists only sometimes (when) leaves its pointer's word scanned: it may hold
    // something else then (RepeatedField's arena).
    if (auto at = out.pointer.first_field(); at && a.when.empty()) explained.push_back({*at, *at + 8});
    if (auto span = out.pointer.in_place()) {
      out.in_place = true;
      out.in_place_bytes = span->size;
      explained.push_back({span->offset, span->offset + span->size});
    }
    compile_array_options(a, type, registry, element, out);
    for (const Expression* e : {&out.block, &out.live_bytes})
      if (auto at = e->first_field(); at && a.when.empty()) explained.push_back({*at, *at + 8});
    d.arrays.push_back(std::move(out));
  }
  for (const UnionRule& u : rule.unions) {
    auto member = member_at(type, u.member);
    if (!member) fail(u.source, fmt::format("no member '{}' in {}", u.member, raw_name(type)));
    DeclaredUnion out;
    out.selector = expression(u.source, u.selector, type);
    for (auto [value, name] : u.cases) {
      auto alternative = member_at(member->type, name);  // "length_delimited_.string_value" too
      if (!alternative)
        fail(u.source, fmt::format("no member '{}' in the union '{}'", name, u.member));
      out.cases.push_back({value, member->offset + alternative->offset, registry.intern(alternative->type)});
    }
    explained.push_back({member->offset, member->offset + member->type.GetByteSize()});
    d.unions.push_back(std::move(out));
  }
  std::vector<std::pair<uint32_t, uint32_t>> retyped;  // container member offset -> new container
  for (const PointerRule& p : rule.pointers) {
    if (!p.elements.empty()) {
      retyped.push_back(elements_pointing_to(p, type, registry));
      continue;
    }
    DeclaredPointer out;
    out.address = expression(p.source, p.field, type);
    lldb::SBType to = rule_type(p.to, type, registry);
    if (!to.IsValid()) fail(p.source, fmt::format("no type '{}'", p.to));
    out.to = registry.intern(to);
    out.kind = substitute(p.kind, type);
    if (auto at = out.address.field_offset()) explained.push_back({*at, *at + 8});
    d.pointers.push_back(std::move(out));
  }

  // Everything else about the type, as without the rule; less what the rule reads itself.
  Layout rest;
  rest.name = readable_type_name(raw_name(type));
  rest.size = type.GetByteSize();
  rest.align = align_of(type);
  rest.complete = rest.size > 0 && type.IsTypeComplete();
  rest.polymorphic = type.IsPolymorphicClass();
  rest.compiled = true;
  if (rest.complete) {
    LayoutBuilder builder(registry, rest);
    builder.add_complete_object(type);
    builder.finish();
  }
  for (auto [offset, container] : retyped)
    for (ContainerSlot& slot : rest.containers)
      if (slot.offset == offset) slot.container = container;
  for (const auto& span : explained) {
    const auto begin = span.first, end = span.second;  // not captured bindings: clang 14 (fuzz)
    std::erase_if(rest.pointers, [&](const PointerSlot& s) { return s.offset >= begin && s.offset < end; });
    cut(rest.untyped, begin, end);
  }
  d.rest = registry.add_synthetic(std::move(rest));
  return d;
}

}  // namespace heapwalk::typeinfo
