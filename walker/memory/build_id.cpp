#include "walker/memory/build_id.h"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include <fmt/format.h>

#include "walker/memory/core_file.h"
#include "walker/memory/elf_notes.h"
#include "walker/memory/memory_image.h"

namespace heapwalk::walker {
namespace {

std::string hex(const uint8_t* bytes, size_t n) {
  std::string out;
  for (size_t i = 0; i < n; ++i) out += fmt::format("{:02x}", bytes[i]);
  return out;
}

std::string build_id_in_notes(const uint8_t* data, size_t size) {
  std::string id;
  for_each_note(data, size, [&](uint32_t type, std::string_view name, const uint8_t* desc, size_t n) {
    if (type == NT_GNU_BUILD_ID && name == "GNU") id = hex(desc, n);
  });
  return id;
}

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string basename_of(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::string file_build_id(const std::string& elf_path) {
  std::vector<uint8_t> file = read_file(elf_path);
  if (file.size() < sizeof(Elf64_Ehdr)) return {};
  Elf64_Ehdr eh;
  std::memcpy(&eh, file.data(), sizeof eh);
  if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0) return {};
  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    if (eh.e_phoff + (i + 1) * sizeof ph > file.size()) return {};
    std::memcpy(&ph, file.data() + eh.e_phoff + i * sizeof ph, sizeof ph);
    if (ph.p_type != PT_NOTE || ph.p_offset + ph.p_filesz > file.size()) continue;
    std::string id = build_id_in_notes(file.data() + ph.p_offset, ph.p_filesz);
    if (!id.empty()) return id;
  }
  return {};
}

std::string build_id_mismatch(const std::string& executable, const std::string& core_path) {
  std::string expected = file_build_id(executable);
  if (expected.empty()) return {};
  // Which file the core's program was, whatever its name: the NT_FILE mapping that holds the
  // entry point (AT_ENTRY); its first mapping is the ELF header. Without an auxv note, the
  // mapping of a file with the executable's name.
  CoreFile core = read_core_file(core_path);
  std::string program;
  for (const CoreFileMapping& file : core.files)
    if (core.entry && core.entry >= file.start && core.entry < file.end) program = file.path;
  if (program.empty())
    for (const CoreFileMapping& file : core.files)
      if (basename_of(file.path) == basename_of(executable)) program = file.path;
  uint64_t load_address = 0;
  for (const CoreFileMapping& file : core.files)
    if (file.path == program && file.file_offset == 0 && (!load_address || file.start < load_address))
      load_address = file.start;
  if (!load_address) return {};
  // The core keeps the first page of each ELF mapping (coredump_filter's "ELF headers").
  std::unique_ptr<MemoryImage> image;
  try {
    image = open_core_image(core_path);
  } catch (const std::exception&) {
    return {};
  }
  uint8_t page[4096];
  if (!image->read(load_address, page, sizeof page)) return {};
  Elf64_Ehdr mapped;
  std::memcpy(&mapped, page, sizeof mapped);
  if (std::memcmp(mapped.e_ident, ELFMAG, SELFMAG) != 0) return {};
  for (unsigned i = 0; i < mapped.e_phnum; ++i) {
    Elf64_Phdr ph;
    if (mapped.e_phoff + (i + 1) * sizeof ph > sizeof page) break;
    std::memcpy(&ph, page + mapped.e_phoff + i * sizeof ph, sizeof ph);
    if (ph.p_type != PT_NOTE || ph.p_offset + ph.p_filesz > sizeof page) continue;
    std::string actual = build_id_in_notes(page + ph.p_offset, ph.p_filesz);
    if (actual.empty() || actual == expected) continue;
    if (basename_of(program) != basename_of(executable))
      return fmt::format("core {} is of {} (build-id {}), not of {} (build-id {})", core_path,
                         program, actual, executable, expected);
    return fmt::format("core {} was made from a different build of {} (build-id {} here, {} in the core)",
                       core_path, executable, expected, actual);
  }
  return {};
}

}  // namespace heapwalk::walker
