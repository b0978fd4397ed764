#include "report/size_render.h"

#include <fmt/format.h>

#include "report/report_render.h"

namespace heapwalk::report {

std::string readable_bytes(uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{} bytes", bytes);
  constexpr const char* kUnits[] = {"KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (v >= 1024 && unit + 1 < std::size(kUnits)) {
    v /= 1024;
    ++unit;
  }
  return fmt::format("{:.1f} {}", v, kUnits[unit]);
}

std::string grouped(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

namespace {

std::string plural(uint64_t n, const char* one, const char* many) {
  return grouped(n) + " " + (n == 1 ? one : many);
}

std::string kind_line(const walker::KindTotal& t) {
  if (!t.array) return fmt::format("{}: {}, {}", t.kind, plural(t.count, "allocation", "allocations"),
                                   readable_bytes(t.bytes));
  std::string elements;
  const uint64_t counted = t.count - t.uncounted;
  if (t.uncounted == 0)
    elements = plural(t.elements, "element", "elements");
  else if (counted == 0)
    elements = "element count unknown (no owner records it)";
  else
    elements = fmt::format("{} in {} of them ({} of unknown count)",
                           plural(t.elements, "element", "elements"), grouped(counted),
                           grouped(t.uncounted));
  return fmt::format("{}: {}, {}, {}", t.kind, plural(t.count, "array", "arrays"), elements,
                     readable_bytes(t.bytes));
}

}  // namespace

std::string render_size_text(const SizeReport& r, size_t max_kinds) {
  std::string out = fmt::format(
      "{} ({}):\n"
      "  shallow  {:>12} bytes  {}\n"
      "  deep     {:>12} bytes  in {} allocation{} reachable from it\n"
      "  retained {:>12} bytes  in {} allocation{} freed with it ({})\n",
      r.expr, r.type, r.shallow, r.shallow_what, r.deep.bytes, r.deep.count,
      r.deep.count == 1 ? "" : "s", r.retained.bytes, r.retained.count,
      r.retained.count == 1 ? "" : "s",
      r.typed_only ? "typed edges only" : "typed and conservative edges");
  if (r.by_kind.empty()) return out;
  out += "  deep, by kind:\n";
  size_t shown = max_kinds == 0 ? r.by_kind.size() : std::min(max_kinds, r.by_kind.size());
  if (shown + 1 == r.by_kind.size()) shown = r.by_kind.size();  // one more row: print it
  for (size_t i = 0; i < shown; ++i) out += "    " + kind_line(r.by_kind[i]) + "\n";
  if (shown < r.by_kind.size())
    out += fmt::format("    <{} more kinds: heap size --kinds 0 {} shows them all>\n",
                       r.by_kind.size() - shown, r.expr);
  return out;
}

std::string render_size_csv(const SizeReport& r) {
  std::string out = "kind,count,bytes,elements,uncounted\n";
  for (const walker::KindTotal& t : r.by_kind) {
    out += fmt::format("{},{},{},", csv_field(t.kind), t.count, t.bytes);
    out += t.array ? fmt::format("{},{}\n", t.elements, t.uncounted) : ",\n";
  }
  return out;
}

std::string render_size_json(const SizeReport& r) {
  Json kinds = Json::array();
  for (const walker::KindTotal& t : r.by_kind) {
    Json k = {{"kind", t.kind}, {"count", t.count}, {"bytes", t.bytes}};
    if (t.array) {
      k["elements"] = t.elements;
      k["uncounted"] = t.uncounted;
    }
    kinds.push_back(std::move(k));
  }
  Json j = {{"expr", r.expr},
            {"type", r.type},
            {"address", fmt::format("0x{:x}", r.address)},
            {"shallow", r.shallow},
            {"deep", {{"count", r.deep.count}, {"bytes", r.deep.bytes}}},
            {"retained", {{"count", r.retained.count}, {"bytes", r.retained.bytes}}},
            {"typed_only", r.typed_only},
            {"by_kind", std::move(kinds)}};
  return json_text(j);
}

}  // namespace heapwalk::report
