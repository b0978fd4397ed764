#include "walker/memory/core_file.h"

#include <elf.h>

#include <algorithm>
#include <cstring>
#include <fstream>

#include "walker/memory/elf_notes.h"

namespace heapwalk::walker {
namespace {

constexpr uint32_t kNtFile = 0x46494c45;  // "FILE"

// The bytes [offset, offset + size) of the file; empty unless the file holds them all, or with
// `partial`, as many of them as it has (a truncated core's notes). Never a buffer larger than
// the file, whatever a header says.
std::vector<uint8_t> read_range(const std::string& path, uint64_t offset, uint64_t size,
                                bool partial = false) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) return {};
  uint64_t file_size = static_cast<uint64_t>(std::max<std::streamoff>(in.tellg(), 0));
  if (offset >= file_size) return {};
  if (size > file_size - offset) {
    if (!partial) return {};
    size = file_size - offset;
  }
  std::vector<uint8_t> bytes(size);
  in.seekg(static_cast<std::streamoff>(offset));
  if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size))) return {};
  return bytes;
}

void parse_nt_file(const uint8_t* desc, size_t n, std::vector<CoreFileMapping>& out) {
  if (n < 16) return;
  uint64_t count;
  std::memcpy(&count, desc, 8);
  if (count > n / 24 || 16 + count * 24 > n) return;
  const char* names = reinterpret_cast<const char*>(desc + 16 + count * 24);
  const char* names_end = reinterpret_cast<const char*>(desc + n);
  for (uint64_t k = 0; k < count && names < names_end; ++k) {
    uint64_t entry[3];
    std::memcpy(entry, desc + 16 + k * 24, sizeof entry);
    std::string name(names, strnlen(names, names_end - names));
    names += name.size() + 1;
    out.push_back({entry[0], entry[1], entry[2], std::move(name)});
  }
}

}  // namespace

CoreFile read_core_file(const std::string& path) {
  CoreFile core;
  std::vector<uint8_t> header = read_range(path, 0, sizeof(Elf64_Ehdr));
  if (header.empty()) return core;
  Elf64_Ehdr eh;
  std::memcpy(&eh, header.data(), sizeof eh);
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_type != ET_CORE) return core;
  std::vector<uint8_t> phdrs =
      read_range(path, eh.e_phoff, uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr));
  // A truncated table: only the headers the file holds.
  const size_t phnum = std::min<size_t>(eh.e_phnum, phdrs.size() / sizeof(Elf64_Phdr));
  for (size_t i = 0; i < phnum; ++i) {
    Elf64_Phdr ph;
    std::memcpy(&ph, phdrs.data() + i * sizeof ph, sizeof ph);
    if (ph.p_type == PT_LOAD) {
      core.segments.push_back(
          {ph.p_vaddr, ph.p_vaddr + ph.p_memsz, ph.p_filesz, (ph.p_flags & PF_W) != 0});
    } else if (ph.p_type == PT_NOTE) {
      std::vector<uint8_t> notes = read_range(path, ph.p_offset, ph.p_filesz, /*partial=*/true);
      for_each_note(notes.data(), notes.size(),
                    [&](uint32_t type, std::string_view, const uint8_t* desc, size_t n) {
                      if (type == kNtFile) parse_nt_file(desc, n, core.files);
                      if (type == NT_AUXV)
                        for (size_t at = 0; at + 16 <= n; at += 16) {
                          uint64_t pair[2];
                          std::memcpy(pair, desc + at, sizeof pair);
                          if (pair[0] == AT_ENTRY) core.entry = pair[1];
                        }
                    });
    }
  }
  return core;
}

}  // namespace heapwalk::walker
