#include "walker/memory/memory_image.h"

#include <algorithm>

#include <lldb/API/SBMemoryRegionInfo.h>
#include <lldb/API/SBMemoryRegionInfoList.h>
#include <lldb/API/SBProcess.h>

namespace heapwalk::walker {

uint64_t MemoryImage::word_outside_window(uint64_t addr) const {
  uint64_t value = 0;
  // Objects in one heap point into another (thread arenas, the main heap): keep two windows.
  uint64_t offset = addr - previous_window_.start;
  if (offset < previous_window_.size && previous_window_.size - offset >= sizeof value) {
    std::swap(window_, previous_window_);
    std::memcpy(&value, window_.data + offset, sizeof value);
    return value;
  }
  Window window;
  if (window_at(addr, window)) {
    previous_window_ = window_;
    window_ = window;
    uint64_t offset = addr - window.start;
    if (offset < window.size && window.size - offset >= sizeof value) {
      std::memcpy(&value, window.data + offset, sizeof value);
      return value;
    }
  }
  return read(addr, &value, sizeof value) ? value : 0;
}

const Region* MemoryImage::region_of(uint64_t addr) const {
  auto it = std::upper_bound(regions_.begin(), regions_.end(), addr,
                             [](uint64_t a, const Region& r) { return a < r.start; });
  if (it == regions_.begin()) return nullptr;
  --it;
  return it->contains(addr) ? &*it : nullptr;
}

std::vector<Region> lldb_regions(lldb::SBProcess& process) {
  std::vector<Region> regions;
  lldb::SBMemoryRegionInfoList list = process.GetMemoryRegions();
  for (uint32_t i = 0; i < list.GetSize(); ++i) {
    lldb::SBMemoryRegionInfo info;
    if (!list.GetMemoryRegionAtIndex(i, info) || !info.IsMapped() || !info.IsReadable()) continue;
    Region r;
    r.start = info.GetRegionBase();
    r.end = info.GetRegionEnd();
    r.readable = true;
    r.writable = info.IsWritable();
    r.executable = info.IsExecutable();
    if (const char* name = info.GetName()) r.name = name;
    if (r.end > r.start) regions.push_back(std::move(r));
  }
  std::sort(regions.begin(), regions.end(),
            [](const Region& a, const Region& b) { return a.start < b.start; });
  return regions;
}

}  // namespace heapwalk::walker
