#include "typeinfo/member_lookup.h"

#include <algorithm>
#include <deque>

namespace heapwalk::typeinfo {

lldb::SBType plain(lldb::SBType type) { return type.GetCanonicalType().GetUnqualifiedType(); }

std::optional<Member> find_member(lldb::SBType type, std::string_view name,
                                  const std::function<bool(lldb::SBType&)>& accept) {
  std::deque<Member> queue{{0, plain(type)}};
  // libstdc++ types nest a few levels deep; the bound keeps a pathological type cheap.
  for (int visited = 0; !queue.empty() && visited < 256; ++visited) {
    Member current = queue.front();
    queue.pop_front();
    lldb::SBType t = current.type;
    for (uint32_t i = 0; i < t.GetNumberOfFields(); ++i) {
      lldb::SBTypeMember field = t.GetFieldAtIndex(i);
      lldb::SBType field_type = plain(field.GetType());
      uint32_t offset = current.offset + static_cast<uint32_t>(field.GetOffsetInBytes());
      const char* field_name = field.GetName();
      if (field_name && name == field_name && (!accept || accept(field_type)))
        return Member{offset, field_type};
      if (field_type.IsAggregateType() && !field_type.IsArrayType())
        queue.push_back({offset, field_type});
    }
    for (uint32_t i = 0; i < t.GetNumberOfDirectBaseClasses(); ++i) {
      lldb::SBTypeMember base = t.GetDirectBaseClassAtIndex(i);
      queue.push_back(
          {current.offset + static_cast<uint32_t>(base.GetOffsetInBytes()), plain(base.GetType())});
    }
  }
  return std::nullopt;
}

lldb::SBType complete_type(lldb::SBTarget& target, lldb::SBType type) {
  lldb::SBType t = plain(type);
  for (int depth = 0; depth < 4 && t.IsValid(); ++depth) {
    if (!t.IsTypeComplete() && t.GetName()) {
      lldb::SBTypeList list = target.FindTypes(t.GetName());
      for (uint32_t i = 0; i < list.GetSize(); ++i)
        if (plain(list.GetTypeAtIndex(i)).IsTypeComplete()) {
          if (depth == 0) type = list.GetTypeAtIndex(i);
          break;
        }
    }
    t.GetByteSize();
    t.GetNumberOfFields();
    t.GetNumberOfDirectBaseClasses();
    t.GetNumberOfTemplateArguments();
    if (t.IsPointerType() || t.IsReferenceType()) t = plain(t.GetPointeeType());
    else if (t.IsArrayType()) t = plain(t.GetArrayElementType());
    else break;
  }
  return type;
}

namespace {

// The largest power of two dividing `n` (n > 0), capped at a page.
uint32_t alignment_dividing(uint64_t n) {
  uint64_t a = n & (~n + 1);
  return static_cast<uint32_t>(std::min<uint64_t>(a, 4096));
}

}  // namespace

uint32_t align_of(lldb::SBType type) {
  type = plain(type);
  switch (type.GetTypeClass()) {
    case lldb::eTypeClassPointer:
    case lldb::eTypeClassReference:
    case lldb::eTypeClassMemberPointer:
    case lldb::eTypeClassBlockPointer:
    case lldb::eTypeClassObjCObjectPointer:
      return 8;
    case lldb::eTypeClassArray:
      return align_of(type.GetArrayElementType());
    case lldb::eTypeClassClass:
    case lldb::eTypeClassStruct:
    case lldb::eTypeClassUnion: {
      // The members' alignments, then what alignas leaves in the layout: a member placed past
      // where its own alignment would put it, or a size padded past the members' alignment.
      uint32_t alignment = type.IsPolymorphicClass() ? 8 : 1;
      uint64_t natural_end = type.IsPolymorphicClass() ? 8 : 0;
      for (uint32_t i = 0; i < type.GetNumberOfDirectBaseClasses(); ++i) {
        lldb::SBTypeMember base = type.GetDirectBaseClassAtIndex(i);
        alignment = std::max(alignment, align_of(base.GetType()));
        natural_end = std::max(natural_end, base.GetOffsetInBytes() + base.GetType().GetByteSize());
      }
      for (uint32_t i = 0; i < type.GetNumberOfFields(); ++i) {
        lldb::SBTypeMember field = type.GetFieldAtIndex(i);
        uint32_t field_alignment = align_of(field.GetType());
        uint64_t offset = field.GetOffsetInBytes();
        if (!field.IsBitfield() && type.GetTypeClass() != lldb::eTypeClassUnion && offset &&
            offset > align_up(natural_end, field_alignment))
          field_alignment = std::max(field_alignment, alignment_dividing(offset));
        alignment = std::max(alignment, field_alignment);
        if (!field.IsBitfield())
          natural_end = std::max(natural_end, offset + field.GetType().GetByteSize());
      }
      uint64_t size = type.GetByteSize();
      if (size && size > align_up(natural_end, alignment))
        alignment = std::max(alignment, alignment_dividing(size));
      return alignment;
    }
    default: {
      uint64_t size = type.GetByteSize();
      if (size == 0) return 1;
      return static_cast<uint32_t>(std::min<uint64_t>(size, 16));
    }
  }
}

}  // namespace heapwalk::typeinfo
