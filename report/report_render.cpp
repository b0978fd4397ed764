#include "report/report_render.h"
#include "walker/progress.h"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

namespace heapwalk::report {
namespace {

// Heapy's column header; the rows below use the same widths (%6d %6d %3d %8d %3d %9d %3d).
constexpr std::string_view kTextHeader = " Index  Count   %     Size   % Cumulative  % Kind\n";
// With retained sizes (heap partition --retained): %9d %3d before the kind.
constexpr std::string_view kTextHeaderRetained =
    " Index  Count   %     Size   % Cumulative  %  Retained   % Kind\n";

constexpr std::string_view kCsvHeader =
    "index,count,count_percent,size,size_percent,cumulative,cumulative_percent,kind\n";
// With retained sizes: columns after kind, so that a reader of the plain header finds its
// columns where they were.
constexpr std::string_view kCsvRetained = ",retained,retained_percent";

uint64_t size_of_rows_before(const walker::Partition& partition, size_t end) {
  uint64_t sum = 0;
  for (size_t i = 0; i < end && i < partition.rows.size(); ++i) sum += partition.rows[i].size;
  return sum;
}

}  // namespace

unsigned heapy_percent(uint64_t part, uint64_t whole) {
  if (whole == 0) return 0;
  // 128-bit so that byte counts near 2^64 cannot overflow the multiplication.
  __extension__ using Wide = unsigned __int128;
  const Wide scaled = static_cast<Wide>(part) * 100;
  auto quotient = static_cast<unsigned>(scaled / whole);
  const Wide twice_remainder = (scaled % whole) * 2;
  if (twice_remainder > whole || (twice_remainder == whole && quotient % 2 == 1)) ++quotient;
  return quotient;
}

size_t partition_page_end(const walker::Partition& partition, size_t first_row, size_t max_rows) {
  const size_t total = partition.rows.size();
  if (first_row >= total) return total;
  const size_t remaining = total - first_row;
  if (max_rows == 0 || remaining <= max_rows + 1) return total;  // one left over is just shown
  return first_row + max_rows;
}

std::string render_partition_text(const walker::Partition& partition, size_t first_row,
                                  size_t max_rows, std::string_view more_command) {
  std::string out;
  auto sink = std::back_inserter(out);
  if (first_row == 0) {
    fmt::format_to(sink, "Partition of a set of {} object{}. Total size = {} bytes.\n",
                   partition.count, partition.count == 1 ? "" : "s", partition.size);
  }
  out += partition.has_retained ? kTextHeaderRetained : kTextHeader;

  const size_t end = partition_page_end(partition, first_row, max_rows);
  uint64_t cumulative = size_of_rows_before(partition, first_row);
  for (size_t i = first_row; i < end; ++i) {
    walker::poll_interrupt();
    const walker::PartitionRow& row = partition.rows[i];
    cumulative += row.size;
    fmt::format_to(sink, "{:>6} {:>6} {:>3} {:>8} {:>3} {:>9} {:>3} ", i, row.count,
                   heapy_percent(row.count, partition.count), row.size,
                   heapy_percent(row.size, partition.size), cumulative,
                   heapy_percent(cumulative, partition.size));
    if (partition.has_retained)
      fmt::format_to(sink, "{:>9} {:>3} ", row.retained,
                     heapy_percent(row.retained, partition.reached_size));
    fmt::format_to(sink, "{}\n", row.kind);
  }
  if (end < partition.rows.size()) {
    fmt::format_to(sink, "<{} more rows. Type '{}' to view.>\n", partition.rows.size() - end,
                   more_command);
  }
  return out;
}

std::string render_partition_json(const walker::Partition& partition, const Json& extra) {
  Json out = {{"count", partition.count}, {"size", partition.size}};
  for (const auto& member : extra.items()) out[member.key()] = member.value();
  Json rows = Json::array();
  for (size_t i = 0; i < partition.rows.size(); ++i) {
    walker::poll_interrupt();
    const walker::PartitionRow& row = partition.rows[i];
    Json r = {{"index", i}, {"kind", row.kind}, {"count", row.count}, {"size", row.size}};
    if (partition.has_retained) r["retained"] = row.retained;
    if (!row.path.empty()) r["path"] = row.path;  // --by module
    rows.push_back(std::move(r));
  }
  out["rows"] = std::move(rows);
  return json_text(out);
}

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string render_partition_csv(const walker::Partition& partition) {
  std::string out(kCsvHeader.substr(0, kCsvHeader.size() - 1));
  if (partition.has_retained) out += kCsvRetained;
  out += '\n';
  auto sink = std::back_inserter(out);
  uint64_t cumulative = 0;
  for (size_t i = 0; i < partition.rows.size(); ++i) {
    walker::poll_interrupt();
    const walker::PartitionRow& row = partition.rows[i];
    cumulative += row.size;
    fmt::format_to(sink, "{},{},{},{},{},{},{},{}", i, row.count,
                   heapy_percent(row.count, partition.count), row.size,
                   heapy_percent(row.size, partition.size), cumulative,
                   heapy_percent(cumulative, partition.size), csv_field(row.kind));
    if (partition.has_retained)
      fmt::format_to(sink, ",{},{}", row.retained,
                     heapy_percent(row.retained, partition.reached_size));
    out += '\n';
  }
  return out;
}

}  // namespace heapwalk::report
