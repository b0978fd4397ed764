// A live target's memory, fetched in large blocks and kept: /proc/PID/mem when the process is
// local (~3 GB/s), SBProcess::ReadMemory otherwise (~90 MB/s through lldb-server).
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <unordered_map>

#include <fmt/format.h>
#include <lldb/API/SBError.h>
#include <lldb/API/SBProcess.h>

#include "walker/memory/memory_image.h"

namespace heapwalk::walker {
namespace {

constexpr uint64_t kBlockBits = 20;  // 1 MiB: large enough for bulk speed, small enough to be lazy
constexpr uint64_t kBlockSize = uint64_t{1} << kBlockBits;

// Fetches [addr, addr+len) into dst; all or nothing.
using Fetch = std::function<bool(uint64_t addr, void* dst, size_t len)>;

class BlockCachedImage final : public MemoryImage {
 public:
  BlockCachedImage(std::vector<Region> regions, Fetch fetch, std::string source)
      : fetch_(std::move(fetch)), source_(std::move(source)) {
    regions_ = std::move(regions);
  }

  bool read(uint64_t addr, void* dst, size_t len) const override {
    auto* out = static_cast<uint8_t*>(dst);
    while (len > 0) {
      std::span<const uint8_t> block = block_at(addr);
      if (block.empty()) return false;
      size_t n = std::min(len, block.size());
      std::memcpy(out, block.data(), n);
      out += n;
      addr += n;
      len -= n;
    }
    return true;
  }

  std::span<const uint8_t> view(uint64_t addr, size_t len) const override {
    std::span<const uint8_t> block = block_at(addr);
    if (block.size() < len) return {};
    return block.first(len);
  }

  std::string source() const override { return source_; }

 protected:
  // Blocks are never dropped (a node-based map), so a block is a window.
  bool window_at(uint64_t addr, Window& window) const override {
    if (block_at(addr).empty()) return false;
    window = {last_->start, last_->bytes.size(), last_->bytes.data()};  // the block just read
    return true;
  }

 private:
  struct Block {
    uint64_t start = 0;
    std::vector<uint8_t> bytes;  // empty when the target refused the read
  };

  // The cached bytes from addr to the end of its block (which never crosses a region's end).
  std::span<const uint8_t> block_at(uint64_t addr) const {
    // Walks read neighbouring words: most reads land in the block of the previous one.
    if (last_ && addr >= last_->start && addr - last_->start < last_->bytes.size())
      return std::span<const uint8_t>(last_->bytes).subspan(addr - last_->start);
    const Region* region = region_of(addr);
    if (!region) return {};
    uint64_t start = region->start + ((addr - region->start) & ~(kBlockSize - 1));
    auto it = blocks_.find(start);
    if (it == blocks_.end()) {
      Block block{start, std::vector<uint8_t>(std::min(kBlockSize, region->end - start))};
      auto begin = std::chrono::steady_clock::now();
      if (!fetch_(start, block.bytes.data(), block.bytes.size())) block.bytes.clear();
      fetch_stats_.bytes += block.bytes.size();
      fetch_stats_.seconds +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
      it = blocks_.emplace(start, std::move(block)).first;
    }
    const Block& b = it->second;
    if (addr - b.start >= b.bytes.size()) return {};
    last_ = &b;
    return std::span<const uint8_t>(b.bytes).subspan(addr - b.start);
  }

  Fetch fetch_;
  std::string source_;
  mutable std::unordered_map<uint64_t, Block> blocks_;  // keyed by block start
  mutable const Block* last_ = nullptr;  // node-based map: the pointer stays valid
};

}  // namespace

std::unique_ptr<MemoryImage> open_proc_mem_image(int pid, std::vector<Region> regions) {
  int fd = ::open(fmt::format("/proc/{}/mem", pid).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  auto image = open_proc_mem_image(pid, fd, std::move(regions));
  ::close(fd);
  return image;
}

std::unique_ptr<MemoryImage> open_proc_mem_image(int pid, int given_fd, std::vector<Region> regions) {
  std::string path = fmt::format("/proc/{}/mem", pid);
  int fd = ::fcntl(given_fd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) return nullptr;
  auto shared_fd = std::shared_ptr<int>(new int(fd), [](int* p) { ::close(*p); delete p; });
  Fetch fetch = [shared_fd](uint64_t addr, void* dst, size_t len) {
    auto* out = static_cast<uint8_t*>(dst);
    while (len > 0) {
      ssize_t n = ::pread(*shared_fd, out, len, static_cast<off_t>(addr));
      if (n <= 0) return false;
      out += n;
      addr += n;
      len -= n;
    }
    return true;
  };
  return std::make_unique<BlockCachedImage>(std::move(regions), std::move(fetch), path);
}

std::unique_ptr<MemoryImage> open_lldb_image(const lldb::SBProcess& process,
                                             std::vector<Region> regions) {
  Fetch fetch = [process = lldb::SBProcess(process)](uint64_t addr, void* dst, size_t len) mutable {
    lldb::SBError error;
    size_t n = process.ReadMemory(addr, dst, len, error);
    return error.Success() && n == len;
  };
  return std::make_unique<BlockCachedImage>(std::move(regions), std::move(fetch),
                                            "SBProcess::ReadMemory");
}

}  // namespace heapwalk::walker
