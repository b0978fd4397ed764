// A read-only view of every readable byte of the target, whatever the target is.
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace lldb {
class SBProcess;
}

namespace heapwalk::walker {

class Residency;

struct Region {
  uint64_t start = 0;
  uint64_t end = 0;  // one past the last byte
  bool readable = false;
  bool writable = false;
  bool executable = false;
  std::string name;  // mapped file, "[stack]", … ; empty in cores

  uint64_t size() const { return end - start; }
  bool contains(uint64_t addr) const { return addr >= start && addr < end; }
};

class MemoryImage {
 public:
  virtual ~MemoryImage() = default;

  // Copies [addr, addr+len) into dst; false (dst unspecified) if any byte is unreadable.
  virtual bool read(uint64_t addr, void* dst, size_t len) const = 0;

  // A view of [addr, addr+len) valid for the image's lifetime when the image holds the range
  // contiguously; an empty span otherwise (then use read()).
  virtual std::span<const uint8_t> view(uint64_t addr, size_t len) const = 0;

  // Readable regions, sorted by address, not overlapping.
  const std::vector<Region>& regions() const { return regions_; }
  const Region* region_of(uint64_t addr) const;

  // How the bytes are fetched ("core file", "/proc/PID/mem", "SBProcess::ReadMemory").
  virtual std::string source() const = 0;
  // The core file the image maps; empty for a live process.
  virtual std::string core_path() const { return {}; }

  // Bytes copied from a live target so far and the time it took (zero for a mapped core).
  struct FetchStats {
    uint64_t bytes = 0;
    double seconds = 0;
  };
  FetchStats fetch_stats() const { return fetch_stats_; }

  // A live local process's residency, taken when the image opened, before any read
  // (walker/memory/residency.h); nullptr for cores and targets read through LLDB.
  virtual const Residency* residency() const { return nullptr; }
  // What reading the target may have changed in it: bytes of pages read through /proc/PID/mem
  // that were not resident when the image opened (swapped pages, which the read swaps back in;
  // shared memory no page table showed and no file could give). Zero for cores.
  struct Disturbance {
    uint64_t swapped_in = 0, shared_faulted = 0, unknown_faulted = 0;
    uint64_t total() const { return swapped_in + shared_faulted + unknown_faulted; }
  };
  virtual Disturbance disturbance() const { return {}; }

  // What is wrong with the image but did not stop it opening (a truncated core).
  const std::vector<std::string>& problems() const { return problems_; }

  template <class T>
  std::optional<T> load(uint64_t addr) const {
    T value;
    if (!read(addr, &value, sizeof value)) return std::nullopt;
    return value;
  }
  // A 64-bit word, or 0 when unreadable: the walker treats both as "no pointer". The walk's
  // hottest call: inside the window of the previous word, it is a bounds check and a copy.
  uint64_t word(uint64_t addr) const {
    uint64_t offset = addr - window_.start, value = 0;
    if (offset < window_.size && window_.size - offset >= sizeof value) {
      std::memcpy(&value, window_.data + offset, sizeof value);
      return value;
    }
    return word_outside_window(addr);
  }

 private:
  uint64_t word_outside_window(uint64_t addr) const;

 protected:
  // A span of bytes the image keeps unchanged for its whole life.
  struct Window {
    uint64_t start = 0, size = 0;
    const uint8_t* data = nullptr;
  };
  // The largest such span holding addr; false when the image has none there.
  virtual bool window_at(uint64_t /*addr*/, Window& /*window*/) const { return false; }

  std::vector<Region> regions_;
  mutable FetchStats fetch_stats_;
  mutable Window window_, previous_window_;
  std::vector<std::string> problems_;
};

// A gcore/ELF core file: PT_LOAD segments mapped from the file, zero copy.
// Throws std::runtime_error with a one-line reason when the file is not a usable core.
std::unique_ptr<MemoryImage> open_core_image(const std::string& core_path);

// A stopped local process: /proc/PID/mem read in large cached blocks. Regions come from LLDB.
// Returns nullptr when /proc/PID/mem cannot be opened (permissions, remote target).
// Reading does not change what it reads: the process's residency (smaps, pagemap) is taken
// first, and pages that were neither resident nor swapped are not read through /proc/PID/mem
// (which would fault them in) but given as zeros (anonymous memory) or read from the mapped
// file at the mapping's offset (the file checked by device and inode). Swapped pages are read
// through /proc/PID/mem, which swaps them in: disturbance() counts them.
std::unique_ptr<MemoryImage> open_proc_mem_image(int pid, std::vector<Region> regions);
// The same through `fd`, an open /proc/PID/mem (read through a duplicate: the caller keeps
// `fd`); nullptr when it cannot be duplicated. Residency is still taken by pid
// (/proc/PID/smaps and pagemap), so reading does not fault pages in either.
std::unique_ptr<MemoryImage> open_proc_mem_image(int pid, int fd, std::vector<Region> regions);

// The fallback for anything else: SBProcess::ReadMemory, in large cached blocks.
std::unique_ptr<MemoryImage> open_lldb_image(const lldb::SBProcess& process,
                                             std::vector<Region> regions);

// Readable regions as LLDB reports them.
std::vector<Region> lldb_regions(lldb::SBProcess& process);

}  // namespace heapwalk::walker
