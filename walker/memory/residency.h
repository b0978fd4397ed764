// Which pages of a live local process are resident, swapped, or neither: /proc/PID/smaps (Rss
// and Swap per mapping, and what backs each mapping) and /proc/PID/pagemap (present bit 63,
// swapped bit 62, file/shared-anon bit 61, exclusively-mapped bit 56; no PFNs needed). Taken
// before anything reads the target's memory: reading faults pages in (docs/ledger.md).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace heapwalk::walker {

constexpr uint64_t kPageSize = 4096;

struct ResidentMapping {
  uint64_t start = 0, end = 0;
  bool readable = false, writable = false, executable = false, shared = false;
  uint64_t offset = 0;           // into the mapped file
  uint32_t dev_major = 0, dev_minor = 0;
  uint64_t inode = 0;            // 0: anonymous
  std::string name;              // path, "[heap]", "[stack]", "" …
  uint64_t rss = 0, swap = 0;    // smaps' Rss and Swap, bytes
  // Per page: the Page bits below.
  std::vector<uint8_t> pages;
  // Present pages pagemap shows that smaps does not count in Rss (the shared zero page a read
  // of untouched anonymous memory maps, vvar's special pages).
  uint64_t present_not_counted = 0;

  uint64_t size() const { return end - start; }
  bool file_backed() const { return inode != 0; }
  // Shared memory whose pages no page table may show (shmem, SysV, memfd, MAP_SHARED|ANON).
  bool shared_memory() const;
};

class Residency {
 public:
  enum Page : uint8_t {
    kResident = 1,  // counted in Rss
    kSwapped = 2,   // a swap (or migration) entry
    kPresent = 4,   // pagemap's present bit (kResident, or present and not counted)
  };

  // nullptr when /proc/PID/smaps or pagemap cannot be read (permissions, not local).
  static std::unique_ptr<Residency> take(int pid);

  int pid() const { return pid_; }
  const std::vector<ResidentMapping>& mappings() const { return mappings_; }
  const ResidentMapping* mapping_of(uint64_t addr) const;
  // The page's bits (0 outside every mapping).
  uint8_t page(uint64_t addr) const;

  uint64_t rss() const { return rss_; }      // sum of smaps' Rss
  uint64_t counted() const { return counted_; }  // pages marked kResident (= rss() but for problems())
  uint64_t swap() const { return swap_; }    // sum of smaps' Swap
  std::optional<uint64_t> vm_rss() const { return vm_rss_; }  // /proc/PID/status VmRSS
  // Where pagemap and smaps disagree on a mapping (its Rss is then taken from pagemap's pages
  // with the rule closest to smaps'): one line each.
  const std::vector<std::string>& problems() const { return problems_; }

  // smaps_rollup's Rss: the test that reading changes nothing.
  static std::optional<uint64_t> rollup_rss(int pid);

 private:
  int pid_ = 0;
  std::vector<ResidentMapping> mappings_;
  uint64_t rss_ = 0, swap_ = 0, counted_ = 0;
  std::optional<uint64_t> vm_rss_;
  std::vector<std::string> problems_;
};

}  // namespace heapwalk::walker
