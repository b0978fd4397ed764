// The memory of an ELF core file: its PT_LOAD segments, mapped from the file without copying.
#include <elf.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "walker/memory/memory_image.h"

namespace heapwalk::walker {
namespace {

struct Segment {
  uint64_t start, end;
  const uint8_t* data;
};

class CoreImage final : public MemoryImage {
 public:
  explicit CoreImage(const std::string& path) : path_(path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error(fmt::format("cannot open core {}: {}", path, strerror(errno)));
    struct stat st {};
    ::fstat(fd, &st);
    size_ = static_cast<size_t>(st.st_size);
    void* base = size_ ? ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0) : MAP_FAILED;
    ::close(fd);
    if (base == MAP_FAILED) throw std::runtime_error(fmt::format("cannot map core {}", path));
    base_ = static_cast<const uint8_t*>(base);
    parse();
  }
  ~CoreImage() override { ::munmap(const_cast<uint8_t*>(base_), size_); }

  bool read(uint64_t addr, void* dst, size_t len) const override {
    auto* out = static_cast<uint8_t*>(dst);
    if (len == 8) {  // a word: the walk's commonest read, copied inline
      const Segment* s = segment_of(addr);
      if (s && s->end - addr >= 8) {
        std::memcpy(out, s->data + (addr - s->start), 8);
        return true;
      }
    }
    while (len > 0) {
      const Segment* s = segment_of(addr);
      if (!s) return false;
      size_t n = std::min<uint64_t>(len, s->end - addr);
      std::memcpy(out, s->data + (addr - s->start), n);
      out += n;
      addr += n;
      len -= n;
    }
    return true;
  }

  std::span<const uint8_t> view(uint64_t addr, size_t len) const override {
    const Segment* s = segment_of(addr);
    if (!s || len > s->end - addr) return {};
    return {s->data + (addr - s->start), len};
  }

  std::string source() const override { return fmt::format("core file {}", path_); }

 protected:
  bool window_at(uint64_t addr, Window& window) const override {
    const Segment* s = segment_of(addr);
    if (!s) return false;
    window = {s->start, s->end - s->start, s->data};
    return true;
  }
  std::string core_path() const override { return path_; }

 private:
  void parse() {
    if (size_ < sizeof(Elf64_Ehdr)) throw std::runtime_error(fmt::format("{} is not an ELF core", path_));
    Elf64_Ehdr eh;
    std::memcpy(&eh, base_, sizeof eh);
    if (std::memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
        eh.e_type != ET_CORE)
      throw std::runtime_error(fmt::format("{} is not a 64-bit ELF core file", path_));
    if (eh.e_phoff > size_ || uint64_t{eh.e_phnum} * sizeof(Elf64_Phdr) > size_ - eh.e_phoff)
      throw std::runtime_error(fmt::format("core {} is truncated (program headers)", path_));
    bool truncated = false, notes_cut = false;
    uint64_t expected_size = 0, cut_segments = 0, missing_bytes = 0, first_missing = 0;
    for (unsigned i = 0; i < eh.e_phnum; ++i) {
      Elf64_Phdr ph;
      std::memcpy(&ph, base_ + eh.e_phoff + i * sizeof ph, sizeof ph);
      if (ph.p_type == PT_NOTE && ph.p_filesz) {
        expected_size = std::max<uint64_t>(expected_size, ph.p_offset + ph.p_filesz);
        if (ph.p_offset > size_ || ph.p_filesz > size_ - ph.p_offset) notes_cut = truncated = true;
      }
      // Segments gcore left out (unmodified file-backed code) have no bytes in the file.
      if (ph.p_type != PT_LOAD || ph.p_filesz == 0) continue;
      if (ph.p_offset + ph.p_filesz < ph.p_offset || ph.p_vaddr + ph.p_filesz < ph.p_vaddr)
        continue;  // no segment wraps around: a damaged header
      expected_size = std::max<uint64_t>(expected_size, ph.p_offset + ph.p_filesz);
      uint64_t filesz = ph.p_filesz;
      if (ph.p_offset + filesz > size_) {
        uint64_t kept = ph.p_offset >= size_ ? 0 : size_ - ph.p_offset;
        if (cut_segments == 0 || ph.p_vaddr + kept < first_missing)
          first_missing = ph.p_vaddr + kept;
        truncated = true;
        cut_segments += 1;
        missing_bytes += filesz - kept;
        if (kept == 0) continue;
        filesz = kept;
      }
      segments_.push_back({ph.p_vaddr, ph.p_vaddr + filesz, base_ + ph.p_offset});
      Region r;
      r.start = ph.p_vaddr;
      r.end = ph.p_vaddr + filesz;
      r.readable = true;
      r.writable = ph.p_flags & PF_W;
      r.executable = ph.p_flags & PF_X;
      regions_.push_back(r);
    }
    // Sorted, and disjoint even in a damaged core: a segment overlapping the one before it
    // keeps only what lies past it (the first segment's bytes win), so that every byte a region
    // says is readable is, and is read from one place.
    std::vector<std::pair<Segment, Region>> both;
    for (size_t i = 0; i < segments_.size(); ++i) both.emplace_back(segments_[i], regions_[i]);
    std::stable_sort(both.begin(), both.end(),
                     [](const auto& a, const auto& b) { return a.first.start < b.first.start; });
    segments_.clear();
    regions_.clear();
    bool overlapping = false;
    for (auto& [segment, region] : both) {
      if (!segments_.empty() && segment.start < segments_.back().end) {
        overlapping = true;
        uint64_t past = segments_.back().end;
        if (segment.end <= past) continue;
        segment.data += past - segment.start;
        segment.start = region.start = past;
      }
      segments_.push_back(segment);
      regions_.push_back(region);
    }
    if (overlapping)
      problems_.push_back(fmt::format("core {} has overlapping memory segments: each byte read "
                                      "from the first segment holding it", path_));
    if (truncated) {
      std::string missing;
      if (notes_cut) missing = "its notes (threads, registers, mapped files)";
      if (cut_segments)
        missing += fmt::format("{}{} bytes of memory in {} segment{} from 0x{:x}",
                               missing.empty() ? "" : " and ", missing_bytes, cut_segments,
                               cut_segments == 1 ? "" : "s", first_missing);
      problems_.push_back(fmt::format("core {} is truncated ({} of {} bytes): {} missing", path_,
                                      size_, expected_size, missing));
    }
  }

  const Segment* segment_of(uint64_t addr) const {
    const Segment* hint = last_;
    if (hint && addr >= hint->start && addr < hint->end) return hint;
    auto it = std::upper_bound(segments_.begin(), segments_.end(), addr,
                               [](uint64_t a, const Segment& s) { return a < s.start; });
    if (it == segments_.begin()) return nullptr;
    --it;
    if (addr >= it->end) return nullptr;
    last_ = &*it;
    return last_;
  }

  std::string path_;
  const uint8_t* base_ = nullptr;
  size_t size_ = 0;
  std::vector<Segment> segments_;
  mutable const Segment* last_ = nullptr;  // most reads stay in one segment
};

}  // namespace

std::unique_ptr<MemoryImage> open_core_image(const std::string& core_path) {
  return std::make_unique<CoreImage>(core_path);
}

}  // namespace heapwalk::walker
