#include "typeinfo/member_names.h"

#include <algorithm>

#include <fmt/format.h>

#include <lldb/API/SBType.h>

#include "typeinfo/type_registry.h"

namespace heapwalk::typeinfo {

namespace {

bool is_class(lldb::SBType t) {
  auto c = t.GetTypeClass();
  return c == lldb::eTypeClassClass || c == lldb::eTypeClassStruct || c == lldb::eTypeClassUnion;
}

// Types whose insides are not what the program's author wrote.
bool library_type(lldb::SBType type) {
  std::string name = type.GetCanonicalType().GetName() ? type.GetCanonicalType().GetName() : "";
  for (const char* prefix : {"std::", "__gnu_cxx::", "boost::", "absl::", "google::", "Eigen::"})
    if (name.rfind(prefix, 0) == 0) return true;
  return false;
}

// The member path at `offset` inside `type` ("pos.x", "items", "" when nothing names it).
// Stops at library types (std::, boost::, ...): their insides are not what a reader wrote.
std::string member_path(lldb::SBType type, uint64_t offset, int depth = 0) {
  type = type.GetCanonicalType();
  if (!is_class(type) || depth > 8 || library_type(type)) return {};
  for (uint32_t i = 0; i < type.GetNumberOfDirectBaseClasses(); ++i) {
    lldb::SBTypeMember base = type.GetDirectBaseClassAtIndex(i);
    uint64_t at = base.GetOffsetInBytes(), size = base.GetType().GetByteSize();
    if (offset >= at && offset < at + size) {
      std::string inner = member_path(base.GetType(), offset - at, depth + 1);
      if (!inner.empty()) return inner;
    }
  }
  for (uint32_t i = 0; i < type.GetNumberOfFields(); ++i) {
    lldb::SBTypeMember field = type.GetFieldAtIndex(i);
    lldb::SBType ft = field.GetType().GetCanonicalType();
    uint64_t at = field.GetOffsetInBytes(), size = ft.GetByteSize();
    if (offset < at || offset >= at + std::max<uint64_t>(size, 1)) continue;
    std::string name = field.GetName() ? field.GetName() : "";
    std::string inner;
    if (ft.IsArrayType()) {
      lldb::SBType element = ft.GetArrayElementType();
      uint64_t es = std::max<uint64_t>(element.GetByteSize(), 1);
      uint64_t index = (offset - at) / es;
      inner = fmt::format("[{}]", index);
      std::string sub = member_path(element, (offset - at) % es, depth + 1);
      if (!sub.empty()) inner += "." + sub;
      return name + inner;
    }
    inner = member_path(ft, offset - at, depth + 1);
    if (name.empty()) return inner;  // an anonymous union or struct
    return inner.empty() ? name : name + "." + inner;
  }
  return {};
}

KeyForm key_form(lldb::SBType key_type) {
  lldb::SBType t = key_type.GetCanonicalType();
  if (t.GetTypeFlags() & lldb::eTypeIsInteger)
    return t.GetTypeFlags() & lldb::eTypeIsSigned ? KeyForm::kSigned : KeyForm::kUnsigned;
  std::string name = t.GetName() ? t.GetName() : "";
  if (name.rfind("std::__cxx11::basic_string<char", 0) == 0 || name == "std::string")
    return KeyForm::kString;
  return KeyForm::kOther;
}

}  // namespace

uint64_t TypeMemberNames::size(LayoutId layout) { return types_.layout(layout).size; }

std::string TypeMemberNames::member_at(LayoutId layout, uint64_t offset) {
  return member_path(types_.sbtype(layout), offset);
}

std::optional<PairMembers> TypeMemberNames::pair(LayoutId layout) {
  lldb::SBType type = types_.sbtype(layout);
  if (type.GetNumberOfFields() != 2) return std::nullopt;
  lldb::SBTypeMember first = type.GetFieldAtIndex(0), second = type.GetFieldAtIndex(1);
  PairMembers p;
  p.first_offset = first.GetOffsetInBytes();
  p.second_offset = second.GetOffsetInBytes();
  p.key = key_form(first.GetType());
  p.key_size = first.GetType().GetCanonicalType().GetByteSize();
  return p;
}

std::string TypeMemberNames::second_member_at(LayoutId layout, uint64_t offset) {
  return member_path(types_.sbtype(layout).GetFieldAtIndex(1).GetType(), offset);
}

}  // namespace heapwalk::typeinfo
