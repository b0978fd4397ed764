// A MemoryImage made by a test: regions of bytes at chosen addresses.
#pragma once

#include <algorithm>
#include <cstring>
#include <map>
#include <vector>

#include "walker/memory/memory_image.h"

namespace heapwalk::test {

class SyntheticImage final : public walker::MemoryImage {
 public:
  // A zeroed, writable region [start, start + size).
  void add_region(uint64_t start, uint64_t size) {
    bytes_[start] = std::vector<uint8_t>(size);
    walker::Region r;
    r.start = start;
    r.end = start + size;
    r.readable = r.writable = true;
    regions_.push_back(r);
    std::sort(regions_.begin(), regions_.end(),
              [](const auto& a, const auto& b) { return a.start < b.start; });
  }
  template <class T>
  void put(uint64_t addr, const T& value) {
    auto [base, bytes] = find(addr);
    std::memcpy(bytes->data() + (addr - base), &value, sizeof value);
  }

  bool read(uint64_t addr, void* dst, size_t len) const override {
    auto span = view(addr, len);
    if (span.empty()) return false;
    std::memcpy(dst, span.data(), len);
    return true;
  }
  std::span<const uint8_t> view(uint64_t addr, size_t len) const override {
    auto it = bytes_.upper_bound(addr);
    if (it == bytes_.begin()) return {};
    --it;
    uint64_t offset = addr - it->first, size = it->second.size();
    if (offset > size || len > size - offset) return {};  // no overflow near 2^64
    return {it->second.data() + (addr - it->first), len};
  }
  std::string source() const override { return "synthetic"; }

 private:
  std::pair<uint64_t, std::vector<uint8_t>*> find(uint64_t addr) {
    auto it = --bytes_.upper_bound(addr);
    return {it->first, &it->second};
  }
  std::map<uint64_t, std::vector<uint8_t>> bytes_;
};

}  // namespace heapwalk::test
