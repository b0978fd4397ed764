#include "typeinfo/protobuf_oneof.h"

#include <cctype>
#include <functional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <lldb/API/SBTarget.h>
#include <lldb/API/SBTypeEnumMember.h>

#include "typeinfo/member_lookup.h"
#include "typeinfo/type_registry.h"

namespace heapwalk::typeinfo {
namespace {

// "my_field_" and "kMyField" both become "myfield".
std::string folded(std::string_view name) {
  std::string out;
  for (char c : name)
    if (c != '_') out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// "payload_" -> "PayloadCase"; "my_choice_" -> "MyChoiceCase".
std::string case_enum(std::string_view member) {
  std::string out;
  bool upper = true;
  for (char c : member) {
    if (c == '_') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out + "Case";
}

}  // namespace

std::optional<TypeRule> protobuf_oneof_rule(lldb::SBType type, TypeRegistry& registry) {
  type = plain(type);
  const char* raw = type.GetName();
  if (!raw || !type.IsTypeComplete()) return std::nullopt;
  // Direct fields only: a class that merely holds a message is not one.
  // (and those of an anonymous union: generated code wraps _impl_ in one).
  std::function<std::optional<Member>(lldb::SBType, std::string_view)> direct =
      [&](lldb::SBType t, std::string_view name) -> std::optional<Member> {
    for (uint32_t i = 0; i < t.GetNumberOfFields(); ++i) {
      lldb::SBTypeMember f = t.GetFieldAtIndex(i);
      const uint32_t offset = static_cast<uint32_t>(f.GetOffsetInBytes());
      if (f.GetName() && *f.GetName() && name == f.GetName()) return Member{offset, plain(f.GetType())};
      if ((!f.GetName() || !*f.GetName()) && plain(f.GetType()).GetTypeClass() == lldb::eTypeClassUnion &&
          plain(f.GetType()).GetNumberOfFields() == 1)  // the member is then the live one
        if (auto inner = direct(plain(f.GetType()), name)) return Member{offset + inner->offset, inner->type};
    }
    return std::nullopt;
  };
  auto impl = direct(type, "_impl_");
  if (!impl) return std::nullopt;
  lldb::SBType impl_type = plain(impl->type);
  std::optional<Member> cases = direct(impl_type, "_oneof_case_");

  TypeRule rule;
  rule.source = {"protobuf messages (built in)", 0};
  // The anonymous union around _impl_ would be scanned: its one member is always the live one.
  ArrayRule fields;
  fields.pointer = "&_impl_";
  fields.count = "1";
  fields.source = rule.source;
  rule.arrays.push_back(fields);
  uint32_t index = 0;
  for (uint32_t i = 0; cases && cases->type.IsArrayType() && i < impl_type.GetNumberOfFields(); ++i) {
    lldb::SBTypeMember field = impl_type.GetFieldAtIndex(i);
    lldb::SBType union_type = plain(field.GetType());
    if (union_type.GetTypeClass() != lldb::eTypeClassUnion || !field.GetName()) continue;
    const std::string member = field.GetName();
    // The enum of the oneof's field numbers: <Message>::<Oneof>Case.
    lldb::SBType numbers = registry.target().FindFirstType(
        fmt::format("{}::{}", raw, case_enum(member)).c_str());
    const uint32_t at = impl->offset + cases->offset + 4 * index++;
    if (!numbers.IsValid()) continue;  // not what protoc writes: the union is scanned
    UnionRule u;
    u.member = "_impl_." + member;
    u.selector = fmt::format("@{} & 0xffffffff", at);
    lldb::SBTypeEnumMemberList enumerators = numbers.GetEnumMembers();
    for (uint32_t e = 0; e < enumerators.GetSize(); ++e) {
      lldb::SBTypeEnumMember value = enumerators.GetTypeEnumMemberAtIndex(e);
      std::string name = value.GetName() ? value.GetName() : "";
      if (name.size() < 2 || name[0] != 'k') continue;  // PAYLOAD_NOT_SET
      for (uint32_t m = 0; m < union_type.GetNumberOfFields(); ++m) {
        const char* alternative = union_type.GetFieldAtIndex(m).GetName();
        if (alternative && folded(alternative) == folded(name.substr(1)))
          u.cases.push_back({value.GetValueAsSigned(), alternative});
      }
    }
    rule.unions.push_back(std::move(u));
  }
  return rule;
}

}  // namespace heapwalk::typeinfo
