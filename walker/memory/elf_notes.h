// Iterating the notes of an ELF note segment.
#pragma once

#include <elf.h>

#include <cstdint>
#include <cstring>
#include <string_view>

namespace heapwalk::walker {

// Calls fn(type, name, desc, desc_size) for each note in [data, data + size).
template <class Fn>
void for_each_note(const uint8_t* data, size_t size, Fn&& fn) {
  size_t at = 0;
  while (at + sizeof(Elf64_Nhdr) <= size) {
    Elf64_Nhdr nh;
    std::memcpy(&nh, data + at, sizeof nh);
    // In size_t: a 32-bit n_namesz near 2^32 must not wrap to a small padded size.
    size_t name_at = at + sizeof nh, desc_at = name_at + ((size_t{nh.n_namesz} + 3) & ~size_t{3});
    size_t next = desc_at + ((size_t{nh.n_descsz} + 3) & ~size_t{3});
    if (next > size || desc_at > size) return;
    std::string_view name(reinterpret_cast<const char*>(data + name_at),
                          nh.n_namesz ? nh.n_namesz - 1 : 0);
    fn(nh.n_type, name, data + desc_at, static_cast<size_t>(nh.n_descsz));
    at = next;
  }
}

}  // namespace heapwalk::walker
