// heap size EXPR's report: shallow, deep and retained size of an expression's object graph, and
// the deep set by kind with element counts for arrays. Rendering only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "report/json.h"
#include "walker/analysis/retained_sets.h"
#include "walker/analysis/kind_breakdown.h"

namespace heapwalk::report {

struct SizeReport {
  std::string expr;          // "sim"
  std::string type;          // "Simulation *", as partitions write it
  uint64_t address = 0;      // of the variable
  uint64_t shallow = 0;      // bytes
  std::string shallow_what;  // "the allocation at 0x… it points to"
  walker::RetainedSet deep, retained;
  bool typed_only = false;
  std::vector<walker::KindTotal> by_kind;  // the deep set, largest first
};

//   sim (Simulation *):
//     shallow           200 bytes  the allocation at 0x4172b0 it points to
//     deep         12779536 bytes  in 1799 allocations reachable from it
//     retained     12779536 bytes  in 1799 allocations freed with it (typed and conservative edges)
//     deep, by kind:
//       float[]: 578 arrays, 1,063,025 elements, 4.1 MiB
//       ConnectionField: 576 allocations, 36.0 KiB
//       <12 more kinds: heap size --kinds 0 sim shows them all>
// `max_kinds` kinds at most (0: all). Ends in '\n'.
std::string render_size_text(const SizeReport& report, size_t max_kinds);

// {"expr", "type", "address", "shallow", "deep": {"count", "bytes"}, "retained": {…},
// "typed_only", "by_kind": [{"kind", "count", "bytes"[, "elements", "uncounted"]}, …]}: every
// kind; "elements" and "uncounted" (arrays with no known count) only for array kinds.
std::string render_size_json(const SizeReport& report);

// The deep set by kind, every kind: kind,count,bytes,elements,uncounted (the last two empty
// for kinds that are not arrays). Lines end in '\n'.
std::string render_size_csv(const SizeReport& report);

// "4.1 MiB", "36.0 KiB", "200 bytes" (powers of 1024, one decimal).
std::string readable_bytes(uint64_t bytes);
// "1,063,025".
std::string grouped(uint64_t n);

}  // namespace heapwalk::report
