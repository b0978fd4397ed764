#include "walker/allocator_compile.h"

#include <fmt/format.h>

#include "typeinfo/member_lookup.h"
#include "typeinfo/recognizers/declared.h"
#include "typeinfo/type_names.h"

namespace heapwalk::walker {
namespace {

std::string name_of(lldb::SBType t) { return t.GetName() ? t.GetName() : ""; }

[[noreturn]] void fail(const AllocatorRule& rule, const std::string& why) {
  throw typeinfo::RecognizerError(fmt::format("{}: {}", rule.source.text(), why));
}

Expression compile_on(const AllocatorRule& rule, std::string_view text, lldb::SBType type) {
  if (text.empty()) return {};
  try {
    return Expression(text, type, name_of(type));
  } catch (const typeinfo::RecognizerError& e) {
    fail(rule, e.what());
  }
}

Scoped compile_scoped(const AllocatorRule& rule, std::string_view text, lldb::SBType descriptor,
                      bool descriptor_struct, lldb::SBType allocator) {
  Scoped s;
  if (text.empty()) return s;
  if (descriptor_struct) {
    try {
      s.e = Expression(text, descriptor, name_of(descriptor));
      s.on_descriptor = true;
      return s;
    } catch (const typeinfo::RecognizerError&) {
    }
  }
  s.e = compile_on(rule, text, allocator);
  return s;
}

}  // namespace

CompiledAllocator compile_allocator(const AllocatorRule& rule, lldb::SBType type,
                                    typeinfo::TypeRegistry& types) {
  CompiledAllocator c;
  c.rule = &rule;
  c.name = types.layout(types.intern(type)).name;
  c.blocks = compile_on(rule, rule.blocks, type);
  c.descriptor = typeinfo::plain(c.blocks.pointee());
  if (!c.descriptor.IsValid())
    fail(rule, fmt::format("'blocks' ({}) is no pointer field of {}", rule.blocks, c.name));
  c.descriptor = types.complete(c.descriptor);
  c.descriptor_size = c.descriptor.GetByteSize();
  c.descriptor_struct = c.descriptor.GetTypeClass() & (lldb::eTypeClassClass | lldb::eTypeClassStruct);
  if (!rule.next.empty()) c.next = compile_on(rule, rule.next, c.descriptor);
  if (!rule.count.empty()) c.count = compile_on(rule, rule.count, type);
  c.memory = compile_on(rule, rule.memory, c.descriptor);
  c.size = compile_scoped(rule, rule.size, c.descriptor, c.descriptor_struct, type);
  c.first = compile_scoped(rule, rule.first, c.descriptor, c.descriptor_struct, type);
  switch (rule.form) {
    case AllocatorRule::Form::kHeap: {
      lldb::SBType header = typeinfo::rule_type(rule.header, type, types);
      if (!header.IsValid() || header.GetByteSize() == 0)
        fail(rule, fmt::format("no header type '{}'", rule.header));
      header = types.complete(header);
      c.header_size = header.GetByteSize();
      c.unit_size = compile_on(rule, rule.unit_size, header);
      c.in_use = compile_on(rule, rule.in_use, header);
      c.unit_next = compile_on(rule, rule.unit_next, header);
      c.unit_prev = compile_on(rule, rule.unit_prev, header);
      c.payload = rule.payload.empty() ? c.header_size : std::stoull(rule.payload, nullptr, 0);
      break;
    }
    case AllocatorRule::Form::kPool: {
      c.pool_size = compile_scoped(rule, rule.unit_size, c.descriptor, c.descriptor_struct, type);
      c.pool_units = compile_scoped(rule, rule.units, c.descriptor, c.descriptor_struct, type);
      if (!rule.free.empty()) {
        std::optional<typeinfo::Member> m;
        bool on_descriptor = false;
        if (c.descriptor_struct) m = typeinfo::find_member(c.descriptor, rule.free), on_descriptor = bool(m);
        if (!m) m = typeinfo::find_member(typeinfo::plain(type), rule.free);
        if (!m) fail(rule, fmt::format("no member '{}' (the free lists) in {}", rule.free, c.name));
        CompiledAllocator::FreeHeads heads{m->offset, 1, on_descriptor};
        if (m->type.IsArrayType()) {
          lldb::SBType element = typeinfo::plain(m->type.GetArrayElementType());
          if (!element.IsPointerType()) fail(rule, fmt::format("'{}' holds no pointers", rule.free));
          heads.count = static_cast<uint32_t>(m->type.GetByteSize() / 8);
        } else if (!m->type.IsPointerType()) {
          fail(rule, fmt::format("'{}' is no pointer nor array of pointers", rule.free));
        }
        c.free = heads;
      }
      break;
    }
    case AllocatorRule::Form::kBump:
      c.used = compile_scoped(rule, rule.used, c.descriptor, c.descriptor_struct, type);
      break;
  }
  return c;
}

}  // namespace heapwalk::walker
