// The registers the stub offers, in lldb-server's order and spelling for x86-64 Linux (its
// "General Purpose Registers" set, LLDB 16), so that LLDB and every root label read the same
// as when attached; fs_base and gs_base in a set of their own (lldb-server 16 has none).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace heapwalk::plugin::no_attach {

struct RegisterDef {
  const char* name;
  int ehframe;          // also the DWARF number; -1: none
  const char* generic;  // "pc", "sp", "fp", "flags", "arg1"…; nullptr: none
  const char* set;
  const char* alias;    // another name the threads file may use (eflags for rflags)
};

constexpr size_t kRegisterCount = 26;
const std::array<RegisterDef, kRegisterCount>& register_defs();

// The register number of `name` (or its alias), nullopt when the stub has none.
std::optional<size_t> register_number(std::string_view name);
constexpr size_t kRip = 16, kRsp = 7;

// The reply to qRegisterInfo<n>: "name:rax;bitsize:64;offset:0;…;", or empty past the last.
std::string register_info(size_t number);

// One thread's values, 64 bits each, in register-number order (the 'g' packet's layout).
using RegisterValues = std::array<uint64_t, kRegisterCount>;

}  // namespace heapwalk::plugin::no_attach
