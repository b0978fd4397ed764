#include "report/ledger_render.h"

#include <fmt/format.h>

#include "report/report_render.h"

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

std::string render_ledger_text(const walker::Ledger& ledger) {
  std::string line;
  if (ledger.rss) line = fmt::format("rss:{} =? ", short_size(*ledger.rss));
  else if (ledger.core_bytes) line = fmt::format("core:{} =? ", short_size(*ledger.core_bytes));
  line += fmt::format("mapped:{} =", short_size(ledger.mapped));
  for (size_t i = 0; i < ledger.rows.size(); ++i)
    line += fmt::format("{} {}:{}", i ? " +" : "", ledger.rows[i].key, short_size(ledger.rows[i].bytes));
  std::string out = line + "\n\n";
  out += fmt::format("{:>14} {:>5} {:>7}  {}\n", "Bytes", "%", "Size", "Bucket");
  for (const walker::LedgerRow& row : ledger.rows)
    out += fmt::format("{:>14} {:>5} {:>7}  {}{}\n", row.bytes, heapy_percent(row.bytes, ledger.mapped),
                       short_size(row.bytes), row.label, row.malloc ? " [malloc]" : "");
  out += fmt::format("{:>14} {:>5} {:>7}  TOTAL mapped ({})\n", ledger.mapped, 100,
                     short_size(ledger.mapped), ledger.mappings_source);
  out += fmt::format("[malloc] rows sum to the arenas' system memory ({}) plus mmapped chunks ({}).\n",
                     ledger.arena_system_mem, ledger.mmapped_bytes);
  for (const std::string& problem : ledger.problems) out += fmt::format("note: {}\n", problem);
  return out;
}

std::string render_ledger_json(const walker::Ledger& ledger) {
  auto optional = [](const std::optional<uint64_t>& v) { return v ? Json(*v) : Json(nullptr); };
  Json buckets = Json::array();
  for (const walker::LedgerRow& row : ledger.rows)
    buckets.push_back(
        {{"bucket", row.key}, {"label", row.label}, {"bytes", row.bytes}, {"malloc", row.malloc}});
  Json out = {{"mapped", ledger.mapped},
              {"rss", optional(ledger.rss)},
              {"core_bytes", optional(ledger.core_bytes)},
              {"mappings_source", ledger.mappings_source},
              {"malloc",
               {{"arena_system_mem", ledger.arena_system_mem},
                {"mmapped_bytes", ledger.mmapped_bytes},
                {"tcache_bytes", ledger.tcache_bytes}}},
              {"buckets", std::move(buckets)},
              {"problems", ledger.problems}};
  return json_text(out);
}

std::string render_ledger_csv(const walker::Ledger& ledger) {
  std::string out = "bucket,label,bytes,percent\n";
  for (const walker::LedgerRow& row : ledger.rows)
    out += fmt::format("{},{},{},{}\n", csv_field(row.key), csv_field(row.label), row.bytes,
                       heapy_percent(row.bytes, ledger.mapped));
  return out;
}

}  // namespace heapwalk::report
