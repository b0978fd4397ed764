// Large arrays read and written in random order (per-node arrays of 20 M nodes) miss the TLB
// on nearly every access with 4 KiB pages; reserve_huge asks the kernel to back them with
// 2 MiB pages (transparent huge pages, "madvise" mode) before anything touches them.
#pragma once

#include <sys/mman.h>

#include <cstdint>
#include <vector>

namespace heapwalk::walker {

// Replaces `v` by an empty vector with room for `count` elements, their pages advised huge.
// Only a hint: nothing changes if the kernel declines (or the array is small).
template <typename T>
void reserve_huge(std::vector<T>& v, size_t count) {
  constexpr uintptr_t kHuge = uintptr_t{2} << 20;
  v = std::vector<T>();
  v.reserve(count);
  const uintptr_t begin = reinterpret_cast<uintptr_t>(v.data());
  const uintptr_t end = begin + count * sizeof(T);
  const uintptr_t from = (begin + kHuge - 1) & ~(kHuge - 1), to = end & ~(kHuge - 1);
  if (to > from) madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE);
}

}  // namespace heapwalk::walker
