#include "walker/analysis/module_ledger.h"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>

#include "walker/memory/residency.h"

namespace heapwalk::walker {
namespace {

struct Piece {
  uint64_t start = 0, end = 0;
  bool writable = false, executable = false, file = false;
  std::string path;
  uint64_t resident = 0;
};

bool is_elf(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && std::memcmp(magic, "\x7f" "ELF", 4) == 0;
}

uint64_t nonzero_pages(const MemoryImage& memory, uint64_t start, uint64_t end) {
  static const uint8_t zeros[kPageSize] = {};
  std::vector<uint8_t> buffer(kPageSize);
  uint64_t bytes = 0;
  for (uint64_t p = start & ~(kPageSize - 1); p < end; p += kPageSize) {
    std::span<const uint8_t> view = memory.view(p, kPageSize);
    const uint8_t* data = view.data();
    if (view.empty()) {
      if (!memory.read(p, buffer.data(), kPageSize)) continue;
      data = buffer.data();
    }
    if (std::memcmp(data, zeros, kPageSize) != 0) bytes += kPageSize;
  }
  return bytes;
}

}  // namespace

ModuleLedger module_ledger(Session& session, const ProcessMappings& mappings) {
  ModuleLedger out;
  const MemoryImage& memory = session.memory();
  std::vector<Piece> pieces;
  if (const Residency* residency = memory.residency()) {
    out.basis = ResidentBasis::kLive;
    for (const ResidentMapping& m : residency->mappings()) {
      Piece p{m.start, m.end, m.writable, m.executable, m.file_backed(), m.name, 0};
      for (uint8_t bits : m.pages)
        if (bits & Residency::kResident) p.resident += kPageSize;
      pieces.push_back(std::move(p));
    }
  } else {
    bool core = !memory.core_path().empty();
    out.basis = core ? ResidentBasis::kCoreEstimate : ResidentBasis::kNone;
    for (const Mapping& m : mappings.mappings) {
      const Region* r = memory.region_of(m.start);
      Piece p{m.start, m.end, m.writable, r && r->executable, m.file_backed, m.name, 0};
      if (core) p.resident = nonzero_pages(memory, m.start, m.end);
      pieces.push_back(std::move(p));
    }
  }
  std::sort(pieces.begin(), pieces.end(),
            [](const Piece& a, const Piece& b) { return a.start < b.start; });

  std::map<std::string, ModuleRow> rows;
  std::map<std::string, bool> elf;
  for (size_t i = 0; i < pieces.size(); ++i) {
    const Piece& p = pieces[i];
    if (!p.file || !p.path.starts_with("/")) continue;
    auto [it, fresh] = elf.try_emplace(p.path, false);
    if (fresh) it->second = is_elf(p.path);
    ModuleRow& row = rows[p.path];
    row.path = p.path;
    row.elf = it->second;
    // relro: the read-only piece right before the module's writable data (the loader made it
    // read-only after relocating); rodata: the other read-only pieces (headers included).
    bool next_is_data = i + 1 < pieces.size() && pieces[i + 1].start == p.end &&
                        pieces[i + 1].path == p.path && pieces[i + 1].writable;
    ModulePart part = p.executable ? kText
                      : p.writable ? kData
                      : next_is_data && row.elf ? kRelro : kRodata;
    row.parts[part].mapped += p.end - p.start;
    row.parts[part].resident += p.resident;
    // bss: the anonymous writable mapping that follows the module's last piece.
    if (row.elf && i + 1 < pieces.size()) {
      const Piece& next = pieces[i + 1];
      if (!next.file && next.writable && next.start == p.end && next.path.empty()) {
        row.parts[kBss].mapped += next.end - next.start;
        row.parts[kBss].resident += next.resident;
      }
    }
  }
  for (auto& [_, row] : rows) {
    for (const ModuleRow::Bytes& b : row.parts) {
      row.resident += b.resident;
      row.mapped += b.mapped;
    }
    out.resident += row.resident;
    out.mapped += row.mapped;
    out.modules.push_back(std::move(row));
  }
  std::stable_sort(out.modules.begin(), out.modules.end(), [](const ModuleRow& a, const ModuleRow& b) {
    return a.resident != b.resident ? a.resident > b.resident : a.mapped > b.mapped;
  });
  return out;
}

}  // namespace heapwalk::walker
