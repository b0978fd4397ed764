// What an ELF core file says about the process beyond its memory: every mapping (PT_LOAD,
// including those gcore left out) and which file backs each (the NT_FILE note).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace heapwalk::walker {

struct CoreSegment {
  uint64_t start = 0, end = 0;  // the whole mapping (p_memsz)
  uint64_t bytes_in_core = 0;   // p_filesz
  bool writable = false;
};

struct CoreFileMapping {
  uint64_t start = 0, end = 0, file_offset = 0;
  std::string path;
};

struct CoreFile {
  std::vector<CoreSegment> segments;
  std::vector<CoreFileMapping> files;
  uint64_t entry = 0;  // the program's entry point (AT_ENTRY of NT_AUXV); 0 when not given
};

// Reads only the headers and notes. Empty lists when the file is not a readable core.
CoreFile read_core_file(const std::string& path);

}  // namespace heapwalk::walker
