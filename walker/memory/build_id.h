// LLDB loads a core against a rebuilt executable silently; build-ids tell them apart.
#pragma once

#include <string>

namespace heapwalk::walker {

// The GNU build-id of an ELF file as hex, or empty when it has none.
std::string file_build_id(const std::string& elf_path);

// A one-line warning when the core's copy of the executable's ELF header carries a different
// build-id than `executable`; empty when they match or the core cannot tell.
std::string build_id_mismatch(const std::string& executable, const std::string& core_path);

}  // namespace heapwalk::walker
