// glibc 2.36 malloc chunk constants and helpers shared by the heap walk (x86-64).
#pragma once

#include <cstdint>

namespace heapwalk::walker::glibc {

inline constexpr uint64_t kSizeSz = 8;
inline constexpr uint64_t kChunkHeader = 16;  // prev_size + size
inline constexpr uint64_t kMinSize = 32;
inline constexpr uint64_t kAlignMask = 15;
inline constexpr uint64_t kPrevInUse = 1, kIsMmapped = 2, kNonMainArena = 4;
inline constexpr uint64_t kSizeBits = 7;

inline uint64_t chunk_size(uint64_t size_field) { return size_field & ~kSizeBits; }
inline uint64_t user_of(uint64_t chunk) { return chunk + kChunkHeader; }
inline uint64_t chunk_of(uint64_t user) { return user - kChunkHeader; }

// What malloc_usable_size reports for malloc(bytes): an in-arena chunk, or an mmapped one.
inline uint64_t usable_for_request(uint64_t bytes, bool mmapped) {
  uint64_t chunk = (bytes + kSizeSz + kAlignMask) & ~kAlignMask;
  if (chunk < kMinSize) chunk = kMinSize;
  if (!mmapped) return chunk - kSizeSz;
  constexpr uint64_t kPage = 4096;
  return ((chunk + kSizeSz + kPage - 1) & ~(kPage - 1)) - kChunkHeader;
}

// Safe-linking (glibc >= 2.32): a stored `next` is next ^ (address of the field >> 12).
inline uint64_t reveal(uint64_t field_address, uint64_t stored) {
  return (field_address >> 12) ^ stored;
}

// A fastbin or tcache `next` pointer, decoded when the glibc version safe-links (2.32+).
inline uint64_t next_in_list(uint64_t field_address, uint64_t stored, bool safe_linking) {
  return safe_linking ? reveal(field_address, stored) : stored;
}

}  // namespace heapwalk::walker::glibc
