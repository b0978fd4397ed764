// Retention reports: the largest retained sizes (heap top), shortest paths (heap shpaths) and
// the dominator subtree of an object (heap dominators), as text, JSON and CSV. The numbers and
// labels arrive finished from walker/analysis.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace heapwalk::report {

// One object of a retention report.
struct RetainedRow {
  uint64_t address = 0;
  uint64_t retained = 0;  // what would be freed with it
  uint64_t shallow = 0;   // its usable size
  std::string kind;
  std::string path;       // a shortest path from the roots ("" when none is asked for)
  int depth = 0;          // in a dominator subtree: 0 for the object asked about
};

struct RetainedReport {
  std::string title;       // "Largest retained sizes of 1032 reached objects (…)."
  uint64_t total = 0;      // what the percentages are of (all reached bytes)
  std::vector<RetainedRow> rows;
  std::vector<std::string> notes;  // lines after the table ("<3 more children>")
};

// heap top / heap dominators:
//
//   Largest retained sizes of 1032 reached objects; total 3212080 bytes.
//    Index   Retained   %   Shallow Kind                    Address
//        0    2304000  72      4096 Sheet                   0x55555556a2c0  sim->sheets[0]
//
// Dominator subtrees indent the kind by depth. Every line ends in '\n'.
std::string render_retained_text(const RetainedReport& report);
// {"title", "total", "rows": [{"index", "address": "0x…", "retained", "shallow", "kind",
// "path", "depth"}], "notes": [...]}
std::string render_retained_json(const RetainedReport& report);
// index,address,retained,retained_percent,shallow,depth,kind,path
std::string render_retained_csv(const RetainedReport& report);

// heap shpaths: " 0: sim->sheets[0]->weights" lines, then "<… N more paths …>". Each path ends
// at an object: the one asked about (--addr), or one of the row's or kinds' objects, which the
// text names after its path ("sim->big_block (0x7ffff6dff010, float[])").
struct PathRow {
  std::string path;
  uint64_t address = 0;  // of the object the path ends at
  std::string kind;
};
struct PathsReport {
  std::string title;  // "Shortest paths to 0x… (float[], 4096 bytes):"
  std::vector<PathRow> rows;
  bool per_object = false;  // one path per object (ROW, --kind), named after the path
  uint64_t more = 0;
};
std::string render_paths_text(const PathsReport& report);
// {"title", "paths": [...], "more": N}: "paths" holds the lines of the text after their number.
std::string render_paths_json(const PathsReport& report);
// index,address,kind,path, one line per path shown (as the retention tables' CSV, without the
// note on what was left out).
std::string render_paths_csv(const PathsReport& report);

}  // namespace heapwalk::report
