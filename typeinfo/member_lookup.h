// Finding members of libstdc++ types by name, through nested members and base classes, so that
// container offsets come from DWARF rather than from assumptions.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>

#include <lldb/API/SBTarget.h>
#include <lldb/API/SBType.h>

namespace heapwalk::typeinfo {

struct Member {
  uint32_t offset = 0;  // from the start of the searched type
  lldb::SBType type;    // canonical, unqualified
};

// Breadth-first over fields, nested fields and bases; the first member called `name` for which
// `accept` (if given) holds.
std::optional<Member> find_member(lldb::SBType type, std::string_view name,
                                  const std::function<bool(lldb::SBType&)>& accept = {});

// Canonical, unqualified: typedefs and cv-qualifiers removed.
lldb::SBType plain(lldb::SBType type);

// The type with LLDB's lazy parsing forced: its definition found (when `type` is a declaration)
// and its members, bases and pointee parsed, so that compiling it sees every member the first
// time it is asked, not only after other commands have parsed them.
lldb::SBType complete_type(lldb::SBTarget& target, lldb::SBType type);

// alignof(type), derived from members because SBType in LLDB 16 does not report it.
uint32_t align_of(lldb::SBType type);

inline uint64_t align_up(uint64_t value, uint64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

}  // namespace heapwalk::typeinfo
