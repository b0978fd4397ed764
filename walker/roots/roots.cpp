// Root resolution is the one place in walker/ that touches SBValue: once per root, to turn a
// name into an address and a type. The walk itself never does.
#include "walker/roots/roots.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>
#include <lldb/API/SBAddress.h>
#include <lldb/API/SBError.h>
#include <lldb/API/SBFileSpec.h>
#include <lldb/API/SBModule.h>
#include <lldb/API/SBSection.h>
#include <lldb/API/SBSymbol.h>
#include <lldb/API/SBValue.h>
#include <lldb/API/SBValueList.h>

#include "walker/memory/symbols.h"
#include "walker/roots/static_variables.h"
#include "typeinfo/member_lookup.h"

namespace heapwalk::walker {
namespace {

// Load-address ranges of the C library's and the loader's sections. (An SBValue of a global
// from separate debug info does not always resolve back to its module, so compare addresses.)
std::vector<std::pair<uint64_t, uint64_t>> system_runtime_ranges(lldb::SBTarget& target) {
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (uint32_t m = 0; m < target.GetNumModules(); ++m) {
    lldb::SBModule module = target.GetModuleAtIndex(m);
    if (!is_system_runtime(module)) continue;
    for (uint32_t s = 0; s < module.GetNumSections(); ++s) {
      lldb::SBSection section = module.GetSectionAtIndex(s);
      uint64_t start = section.GetLoadAddress(target);
      if (start != LLDB_INVALID_ADDRESS) ranges.push_back({start, start + section.GetByteSize()});
    }
  }
  return ranges;
}

// The type's name as the standard library spells it (typedefs and const seen through).
std::string canonical_name(lldb::SBValue& v) {
  const char* name = v.GetType().GetCanonicalType().GetUnqualifiedType().GetName();
  return name ? name : "";
}

bool is_std_map(lldb::SBValue& v) {
  const std::string name = canonical_name(v);
  for (const char* map : {"std::map<", "std::multimap<", "std::unordered_map<",
                          "std::unordered_multimap<"})
    if (name.starts_with(map)) return true;
  return false;
}

// `map[KEY]`: the mapped value of the entry whose key is KEY, a string ("V1", or V1 once a
// command line has dropped the quotes) or an integer, found among the map's entries as LLDB's
// libstdc++ formatters list them (each a pair in its node, in memory). C++'s meaning, not
// LLDB's (which reads [N] as the Nth entry).
lldb::SBValue mapped_value(lldb::SBValue& map, const std::string& key, const std::string& expr) {
  constexpr uint32_t kMaxEntries = 1u << 16;  // an SBValue each: a few thousand a second
  const uint32_t entries = map.GetNumChildren(kMaxEntries + 1);
  if (entries > kMaxEntries)
    throw std::runtime_error(fmt::format(
        "'{}': the map has more than {} entries, too many to search by key; select the "
        "entry by its address (--addr) where the command takes one",
        expr, kMaxEntries));
  const bool quoted = key.size() >= 2 && key.front() == '"' && key.back() == '"';
  std::string text = quoted ? key.substr(1, key.size() - 2) : key;
  for (uint32_t i = 0; i < entries; ++i) {
    lldb::SBValue entry = map.GetChildAtIndex(i);
    lldb::SBValue first = entry.GetChildMemberWithName("first");
    // A std::string key shows as its summary, quoted ("V1"); an integer or an enumerator as
    // its value. The key may come unquoted: lldb's and the CLI's argument parsing drop quotes
    // unless the whole expression is in single quotes.
    const char* summary = first.GetSummary();
    std::string shown = summary ? summary : "";
    if (shown.size() >= 2 && shown.front() == '"' && shown.back() == '"')
      shown = shown.substr(1, shown.size() - 2);
    const char* value = first.GetValue();
    const bool match = (summary && shown == text) || (!quoted && value && text == value);
    if (match) return entry.GetChildMemberWithName("second");
  }
  throw std::runtime_error(fmt::format("'{}': no entry with key {} in the map", expr, key));
}

bool is_smart_pointer(lldb::SBValue& v) {
  const std::string name = canonical_name(v);
  return name.starts_with("std::unique_ptr<") || name.starts_with("std::shared_ptr<");
}

// Follows `rest` (`->sheets["V1"]->projections[1]->weights`, `.field`, `[2]`) from `v`, one
// member or subscript at a time: LLDB's expression paths, except that a subscript of a
// std::map or std::unordered_map is a key, and `->` goes through a std::unique_ptr or
// std::shared_ptr as C++ does (through the pointer LLDB's formatters show).
lldb::SBValue follow(lldb::SBValue v, std::string rest, const std::string& expr) {
  while (!rest.empty() && v.IsValid()) {
    if (rest.front() != '[') {
      const size_t skip = rest.starts_with("->") ? 2 : 1;
      const size_t end = std::min(rest.find_first_of("-.[", skip), rest.size());
      if (skip == 2 && is_smart_pointer(v)) {
        lldb::SBValue pointer = v.GetChildMemberWithName("pointer");
        if (pointer.IsValid()) v = pointer;
      }
      v = v.GetValueForExpressionPath(rest.substr(0, end).c_str());
      rest = rest.substr(end);
      continue;
    }
    // The closing bracket, past a quoted key's own brackets and escapes.
    size_t close = 1;
    for (bool in_quotes = false; close < rest.size(); ++close) {
      if (in_quotes && rest[close] == '\\') ++close;
      else if (rest[close] == '"') in_quotes = !in_quotes;
      else if (!in_quotes && rest[close] == ']') break;
    }
    if (close >= rest.size())
      throw std::runtime_error(fmt::format("'{}': a '[' without its ']'", expr));
    if (is_std_map(v)) {
      v = mapped_value(v, rest.substr(1, close - 1), expr);
    } else {
      v = v.GetValueForExpressionPath(rest.substr(0, close + 1).c_str());
    }
    rest = rest.substr(close + 1);
  }
  return v;
}

// The path is followed with dynamic types (so `model->derived_member` works through a Base*),
// but the root is the static value at its end: a dynamic pointer value's "address" is its
// pointee's, and its type the pointee's dynamic type.
lldb::SBValue lookup(lldb::SBTarget& target, lldb::SBFrame& frame, const std::string& expr) {
  // `*path`: what the path points to (as C reads it, *sim->grid is *(sim->grid)).
  if (expr.starts_with("*")) {
    lldb::SBValue pointer = lookup(target, frame, expr.substr(1));
    return pointer.IsValid() ? pointer.Dereference().GetStaticValue() : pointer;
  }
  // A variable the frame sees, else a global, then the rest of the path from it: `sim->sheets`,
  // `sim.field`, `arr[2]`, `sim->sheets["V1"]`.
  size_t end = expr.find_first_of("-.[");
  std::string name = expr.substr(0, end);
  std::string rest = end == std::string::npos ? "" : expr.substr(end);
  if (frame.IsValid()) {
    // Also the globals the frame's compile unit sees, preferred to a same-named one elsewhere.
    lldb::SBValue seen = frame.GetValueForVariablePath(name.c_str());
    if (seen.IsValid() && seen.GetError().Success())
      return follow(seen, rest, expr).GetStaticValue();
  }
  lldb::SBValue global = target.FindFirstGlobalVariable(name.c_str());
  if (!global.IsValid()) return global;
  return follow(global, rest, expr).GetStaticValue();
}

}  // namespace

Root resolve_root(lldb::SBTarget& target, lldb::SBFrame frame, const std::string& expr) {
  lldb::SBValue value = lookup(target, frame, expr);
  if (!value.IsValid() || value.GetError().Fail())
    throw std::runtime_error(fmt::format(
        "no variable '{}' in the selected frame or among the globals (is there debug info?)", expr));
  uint64_t address = value.GetLoadAddress();
  if (address == LLDB_INVALID_ADDRESS)
    throw std::runtime_error(
        fmt::format("'{}' is not in memory (a register or a temporary): name a variable", expr));
  return make_root(target, expr, address, value.GetType());
}

Root make_root(lldb::SBTarget& target, std::string label, uint64_t address, lldb::SBType type) {
  Root root{std::move(label), address, typeinfo::complete_type(target, type)};
  lldb::SBType t = typeinfo::plain(root.type);
  bool is_class = t.GetTypeClass() == lldb::eTypeClassClass || t.GetTypeClass() == lldb::eTypeClassStruct;
  if (is_class && !t.IsTypeComplete()) {
    lldb::SBSymbol symbol = target.ResolveLoadAddress(address).GetSymbol();
    uint64_t start = symbol.GetStartAddress().GetLoadAddress(target);
    uint64_t end = symbol.GetEndAddress().GetLoadAddress(target);
    if (symbol.IsValid() && start == address && end != LLDB_INVALID_ADDRESS && end > start)
      root.opaque_bytes = end - start;
  }
  return root;
}

std::vector<Root> global_roots(lldb::SBTarget& target) {
  std::vector<Root> roots;
  auto excluded = system_runtime_ranges(target);
  auto is_excluded = [&](uint64_t address) {
    for (auto [start, end] : excluded)
      if (address >= start && address < end) return true;
    return false;
  };
  lldb::SBValueList globals = target.FindGlobalVariables(".", UINT32_MAX, lldb::eMatchTypeRegex);
  for (uint32_t i = 0; i < globals.GetSize(); ++i) {
    lldb::SBValue v = globals.GetValueAtIndex(i).GetStaticValue();
    uint64_t address = v.GetLoadAddress();
    if (address == LLDB_INVALID_ADDRESS) continue;  // thread-local (see tls_roots) or optimized out
    if (is_excluded(address)) continue;
    std::string_view name = v.GetName() ? v.GetName() : "<global>";
    if (name.starts_with("::")) name.remove_prefix(2);
    roots.push_back(make_root(target, std::string(name), address, v.GetType()));
  }
  return roots;
}

std::vector<Root> static_roots(lldb::SBTarget& target, const MemoryImage& memory,
                               const std::string& glibc_version) {
  std::vector<Root> roots = global_roots(target);
  for (Root& r : function_statics(target)) roots.push_back(std::move(r));
  for (Root& r : thread_locals(target, memory, glibc_version)) roots.push_back(std::move(r));
  return roots;
}

}  // namespace heapwalk::walker
