#include "typeinfo/layout_builder.h"

#include <algorithm>
#include <string_view>

#include "typeinfo/member_lookup.h"
#include "typeinfo/type_registry.h"

namespace heapwalk::typeinfo {
namespace {

constexpr uint32_t kWord = 8;

bool is_char_like(lldb::SBType type) {
  switch (type.GetBasicType()) {
    case lldb::eBasicTypeChar:
    case lldb::eBasicTypeSignedChar:
    case lldb::eBasicTypeUnsignedChar:
    case lldb::eBasicTypeChar8:
      return true;
    default:
      break;
  }
  const char* name = type.GetName();
  return name && std::string_view(name) == "std::byte";
}

bool starts_with(lldb::SBType type, std::string_view prefix) {
  const char* name = type.GetName();
  return name && std::string_view(name).starts_with(prefix);
}

// libstdc++ keeps node values and make_shared objects in raw storage typed by a template
// argument: read it as that type.
lldb::SBType aligned_storage_value(lldb::SBType type) {
  if (!starts_with(type, "__gnu_cxx::__aligned_buffer<") &&
      !starts_with(type, "__gnu_cxx::__aligned_membuf<"))
    return {};
  if (type.GetNumberOfTemplateArguments() < 1) return {};
  return plain(type.GetTemplateArgumentType(0));
}

// A direct base is virtual when it is among the class's virtual bases.
bool is_virtual_base(lldb::SBType owner, lldb::SBType base) {
  for (uint32_t i = 0; i < owner.GetNumberOfVirtualBaseClasses(); ++i)
    if (plain(owner.GetVirtualBaseClassAtIndex(i).GetType()) == base) return true;
  return false;
}

bool declares_destructor(lldb::SBType type) {
  for (uint32_t i = 0; i < type.GetNumberOfMemberFunctions(); ++i) {
    const char* name = type.GetMemberFunctionAtIndex(i).GetName();
    if (name && name[0] == '~') return true;
  }
  return false;
}

bool has_vptr(lldb::SBType type) {
  return type.IsPolymorphicClass() || type.GetNumberOfVirtualBaseClasses() > 0;
}

void merge(std::vector<ByteRange>& ranges) {
  std::sort(ranges.begin(), ranges.end(),
            [](const ByteRange& a, const ByteRange& b) { return a.offset < b.offset; });
  std::vector<ByteRange> merged;
  for (const ByteRange& r : ranges) {
    if (r.length == 0) continue;
    if (!merged.empty() && r.offset <= merged.back().offset + merged.back().length) {
      uint32_t end = std::max(merged.back().offset + merged.back().length, r.offset + r.length);
      merged.back().length = end - merged.back().offset;
    } else {
      merged.push_back(r);
    }
  }
  ranges = std::move(merged);
}

}  // namespace

bool is_untyped_pointee(lldb::SBType pointee) {
  pointee = plain(pointee);
  if (!pointee.IsValid()) return true;
  if (pointee.GetBasicType() == lldb::eBasicTypeVoid) return true;
  return is_char_like(pointee);
}

bool may_hold_address(lldb::SBType scalar) {
  switch (plain(scalar).GetBasicType()) {
    case lldb::eBasicTypeLong:
    case lldb::eBasicTypeUnsignedLong:
    case lldb::eBasicTypeLongLong:
    case lldb::eBasicTypeUnsignedLongLong:
      return true;
    default:
      return false;
  }
}

void LayoutBuilder::cover(uint32_t offset, uint64_t length) {
  covered_.push_back({offset, static_cast<uint32_t>(length)});
}

void LayoutBuilder::untyped(uint32_t offset, uint64_t length) {
  if (length == 0) return;
  out_.untyped.push_back({offset, static_cast<uint32_t>(length)});
  cover(offset, length);
}

void LayoutBuilder::add_complete_object(lldb::SBType type) {
  type = plain(type);
  if (type.GetTypeClass() != lldb::eTypeClassClass && type.GetTypeClass() != lldb::eTypeClassStruct)
    return add_member(type, 0);
  if (is_special_class(type, 0)) return;
  control_block_ = starts_with(type, "std::_Sp_counted_");
  add_subobject(type, 0);
  for (uint32_t i = 0; i < type.GetNumberOfVirtualBaseClasses(); ++i) {
    lldb::SBTypeMember base = type.GetVirtualBaseClassAtIndex(i);
    add_subobject(plain(base.GetType()), static_cast<uint32_t>(base.GetOffsetInBytes()));
  }
  if (control_block_) mark_managed_pointer_weak(type);
}

void LayoutBuilder::mark_managed_pointer_weak(lldb::SBType type) {
  auto managed = find_member(type, "_M_ptr", [](lldb::SBType& t) { return t.IsPointerType(); });
  if (!managed) return;
  for (PointerSlot& slot : out_.pointers)
    if (slot.offset == managed->offset) slot.weak = true;
}

// Containers and libstdc++'s typed raw storage, wherever they appear.
bool LayoutBuilder::is_special_class(lldb::SBType type, uint32_t offset) {
  if (auto index = registry_.container_index(type)) {
    out_.containers.push_back({offset, *index});
    out_.destructor = true;
    cover(offset, type.GetByteSize());
    return true;
  }
  if (lldb::SBType value = aligned_storage_value(type); value.IsValid()) {
    if (control_block_)  // make_shared's object, inside its control block
      out_.arrays.push_back({offset, registry_.intern(value), 1, true});
    else
      add_member(value, offset);
    cover(offset, type.GetByteSize());
    return true;
  }
  return false;
}

void LayoutBuilder::add_member(lldb::SBType type, uint32_t offset) {
  type = plain(type);
  switch (type.GetTypeClass()) {
    case lldb::eTypeClassPointer:
    case lldb::eTypeClassReference:
      return add_pointer(type, offset);
    case lldb::eTypeClassArray:
      return add_array(type, offset);
    case lldb::eTypeClassClass:
    case lldb::eTypeClassStruct:
      return add_class(type, offset);
    case lldb::eTypeClassUnion:
      return add_union(type, offset);
    case lldb::eTypeClassBuiltin:
      if (may_hold_address(type)) return untyped(offset, type.GetByteSize());
      return cover(offset, type.GetByteSize());
    default:  // enums, member pointers, vectors of floats…: no addresses
      return cover(offset, type.GetByteSize());
  }
}

void LayoutBuilder::add_pointer(lldb::SBType type, uint32_t offset) {
  lldb::SBType pointee = plain(type.GetPointeeType());
  if (pointee.IsValid() && pointee.IsFunctionType()) return cover(offset, kWord);  // code
  if (is_untyped_pointee(pointee)) return untyped(offset, kWord);
  out_.pointers.push_back({offset, registry_.intern(pointee)});
  cover(offset, kWord);
}

void LayoutBuilder::add_array(lldb::SBType type, uint32_t offset) {
  lldb::SBType element = plain(type.GetArrayElementType());
  uint64_t element_size = element.GetByteSize();
  if (element_size == 0) return;
  const char* name = type.GetName();
  bool flexible = name && std::string_view(name).ends_with("[]");
  uint64_t total = flexible ? 0 : type.GetByteSize();
  if (flexible) out_.flexible = true;
  // A char array of a word or more is raw storage (aligned_storage, buffers, placement new).
  if (is_char_like(element)) {
    if (total >= kWord) return untyped(offset, total);
    return cover(offset, total);
  }
  LayoutId element_id = registry_.intern(element);
  const Layout& element_layout = registry_.layout(element_id);
  out_.destructor = out_.destructor || element_layout.destructor;
  if (!flexible && element_layout.all_untyped()) return untyped(offset, total);
  if (element_layout.has_edges() || flexible)
    out_.arrays.push_back({offset, element_id, static_cast<uint32_t>(total / element_size)});
  cover(offset, total);
}

void LayoutBuilder::add_union(lldb::SBType type, uint32_t offset) {
  // A union of scalars explains its bytes; one that can hold a pointer cannot say which member
  // is live.
  for (uint32_t i = 0; i < type.GetNumberOfFields(); ++i) {
    const Layout& member = registry_.layout(registry_.intern(type.GetFieldAtIndex(i).GetType()));
    if (member.has_edges() || !member.complete) return untyped(offset, type.GetByteSize());
  }
  cover(offset, type.GetByteSize());
}

void LayoutBuilder::add_nested(const Layout& nested, uint32_t offset) {
  for (PointerSlot s : nested.pointers)
    out_.pointers.push_back({s.offset + offset, s.pointee, s.weak});
  for (ArraySlot s : nested.arrays)
    out_.arrays.push_back({s.offset + offset, s.element, s.count, s.weak});
  for (ContainerSlot s : nested.containers)
    out_.containers.push_back({s.offset + offset, s.container});
  for (ByteRange r : nested.untyped) out_.untyped.push_back({r.offset + offset, r.length});
  out_.flexible = out_.flexible || nested.flexible;
  out_.destructor = out_.destructor || nested.destructor;
  cover(offset, nested.size);
}

void LayoutBuilder::add_class(lldb::SBType type, uint32_t offset) {
  if (is_special_class(type, offset)) return;
  // A member object is a complete object of an exact type: its compiled layout applies.
  add_nested(registry_.layout(registry_.intern(type)), offset);
}

void LayoutBuilder::add_subobject(lldb::SBType type, uint32_t offset) {
  type = registry_.complete(type);
  if (is_special_class(type, offset)) return;  // e.g. a class deriving from a container
  if (has_vptr(type)) cover(offset, kWord);
  // A virtual destructor is declared somewhere in the hierarchy, so the bases tell; an implicit
  // destructor is trivial unless a member's or a base's is not.
  if (declares_destructor(type)) out_.destructor = true;
  for (uint32_t i = 0; i < type.GetNumberOfDirectBaseClasses(); ++i) {
    lldb::SBTypeMember base = type.GetDirectBaseClassAtIndex(i);
    lldb::SBType base_type = plain(base.GetType());
    if (is_virtual_base(type, base_type)) continue;  // placed once, by the complete object
    add_subobject(base_type, offset + static_cast<uint32_t>(base.GetOffsetInBytes()));
  }
  for (uint32_t i = 0; i < type.GetNumberOfFields(); ++i) {
    lldb::SBTypeMember field = type.GetFieldAtIndex(i);
    uint32_t at = offset + static_cast<uint32_t>(field.GetOffsetInBytes());
    if (field.IsBitfield()) {
      cover(at, (field.GetBitfieldSizeInBits() + 7) / 8 + 1);
      continue;
    }
    add_member(field.GetType(), at);
  }
}

void LayoutBuilder::finish() {
  // Aligned words that no member touches (padding, alignas gaps, tail padding) are unknown.
  merge(covered_);
  uint64_t size = out_.size;
  uint64_t at = 0;
  auto gap = [&](uint64_t begin, uint64_t end) {
    begin = align_up(begin, kWord);
    end &= ~uint64_t{kWord - 1};
    if (end > begin) out_.untyped.push_back({static_cast<uint32_t>(begin),
                                             static_cast<uint32_t>(end - begin)});
  };
  for (const ByteRange& r : covered_) {
    if (r.offset >= size) break;
    if (r.offset > at) gap(at, r.offset);
    at = std::max<uint64_t>(at, r.offset + r.length);
  }
  if (at < size) gap(at, size);
  merge(out_.untyped);
  std::sort(out_.pointers.begin(), out_.pointers.end(),
            [](const PointerSlot& a, const PointerSlot& b) { return a.offset < b.offset; });
}

}  // namespace heapwalk::typeinfo
