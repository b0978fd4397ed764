#include "typeinfo/abseil_cord.h"

#include <map>
#include <string_view>

#include <lldb/API/SBTarget.h>
#include <lldb/API/SBTypeEnumMember.h>

#include "typeinfo/member_lookup.h"
#include "typeinfo/type_registry.h"

namespace heapwalk::typeinfo {
namespace {

bool is_pointer(lldb::SBType& t) { return t.IsPointerType(); }

// The program's CordRepKind (declared beside CordRep) numbers the tags as this recognizer does.
bool tags_match(TypeRegistry& registry, lldb::SBType rep) {
  const char* name = rep.GetName();
  if (!name) return false;
  const std::map<std::string_view, int64_t> expected = {
      {"SUBSTRING", cord::kSubstring}, {"CRC", cord::kCrc},   {"BTREE", cord::kBtree},
      {"RING", cord::kRing},           {"EXTERNAL", cord::kExternal}, {"FLAT", cord::kFlat},
      {"MAX_FLAT_TAG", cord::kMaxFlat}};
  lldb::SBTypeList kinds = registry.target().FindTypes((std::string(name) + "Kind").c_str());
  for (uint32_t i = 0; i < kinds.GetSize(); ++i) {
    lldb::SBTypeEnumMemberList members = kinds.GetTypeAtIndex(i).GetEnumMembers();
    size_t matched = 0;
    for (uint32_t m = 0; m < members.GetSize(); ++m) {
      lldb::SBTypeEnumMember e = members.GetTypeEnumMemberAtIndex(m);
      auto it = e.GetName() ? expected.find(e.GetName()) : expected.end();
      if (it == expected.end()) continue;
      if (it->second != e.GetValueAsSigned()) return false;
      ++matched;
    }
    if (matched == expected.size()) return true;
  }
  return false;
}

// CordRep as 20220623 declares it: { size_t length; refcount; uint8_t tag; uint8_t storage[3]; }.
bool is_known_rep(TypeRegistry& registry, lldb::SBType rep) {
  rep = plain(rep);
  auto tag = find_member(rep, "tag"), length = find_member(rep, "length"),
       storage = find_member(rep, "storage");
  return tag && length && storage && rep.GetByteSize() == cord::kRepHeader &&
         length->offset == 0 && tag->offset == cord::kTagOffset &&
         storage->offset == cord::kFlatOverhead && tags_match(registry, rep);
}

}  // namespace

namespace cord {

std::optional<RepShape> rep_shape(uint64_t length, uint8_t tag, const uint8_t storage[3]) {
  // Every rep holds at least one character (an empty cord is inline); no cord is near 2^48.
  if (length == 0 || length >> 48) return std::nullopt;
  if (tag >= kFlat && tag <= kMaxFlat) {
    const uint64_t bytes = flat_allocated_size(tag);
    if (length > bytes - kFlatOverhead) return std::nullopt;
    return RepShape{kFlat, bytes};
  }
  switch (tag) {
    case kSubstring:
      return RepShape{tag, kSubstringSize};
    case kCrc:
      return RepShape{tag, kCrcSize};
    case kExternal:
      return RepShape{tag, kExternalSize};
    case kBtree: {
      const uint8_t height = storage[0], begin = storage[1], end = storage[2];
      if (height > kMaxHeight || begin >= end || end > kMaxEdges) return std::nullopt;
      return RepShape{tag, kBtreeSize};
    }
    default:
      return std::nullopt;  // RING, or not a rep
  }
}

}  // namespace cord

std::optional<Container> recognize_absl_cord(lldb::SBType type, const std::string& readable,
                                             TypeRegistry& registry) {
  if (readable == "absl::cord_internal::CordRep") {
    if (!is_known_rep(registry, type)) return std::nullopt;
    Container c;
    c.kind = ContainerKind::kAbslCordRep;
    c.name = readable;
    c.element = registry.intern(type);
    return c;
  }
  if (readable != "absl::Cord") return std::nullopt;
  auto contents = find_member(type, "contents_");
  if (!contents) return std::nullopt;
  auto data = find_member(contents->type, "data_");
  if (!data || data->type.GetByteSize() != 16) return std::nullopt;
  auto rep = find_member(data->type, "rep", is_pointer);
  if (!rep || rep->offset != 0) return std::nullopt;
  lldb::SBType rep_type = plain(rep->type.GetPointeeType());
  if (!is_known_rep(registry, rep_type)) return std::nullopt;
  Container c;
  c.kind = ContainerKind::kAbslCord;
  c.name = readable;
  c.element = registry.intern(rep_type);
  c.field[0] = contents->offset + data->offset;
  return c;
}

}  // namespace heapwalk::typeinfo
