// Partitions as text (Heapy's table), JSON and CSV. Rendering only: the numbers are computed by
// walker/ and arrive here finished.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "report/json.h"
#include "walker/analysis/partition.h"

namespace heapwalk::report {

// Heapy's table, starting at `first_row`:
//
//   Partition of a set of 1032 objects. Total size = 3212080 bytes.
//    Index  Count   %     Size   % Cumulative  % Kind
//        0    576  56  2304000  72   2304000  72 std::vector<float> buffer
//   <22 more rows. Type 'heap more' to view.>
//
// As in Heapy, the first line appears only on the first page (first_row == 0), percentages are
// rounded to whole numbers, cumulative sizes count from row 0 on every page, and a single row
// left over is printed instead of announcing "<1 more rows>". max_rows == 0 prints every row.
// Every line ends in '\n'.
std::string render_partition_text(const walker::Partition& partition, size_t first_row,
                                  size_t max_rows, std::string_view more_command = "heap more");

// The row where the page after render_partition_text(partition, first_row, max_rows) starts;
// partition.rows.size() when that page showed the last row.
size_t partition_page_end(const walker::Partition& partition, size_t first_row, size_t max_rows);

// {"count": N, "size": S, <extra's members, in order>, "rows": [{"index": 0, "kind": "…",
// "count": n, "size": s[, "retained": r][, "path": "/full/path/of/libfoo.so"]}, …]} with every
// row, one row per line (report/json.h); "path" for heap partition --by module. Ends in '\n'.
std::string render_partition_json(const walker::Partition& partition,
                                  const Json& extra = Json::object());

// index,count,count_percent,size,size_percent,cumulative,cumulative_percent,kind[,retained,
// retained_percent] and one line per row; the percentages are the text table's, retained and
// retained_percent with --retained. Lines end in '\n'.
std::string render_partition_csv(const walker::Partition& partition);

// `text` as one CSV field, quoted as RFC 4180 asks when it holds a comma, quote or line break.
std::string csv_field(std::string_view text);

// Heapy's percentage: part / whole * 100 rounded to an integer (half to even, as Python's
// '%.0f' does); 0 when whole is 0.
unsigned heapy_percent(uint64_t part, uint64_t whole);

}  // namespace heapwalk::report
