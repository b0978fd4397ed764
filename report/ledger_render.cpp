#include "report/ledger_render.h"

#include <fmt/format.h>

#include "report/report_render.h"
#include "report/size_render.h"

namespace heapwalk::report {

std::string short_size(uint64_t bytes) {
  constexpr const char* kUnits = "bkmgt";
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  if (unit == 0) return fmt::format("{}b", bytes);
  return value < 10 ? fmt::format("{:.1f}{}", value, kUnits[unit])
                    : fmt::format("{:.0f}{}", value, kUnits[unit]);
}

namespace {

bool has_resident(const walker::Ledger& ledger) {
  return ledger.basis != walker::ResidentBasis::kNone;
}

// "topsize:13m =? code:5.1m + stacks:200k + … (13m tot)": the buckets that hold resident bytes.
std::string resident_line(const walker::Ledger& ledger) {
  std::string line;
  if (ledger.basis == walker::ResidentBasis::kLive)
    line = fmt::format("topsize:{} =?", short_size(ledger.rss.value_or(ledger.resident)));
  else
    line = fmt::format("core:{} =? estimate:", short_size(ledger.core_bytes.value_or(0)));
  bool first = true;
  for (const walker::LedgerRow& row : ledger.rows) {
    if (!row.resident) continue;
    line += fmt::format("{} {}:{}", first ? "" : " +", row.key, short_size(row.resident));
    first = false;
  }
  line += fmt::format(" ({} tot{})", short_size(ledger.resident),
                      ledger.basis == walker::ResidentBasis::kCoreEstimate
                          ? ", pages of the core that are not all zero" : "");
  if (ledger.swapped) line += fmt::format(", swapped:{}", short_size(ledger.swapped));
  return line;
}

std::string mapped_line(const walker::Ledger& ledger) {
  std::string line;
  if (!has_resident(ledger)) {
    if (ledger.rss) line = fmt::format("rss:{} =? ", short_size(*ledger.rss));
    else if (ledger.core_bytes) line = fmt::format("core:{} =? ", short_size(*ledger.core_bytes));
  }
  line += fmt::format("mapped:{} =", short_size(ledger.mapped));
  for (size_t i = 0; i < ledger.rows.size(); ++i)
    line += fmt::format("{} {}:{}", i ? " +" : "", ledger.rows[i].key,
                        short_size(ledger.rows[i].bytes));
  return line;
}

// The arrays row by element type: `float[]: 578 arrays, 1,063,025 elements, 4.1 MiB (4.1 MiB
// resident); shared: 1 array of 2,025 elements held by 577 owners (2,229,600 elements as the
// owners count them)`.
std::string array_lines(const walker::Ledger& ledger) {
  if (ledger.arrays.empty()) return {};
  bool live = ledger.basis == walker::ResidentBasis::kLive;
  std::string out = "arrays by element type (elements as their owners hold them, each buffer once):\n";
  for (const walker::ArrayTypeRow& a : ledger.arrays) {
    std::string elements = a.uncounted == a.arrays ? std::string("element count unknown")
                           : fmt::format("{} elements{}", grouped(a.elements),
                                         a.uncounted ? fmt::format(" (+{} arrays of unknown count)",
                                                                   grouped(a.uncounted))
                                                     : "");
    out += fmt::format("  {}: {} array{}, {}, {}", a.kind, grouped(a.arrays), a.arrays == 1 ? "" : "s",
                       elements, readable_bytes(a.bytes));
    if (ledger.basis != walker::ResidentBasis::kNone)
      out += fmt::format(" ({} {})", readable_bytes(a.resident), live ? "resident" : "estimate");
    if (a.shared_arrays)
      out += fmt::format("; shared: {} array{} of {} elements held by {} owners ({} elements as "
                         "the owners count them)",
                         grouped(a.shared_arrays), a.shared_arrays == 1 ? "" : "s",
                         grouped(a.shared_elements), grouped(a.shared_owners),
                         grouped(a.owned_elements));
    out += "\n";
  }
  return out;
}

std::string keep_lines(const walker::Ledger& ledger) {
  const walker::MallocKeep& keep = ledger.keep;
  std::string out;
  bool live = ledger.basis == walker::ResidentBasis::kLive;
  if (has_resident(ledger)) {
    out += fmt::format("malloc keeps {} {} in whole pages of free chunks and top, {} of it returnable by "
                       "malloc_trim(0); {} of its heaps mapped but {}; {} reserved for thread "
                       "arenas (PROT_NONE).\n",
                       short_size(keep.free_resident), live ? "resident" : "(estimate)",
                       short_size(keep.returnable), short_size(keep.untouched),
                       live ? "not resident" : "all zero in the core", short_size(keep.reserved));
    if (keep.arenas.size() > 1)
      for (const walker::ArenaKeep& a : keep.arenas)
        out += fmt::format("  arena 0x{:x}{}: free {}, returnable {}, untouched {}, reserved {}\n",
                           a.arena, a.main ? " (main)" : "", short_size(a.free_resident),
                           short_size(a.returnable), short_size(a.untouched),
                           short_size(a.reserved));
  }
  if (keep.thresholds_known)
    out += fmt::format("mp_: M_TRIM_THRESHOLD {}, M_MMAP_THRESHOLD {}, M_TOP_PAD {}{}, "
                       "arena_max {}.\n",
                       keep.trim_threshold, keep.mmap_threshold, keep.top_pad,
                       keep.dynamic ? " (glibc's dynamic thresholds)" : " (set by the program)",
                       keep.arena_max ? std::to_string(keep.arena_max) : "unlimited (8 x cores)");
  if (!keep.hint.empty()) out += keep.hint + "\n";
  return out;
}

}  // namespace

std::string render_ledger_text(const walker::Ledger& ledger) {
  std::string out;
  bool resident = has_resident(ledger);
  if (resident) out += resident_line(ledger) + "\n";
  out += mapped_line(ledger) + "\n\n";
  if (resident) {
    bool core = ledger.basis == walker::ResidentBasis::kCoreEstimate;
    out += fmt::format("{:>14} {:>5} {:>7} {:>14} {:>5} {:>10}  {}\n", core ? "Estimate" : "Resident",
                       "%", "Size", "Mapped", "%", "Swapped", "Bucket");
    // A core knows no swap: its column says so rather than 0.
    auto swapped = [core](uint64_t bytes) { return core ? std::string("-") : std::to_string(bytes); };
    for (const walker::LedgerRow& row : ledger.rows)
      out += fmt::format("{:>14} {:>5} {:>7} {:>14} {:>5} {:>10}  {}{}\n", row.resident,
                         heapy_percent(row.resident, ledger.resident), short_size(row.resident),
                         row.bytes, heapy_percent(row.bytes, ledger.mapped), swapped(row.swapped),
                         row.label, row.malloc ? " [malloc]" : "");
    out += fmt::format("{:>14} {:>5} {:>7} {:>14} {:>5} {:>10}  TOTAL ({}; mapped: {})\n",
                       ledger.resident, 100, short_size(ledger.resident), ledger.mapped, 100,
                       swapped(ledger.swapped),
                       core ? "estimate: pages of the core that are not all zero"
                            : fmt::format("resident: smaps' Rss{}",
                                          ledger.rss ? fmt::format(", VmRSS {}", *ledger.rss) : ""),
                       ledger.mappings_source);
    if (core)
      out += "A core has no residency: the first column is an estimate (the pages the core holds "
             "that are not all zero; code not dumped is missing).\n";
  } else {
    out += fmt::format("{:>14} {:>5} {:>7}  {}\n", "Bytes", "%", "Size", "Bucket");
    for (const walker::LedgerRow& row : ledger.rows)
      out += fmt::format("{:>14} {:>5} {:>7}  {}{}\n", row.bytes,
                         heapy_percent(row.bytes, ledger.mapped), short_size(row.bytes), row.label,
                         row.malloc ? " [malloc]" : "");
    out += fmt::format("{:>14} {:>5} {:>7}  TOTAL mapped ({})\n", ledger.mapped, 100,
                       short_size(ledger.mapped), ledger.mappings_source);
  }
  out += fmt::format("[malloc] rows' mapped bytes sum to the arenas' system memory ({}) plus "
                     "mmapped chunks ({}).\n",
                     ledger.arena_system_mem, ledger.mmapped_bytes);
  out += array_lines(ledger);
  out += keep_lines(ledger);
  for (const std::string& problem : ledger.problems) out += fmt::format("note: {}\n", problem);
  return out;
}

std::string render_ledger_json(const walker::Ledger& ledger) {
  auto optional = [](const std::optional<uint64_t>& v) { return v ? Json(*v) : Json(nullptr); };
  Json buckets = Json::array();
  for (const walker::LedgerRow& row : ledger.rows)
    buckets.push_back({{"bucket", row.key},
                       {"label", row.label},
                       {"bytes", row.bytes},
                       {"resident", row.resident},
                       {"swapped", row.swapped},
                       {"malloc", row.malloc}});
  const walker::MallocKeep& keep = ledger.keep;
  Json arenas = Json::array();
  for (const walker::ArenaKeep& a : keep.arenas)
    arenas.push_back({{"arena", a.arena},
                      {"main", a.main},
                      {"free_resident", a.free_resident},
                      {"returnable", a.returnable},
                      {"untouched", a.untouched},
                      {"reserved", a.reserved}});
  const char* basis = ledger.basis == walker::ResidentBasis::kLive           ? "live"
                      : ledger.basis == walker::ResidentBasis::kCoreEstimate ? "core_estimate"
                                                                              : "none";
  Json array_rows = Json::array();
  for (const walker::ArrayTypeRow& a : ledger.arrays)
    array_rows.push_back({{"kind", a.kind},
                          {"arrays", a.arrays},
                          {"bytes", a.bytes},
                          {"resident", a.resident},
                          {"elements", a.elements},
                          {"uncounted_arrays", a.uncounted},
                          {"shared_arrays", a.shared_arrays},
                          {"shared_elements", a.shared_elements},
                          {"shared_owners", a.shared_owners},
                          {"owned_elements", a.owned_elements}});
  Json out = {{"resident_basis", basis},
              {"resident", ledger.resident},
              {"swapped", ledger.swapped},
              {"smaps_rss", optional(ledger.smaps_rss)},
              {"mapped", ledger.mapped},
              {"rss", optional(ledger.rss)},
              {"core_bytes", optional(ledger.core_bytes)},
              {"mappings_source", ledger.mappings_source},
              {"malloc",
               {{"arena_system_mem", ledger.arena_system_mem},
                {"mmapped_bytes", ledger.mmapped_bytes},
                {"tcache_bytes", ledger.tcache_bytes}}},
              {"buckets", std::move(buckets)},
              {"arrays", std::move(array_rows)},
              {"malloc_keep",
               {{"free_resident", keep.free_resident},
                {"returnable", keep.returnable},
                {"untouched", keep.untouched},
                {"reserved", keep.reserved},
                {"trim_threshold", keep.thresholds_known ? Json(keep.trim_threshold) : Json(nullptr)},
                {"mmap_threshold", keep.thresholds_known ? Json(keep.mmap_threshold) : Json(nullptr)},
                {"top_pad", keep.thresholds_known ? Json(keep.top_pad) : Json(nullptr)},
                {"arena_max", keep.thresholds_known ? Json(keep.arena_max) : Json(nullptr)},
                {"dynamic_thresholds", keep.dynamic},
                {"arenas", std::move(arenas)},
                {"hint", keep.hint}}},
              {"problems", ledger.problems}};
  return json_text(out);
}

std::string render_ledger_csv(const walker::Ledger& ledger) {
  std::string out = "bucket,label,bytes,percent,resident,resident_percent,swapped\n";
  for (const walker::LedgerRow& row : ledger.rows)
    out += fmt::format("{},{},{},{},{},{},{}\n", csv_field(row.key), csv_field(row.label),
                       row.bytes, heapy_percent(row.bytes, ledger.mapped), row.resident,
                       heapy_percent(row.resident, ledger.resident), row.swapped);
  return out;
}

namespace {
const char* basis_name(walker::ResidentBasis basis) {
  return basis == walker::ResidentBasis::kLive           ? "live"
         : basis == walker::ResidentBasis::kCoreEstimate ? "core_estimate"
                                                          : "none";
}
std::string file_name(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}
}  // namespace

std::string render_module_ledger_text(const walker::ModuleLedger& ledger) {
  bool core = ledger.basis == walker::ResidentBasis::kCoreEstimate;
  std::string out = fmt::format(
      "Code and libraries by module: {} bytes, in {} mapped files. Parts: {}/mapped.\n",
      core ? "estimated (pages of the core that are not all zero)" : "resident", 
      ledger.modules.size(), core ? "estimate" : "resident");
  out += fmt::format("{:>12} {:>5} {:>12}  {:<28} {}\n", core ? "Estimate" : "Resident", "%",
                     "Mapped", "Module", "text rodata relro data bss");
  for (const walker::ModuleRow& row : ledger.modules) {
    std::string parts;
    for (size_t i = 0; i < row.parts.size(); ++i) {
      if (!row.parts[i].mapped) continue;
      parts += fmt::format("{}{}:{}/{}", parts.empty() ? "" : " ", walker::kModulePartNames[i],
                           short_size(row.parts[i].resident), short_size(row.parts[i].mapped));
    }
    out += fmt::format("{:>12} {:>5} {:>12}  {:<28} {}{}\n", row.resident,
                       heapy_percent(row.resident, ledger.resident), row.mapped,
                       file_name(row.path), parts, row.elf ? "" : " (mapped file)");
  }
  out += fmt::format("{:>12} {:>5} {:>12}  TOTAL\n", ledger.resident, 100, ledger.mapped);
  return out;
}

std::string render_module_ledger_json(const walker::ModuleLedger& ledger) {
  Json modules = Json::array();
  for (const walker::ModuleRow& row : ledger.modules) {
    Json parts = Json::object();
    for (size_t i = 0; i < row.parts.size(); ++i)
      parts[walker::kModulePartNames[i]] = {{"resident", row.parts[i].resident},
                                            {"mapped", row.parts[i].mapped}};
    modules.push_back({{"module", file_name(row.path)},
                       {"path", row.path},
                       {"elf", row.elf},
                       {"resident", row.resident},
                       {"mapped", row.mapped},
                       {"parts", std::move(parts)}});
  }
  Json out = {{"resident_basis", basis_name(ledger.basis)},
              {"resident", ledger.resident},
              {"mapped", ledger.mapped},
              {"modules", std::move(modules)}};
  return json_text(out);
}

std::string render_module_ledger_csv(const walker::ModuleLedger& ledger) {
  std::string out = "module,path,part,resident,mapped\n";
  for (const walker::ModuleRow& row : ledger.modules)
    for (size_t i = 0; i < row.parts.size(); ++i)
      if (row.parts[i].mapped)
        out += fmt::format("{},{},{},{},{}\n", csv_field(file_name(row.path)), csv_field(row.path),
                           walker::kModulePartNames[i], row.parts[i].resident, row.parts[i].mapped);
  return out;
}

}  // namespace heapwalk::report
