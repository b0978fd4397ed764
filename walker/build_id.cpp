#include "walker/build_id.h"

#include <elf.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <iterator>
#include <vector>

#include <fmt/format.h>

#include "walker/memory_image.h"

namespace heapwalk::walker {
namespace {

constexpr uint32_t kNtFile = 0x46494c45;  // "FILE": the core's list of mapped files

// Calls fn(type, name, desc) for each note in [data, data+size).
void for_each_note(const uint8_t* data, size_t size,
                   const std::function<void(uint32_t, std::string_view, const uint8_t*, size_t)>& fn) {
  size_t at = 0;
  while (at + sizeof(Elf64_Nhdr) <= size) {
    Elf64_Nhdr nh;
    std::memcpy(&nh, data + at, sizeof nh);
    size_t name_at = at + sizeof nh, desc_at = name_at + ((nh.n_namesz + 3) & ~3u);
    size_t next = desc_at + ((nh.n_descsz + 3) & ~3u);
    if (next > size || desc_at > size) return;
    std::string_view name(reinterpret_cast<const char*>(data + name_at),
                          nh.n_namesz ? nh.n_namesz - 1 : 0);
    fn(nh.n_type, name, data + desc_at, nh.n_descsz);
    at = next;
  }
}

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

std::vector<uint8_t> read_range(const std::string& path, uint64_t offset, uint64_t size) {
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes(size);
  in.seekg(static_cast<std::streamoff>(offset));
  if (!in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(size))) return {};
  return bytes;
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
  // Only the headers and notes of the core are read: it may be many GB.
  std::vector<uint8_t> header = read_range(core_path, 0, sizeof(Elf64_Ehdr));
  if (header.empty()) return {};
  Elf64_Ehdr eh;
  std::memcpy(&eh, header.data(), sizeof eh);
  std::vector<uint8_t> phdrs = read_range(core_path, eh.e_phoff, uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr));
  if (phdrs.empty()) return {};
  // Where the executable was mapped, from the core's NT_FILE note.
  uint64_t load_address = 0;
  for (unsigned i = 0; i < eh.e_phnum && !load_address; ++i) {
    Elf64_Phdr ph;
    std::memcpy(&ph, phdrs.data() + i * sizeof ph, sizeof ph);
    if (ph.p_type != PT_NOTE) continue;
    std::vector<uint8_t> notes = read_range(core_path, ph.p_offset, ph.p_filesz);
    for_each_note(notes.data(), notes.size(),
                  [&](uint32_t type, std::string_view, const uint8_t* desc, size_t n) {
      if (type != kNtFile || n < 16) return;
      uint64_t count;
      std::memcpy(&count, desc, 8);
      if (16 + count * 24 > n) return;
      const char* names = reinterpret_cast<const char*>(desc + 16 + count * 24);
      const char* names_end = reinterpret_cast<const char*>(desc + n);
      for (uint64_t k = 0; k < count && names < names_end; ++k) {
        uint64_t entry[3];
        std::memcpy(entry, desc + 16 + k * 24, sizeof entry);
        std::string name(names, strnlen(names, names_end - names));
        names += name.size() + 1;
        if (entry[2] == 0 && basename_of(name) == basename_of(executable) && !load_address)
          load_address = entry[0];
      }
    });
  }
  if (!load_address) return {};
  // The core keeps the first page of each ELF mapping (coredump_filter's "ELF headers").
  auto image = open_core_image(core_path);
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
    if (!actual.empty() && actual != expected)
      return fmt::format("core {} was made from a different build of {} (build-id {} here, {} in the core)",
                         core_path, executable, expected, actual);
  }
  return {};
}

}  // namespace heapwalk::walker
