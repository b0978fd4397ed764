// The ledger in resident bytes (what top's RES shows): every resident page of a live process
// split among the ledger's buckets by the bytes each bucket holds on it, so that the buckets
// sum exactly to the process's Rss; swapped bytes beside. A core has no residency: its pages
// that are not all zero give an estimate, labelled as one. Also what malloc keeps: per arena,
// the resident pages malloc_trim(0) could give back, and address space reserved for arenas.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "walker/analysis/ledger.h"
#include "walker/analysis/leaks.h"
#include "walker/malloc/malloc_params.h"
#include "walker/memory/core_pages.h"
#include "walker/memory/mappings.h"
#include "walker/memory/residency.h"
#include "walker/session.h"

namespace heapwalk::walker {

// What the split reads: malloc's census and tunables, the graph's reach (reach_flags:
// ProcessGraph::reach_flags, per allocation), the leaks, the mappings (their stack pointers
// too), and the pages: a live process's residency, else a core's pages that are not all zero
// (neither: no residency, as on a remote target).
struct ResidencyInputs {
  ResidencyInputs(const MallocHeap& heap_, const MallocParams& params_,
                  std::span<const uint8_t> reach_flags_, const LeakReport& leaks_,
                  const ProcessMappings& mappings_)
      : heap(heap_), params(params_), reach_flags(reach_flags_), leaks(leaks_), mappings(mappings_) {}

  const MallocHeap& heap;
  const MallocParams& params;
  std::span<const uint8_t> reach_flags;
  const LeakReport& leaks;
  const ProcessMappings& mappings;
  const Residency* live = nullptr;
  std::function<std::shared_ptr<const CorePages>()> core_pages;  // a core's; asked when needed
  MemoryImage::Disturbance disturbance;  // what reading the live process changed
  std::function<void(const char* phase, std::chrono::steady_clock::time_point since)> record;
};

// Fills each row's resident and swapped bytes (live), or its estimate (core), adds the
// `reserved` row (taken from `other`), and the keep figures. Rows must be build_ledger's.
void add_residency(Ledger& ledger, const ResidencyInputs& in);

// add_residency over the session's heap, tunables and pages (phases timed in the session).
void add_residency(Ledger& ledger, Session& session, std::span<const uint8_t> reach_flags,
                   const LeakReport& leaks, const ProcessMappings& mappings);

// A core's pages that are not all zero (the estimate), over all its mappings: scanned on first
// ask, then kept with the session (a bit a page).
std::shared_ptr<const CorePages> core_pages(Session& session, const ProcessMappings& mappings);

}  // namespace heapwalk::walker
