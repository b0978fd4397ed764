// Finding the system runtime's modules and data symbols in a target.
#pragma once

#include <cstdint>
#include <string_view>

#include <lldb/API/SBModule.h>
#include <lldb/API/SBTarget.h>

namespace heapwalk::walker {

// libc.so.6 among the target's modules; an invalid module when it has none.
lldb::SBModule find_libc(lldb::SBTarget& target);

// The C library or the dynamic loader: their globals are malloc's and the loader's bookkeeping.
bool is_system_runtime(std::string_view module_file_name);
bool is_system_runtime(lldb::SBModule module);

// The load address of the first data symbol called `name` that has one; LLDB_INVALID_ADDRESS
// otherwise. Preferred over SBValue::GetLoadAddress: when a second target shares the module
// (ld.so), LLDB 16 may give the variable no load address, while its symbol still has one.
uint64_t data_symbol_address(lldb::SBTarget& target, const char* name);

}  // namespace heapwalk::walker
