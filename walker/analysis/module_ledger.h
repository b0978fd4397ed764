// heap summary --by module: resident and mapped bytes of each executable, shared library and
// mapped file, by part (text, rodata, relro, data, bss): what "code and libraries" is made of.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "walker/analysis/ledger.h"
#include "walker/memory/mappings.h"
#include "walker/session.h"

namespace heapwalk::walker {

enum ModulePart : uint8_t { kText, kRodata, kRelro, kData, kBss, kModulePartCount };
inline constexpr std::array<const char*, kModulePartCount> kModulePartNames = {
    "text", "rodata", "relro", "data", "bss"};

struct ModuleRow {
  std::string path;  // the mapped file
  bool elf = false;  // an executable or shared object (else a mapped data file)
  struct Bytes {
    uint64_t resident = 0, mapped = 0;
  };
  std::array<Bytes, kModulePartCount> parts;
  uint64_t resident = 0, mapped = 0;
};

struct ModuleLedger {
  ResidentBasis basis = ResidentBasis::kNone;
  std::vector<ModuleRow> modules;  // most resident first
  uint64_t resident = 0, mapped = 0;
};

// From the image's residency (live), or the core's pages that are not all zero (an estimate).
ModuleLedger module_ledger(Session& session, const ProcessMappings& mappings);

}  // namespace heapwalk::walker
