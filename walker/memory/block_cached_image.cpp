// A live target's memory, fetched in large blocks and kept: /proc/PID/mem when the process is
// local (~3 GB/s), SBProcess::ReadMemory otherwise (~90 MB/s through lldb-server).
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
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
#include "walker/memory/residency.h"

namespace heapwalk::walker {
namespace {

constexpr uint64_t kBlockBits = 20;  // 1 MiB: large enough for bulk speed, small enough to be lazy
constexpr uint64_t kBlockSize = uint64_t{1} << kBlockBits;

// Fetches [addr, addr+len) into dst; all or nothing.
using Fetch = std::function<bool(uint64_t addr, void* dst, size_t len)>;

// /proc/PID/mem read without faulting: a page the residency snapshot shows neither present
// nor swapped is not read through the process (the kernel would fault it in, raising its Rss,
// for file-backed pages even around it) but is zeros (private anonymous memory) or the mapped
// file's bytes at the mapping's offset (no page table entry in a private file mapping means
// the page was never written: its bytes are the file's).
class ProcMemReader {
 public:
  ProcMemReader(int pid, int mem_fd, std::unique_ptr<Residency> residency)
      : pid_(pid), mem_fd_(mem_fd), residency_(std::move(residency)) {}
  ~ProcMemReader() {
    ::close(mem_fd_);
    for (auto& [_, fd] : files_)
      if (fd >= 0) ::close(fd);
  }
  ProcMemReader(const ProcMemReader&) = delete;
  ProcMemReader& operator=(const ProcMemReader&) = delete;

  const Residency* residency() const { return residency_.get(); }
  MemoryImage::Disturbance disturbance() const { return disturbance_; }

  bool fetch(uint64_t addr, void* dst, size_t len) {
    auto* out = static_cast<uint8_t*>(dst);
    if (!residency_) return read_mem(addr, out, len);
    while (len > 0) {
      // One run of pages with the same source.
      const ResidentMapping* m = residency_->mapping_of(addr);
      Source source = source_of(m, addr);
      uint64_t run = std::min<uint64_t>(len, kPageSize - addr % kPageSize);
      while (run < len && source_of(m, addr + run) == source)
        run += std::min<uint64_t>(len - run, kPageSize);
      if (!read_from(source, m, addr, out, run)) return false;
      out += run;
      addr += run;
      len -= run;
    }
    return true;
  }

 private:
  enum class Source { kMem, kSwapped, kZeros, kFile, kShared, kUnknown };

  Source source_of(const ResidentMapping* m, uint64_t addr) const {
    if (!m || addr >= m->end) return Source::kUnknown;  // mapped after the snapshot
    uint8_t bits = m->pages[(addr - m->start) / kPageSize];
    if (bits & Residency::kPresent) return Source::kMem;
    if (bits & Residency::kSwapped) return Source::kSwapped;
    if (m->shared_memory()) return Source::kShared;
    return m->file_backed() ? Source::kFile : Source::kZeros;
  }

  bool read_from(Source source, const ResidentMapping* m, uint64_t addr, uint8_t* out,
                 size_t len) {
    switch (source) {
      case Source::kMem:
        return read_mem(addr, out, len);
      case Source::kZeros:
        std::memset(out, 0, len);
        return true;
      case Source::kFile:
      case Source::kShared:
        if (int fd = file_of(*m); fd >= 0) {
          read_file(fd, m->offset + (addr - m->start), out, len);
          return true;
        }
        if (source == Source::kFile) break;
        disturbance_.shared_faulted += len;  // no file to read it from: the process it is
        return read_mem(addr, out, len);
      case Source::kSwapped:
        disturbance_.swapped_in += len;
        return read_mem(addr, out, len);
      case Source::kUnknown:
        break;
    }
    disturbance_.unknown_faulted += len;
    return read_mem(addr, out, len);
  }

  bool read_mem(uint64_t addr, uint8_t* out, size_t len) const {
    while (len > 0) {
      ssize_t n = ::pread(mem_fd_, out, len, static_cast<off_t>(addr));
      if (n <= 0) return false;
      out += n;
      addr += n;
      len -= n;
    }
    return true;
  }

  // Past the file's end a private mapping reads zeros (up to its last page).
  static void read_file(int fd, uint64_t offset, uint8_t* out, size_t len) {
    while (len > 0) {
      ssize_t n = ::pread(fd, out, len, static_cast<off_t>(offset));
      if (n <= 0) break;
      out += n;
      offset += n;
      len -= n;
    }
    std::memset(out, 0, len);
  }

  // The mapped file, opened once per mapping: by its path if the file there is the one mapped
  // (same device and inode), else through /proc/PID/map_files (the mapped object itself, when
  // the process may open it); -1 when neither.
  int file_of(const ResidentMapping& m) {
    auto it = files_.find(m.start);
    if (it != files_.end()) return it->second;
    int fd = -1;
    if (m.name.starts_with("/") && !m.name.ends_with(" (deleted)")) {
      fd = ::open(m.name.c_str(), O_RDONLY | O_CLOEXEC);
      struct stat st {};
      if (fd >= 0 && (::fstat(fd, &st) != 0 || st.st_ino != m.inode ||
                      major(st.st_dev) != m.dev_major || minor(st.st_dev) != m.dev_minor)) {
        ::close(fd);
        fd = -1;
      }
    }
    if (fd < 0)
      fd = ::open(fmt::format("/proc/{}/map_files/{:x}-{:x}", pid_, m.start, m.end).c_str(),
                  O_RDONLY | O_CLOEXEC);
    files_.emplace(m.start, fd);
    return fd;
  }

  int pid_;
  int mem_fd_;
  std::unique_ptr<Residency> residency_;
  std::unordered_map<uint64_t, int> files_;  // by mapping start
  MemoryImage::Disturbance disturbance_;
};

class BlockCachedImage final : public MemoryImage {
 public:
  BlockCachedImage(std::vector<Region> regions, Fetch fetch, std::string source,
                   std::shared_ptr<ProcMemReader> reader = nullptr)
      : fetch_(std::move(fetch)), source_(std::move(source)), reader_(std::move(reader)) {
    regions_ = std::move(regions);
  }

  const Residency* residency() const override { return reader_ ? reader_->residency() : nullptr; }
  Disturbance disturbance() const override { return reader_ ? reader_->disturbance() : Disturbance{}; }

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
  std::shared_ptr<ProcMemReader> reader_;
  mutable std::unordered_map<uint64_t, Block> blocks_;  // keyed by block start
  mutable const Block* last_ = nullptr;  // node-based map: the pointer stays valid
};

}  // namespace

namespace {

// The image on `mem_fd`, which it owns.
std::unique_ptr<MemoryImage> make_proc_mem_image(int pid, int mem_fd, std::vector<Region> regions) {
  // Before the first read: what is resident now is what the ledger reports.
  auto reader = std::make_shared<ProcMemReader>(pid, mem_fd, Residency::take(pid));
  Fetch fetch = [reader](uint64_t addr, void* dst, size_t len) {
    return reader->fetch(addr, dst, len);
  };
  return std::make_unique<BlockCachedImage>(std::move(regions), std::move(fetch),
                                            fmt::format("/proc/{}/mem", pid), reader);
}

}  // namespace

std::unique_ptr<MemoryImage> open_proc_mem_image(int pid, std::vector<Region> regions) {
  int fd = ::open(fmt::format("/proc/{}/mem", pid).c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return nullptr;
  return make_proc_mem_image(pid, fd, std::move(regions));
}

std::unique_ptr<MemoryImage> open_proc_mem_image(int pid, int given_fd, std::vector<Region> regions) {
  int fd = ::fcntl(given_fd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0) return nullptr;
  return make_proc_mem_image(pid, fd, std::move(regions));
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
