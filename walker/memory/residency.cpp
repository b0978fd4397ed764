#include "walker/memory/residency.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

namespace heapwalk::walker {
namespace {

constexpr uint64_t kPmPresent = uint64_t{1} << 63;
constexpr uint64_t kPmSwap = uint64_t{1} << 62;
constexpr uint64_t kPmFile = uint64_t{1} << 61;  // file page or shared anonymous
constexpr uint64_t kPmExclusive = uint64_t{1} << 56;
constexpr uint64_t kUserTop = uint64_t{1} << 47;  // [vsyscall] lies above: pagemap has nothing

// "123 kB" -> bytes.
uint64_t kb_field(const std::string& rest) { return std::strtoull(rest.c_str(), nullptr, 10) * 1024; }

bool parse_header(const std::string& line, ResidentMapping& m) {
  std::istringstream in(line);
  std::string range, perms, offset, device;
  uint64_t inode = 0;
  if (!(in >> range >> perms >> offset >> device >> inode)) return false;
  size_t dash = range.find('-'), colon = device.find(':');
  if (dash == std::string::npos || colon == std::string::npos || perms.size() < 4) return false;
  m.start = std::stoull(range.substr(0, dash), nullptr, 16);
  m.end = std::stoull(range.substr(dash + 1), nullptr, 16);
  m.readable = perms[0] == 'r';
  m.writable = perms[1] == 'w';
  m.executable = perms[2] == 'x';
  m.shared = perms[3] == 's';
  m.offset = std::stoull(offset, nullptr, 16);
  m.dev_major = static_cast<uint32_t>(std::stoul(device.substr(0, colon), nullptr, 16));
  m.dev_minor = static_cast<uint32_t>(std::stoul(device.substr(colon + 1), nullptr, 16));
  m.inode = inode;
  std::getline(in >> std::ws, m.name);
  return m.end > m.start;
}

}  // namespace

bool ResidentMapping::shared_memory() const {
  if (shared) return true;  // MAP_SHARED: pages live in the file's (or shmem's) page cache
  return name.starts_with("/dev/zero") || name.starts_with("/SYSV") ||
         name.starts_with("/memfd:");
}

std::unique_ptr<Residency> Residency::take(int pid) {
  std::ifstream smaps(fmt::format("/proc/{}/smaps", pid));
  int pagemap = ::open(fmt::format("/proc/{}/pagemap", pid).c_str(), O_RDONLY | O_CLOEXEC);
  if (!smaps || pagemap < 0) {
    if (pagemap >= 0) ::close(pagemap);
    return nullptr;
  }
  auto out = std::make_unique<Residency>();
  out->pid_ = pid;
  for (std::string line; std::getline(smaps, line);) {
    size_t space = line.find_first_of(" \t");
    std::string first = line.substr(0, space);
    if (first.find(':') == std::string::npos) {
      ResidentMapping m;
      if (parse_header(line, m)) out->mappings_.push_back(std::move(m));
      continue;
    }
    if (out->mappings_.empty() || space == std::string::npos) continue;
    if (first == "Rss:") out->mappings_.back().rss = kb_field(line.substr(space));
    else if (first == "Swap:") out->mappings_.back().swap = kb_field(line.substr(space));
  }

  std::vector<uint64_t> entries;
  for (ResidentMapping& m : out->mappings_) {
    uint64_t n = m.size() / kPageSize;
    m.pages.assign(n, 0);
    out->rss_ += m.rss;
    out->swap_ += m.swap;
    if (m.start >= kUserTop) continue;
    uint64_t present = 0, unshared = 0;  // present pages; of them, not the zero page's kind
    uint64_t swapped = 0;                // pages with pagemap's swapped bit
    constexpr uint64_t kBatch = 16384;
    for (uint64_t first = 0; first < n; first += kBatch) {
      uint64_t count = std::min(kBatch, n - first);
      entries.assign(count, 0);
      off_t at = static_cast<off_t>((m.start / kPageSize + first) * sizeof(uint64_t));
      ssize_t got = ::pread(pagemap, entries.data(), count * sizeof(uint64_t), at);
      if (got < 0) got = 0;
      for (uint64_t i = 0; i < static_cast<uint64_t>(got) / sizeof(uint64_t); ++i) {
        uint64_t e = entries[i];
        uint8_t bits = 0;
        if (e & kPmPresent) {
          bits |= kPresent;
          ++present;
          if ((e & (kPmFile | kPmExclusive)) || m.file_backed() || m.shared) ++unshared;
          else bits |= 0x80;  // a zero-page candidate, settled below
        } else if (e & kPmSwap) {
          bits |= kSwapped;
          ++swapped;
        }
        m.pages[first + i] = bits;
      }
    }
    // smaps counts what vm_normal_page() finds: the shared zero page (mapped by reads of
    // untouched anonymous memory) and special mappings (vvar) are present but not counted.
    // pagemap cannot tell the zero page from an anonymous page shared after fork or by KSM
    // without PFNs; smaps' Rss decides which reading holds. pagemap's swapped bit also marks
    // migration entries (a page the kernel is moving, e.g. compaction), which smaps counts in
    // Rss, not in Swap: swapped pages beyond smaps' Swap are such pages, and resident.
    uint64_t rss_pages = m.rss / kPageSize, swap_pages = m.swap / kPageSize;
    uint64_t migrating = swapped > swap_pages ? swapped - swap_pages : 0;
    bool candidates_counted = present + migrating == rss_pages;
    uint64_t expected = (candidates_counted ? present : unshared) + migrating;
    if (expected != rss_pages)
      out->problems_.push_back(fmt::format(
          "mapping 0x{:x}-0x{:x} {}: pagemap shows {} present pages ({} not the zero page's "
          "kind) and {} swapped ({} by smaps) but smaps counts {} resident: taken as {}",
          m.start, m.end, m.name, present, present - unshared, swapped, swap_pages, rss_pages,
          expected));
    uint64_t counted = 0;
    for (uint8_t& bits : m.pages) {
      bool candidate = bits & 0x80;
      bits &= 0x7f;
      if ((bits & kPresent) && (!candidate || candidates_counted)) {
        bits |= kResident;
        ++counted;
      } else if ((bits & kSwapped) && migrating > 0) {
        bits = kResident | kPresent;  // read through /proc/PID/mem: it waits for the move
        --migrating;
        ++counted;
      }
    }
    m.present_not_counted = present > counted ? (present - counted) * kPageSize : 0;
    out->counted_ += counted * kPageSize;
  }
  ::close(pagemap);

  std::ifstream status(fmt::format("/proc/{}/status", pid));
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) out->vm_rss_ = kb_field(line.substr(6));
  return out;
}

const ResidentMapping* Residency::mapping_of(uint64_t addr) const {
  auto it = std::upper_bound(mappings_.begin(), mappings_.end(), addr,
                             [](uint64_t a, const ResidentMapping& m) { return a < m.start; });
  if (it == mappings_.begin()) return nullptr;
  --it;
  return addr < it->end ? &*it : nullptr;
}

uint8_t Residency::page(uint64_t addr) const {
  const ResidentMapping* m = mapping_of(addr);
  if (!m) return 0;
  uint64_t i = (addr - m->start) / kPageSize;
  return i < m->pages.size() ? m->pages[i] : 0;
}

std::optional<uint64_t> Residency::rollup_rss(int pid) {
  std::ifstream rollup(fmt::format("/proc/{}/smaps_rollup", pid));
  for (std::string line; std::getline(rollup, line);)
    if (line.rfind("Rss:", 0) == 0) return kb_field(line.substr(4));
  return std::nullopt;
}

}  // namespace heapwalk::walker
