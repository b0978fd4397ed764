// The ledger in resident bytes (what top's RES shows): every resident page of a live process
// split among the ledger's buckets by the bytes each bucket holds on it, so that the buckets
// sum exactly to the process's Rss; swapped bytes beside. A core has no residency: its pages
// that are not all zero give an estimate, labelled as one. Also what malloc keeps: per arena,
// the resident pages malloc_trim(0) could give back, and address space reserved for arenas.
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "walker/analysis/ledger.h"
#include "walker/analysis/leaks.h"
#include "walker/memory/core_pages.h"
#include "walker/memory/mappings.h"
#include "walker/session.h"

namespace heapwalk::walker {

// Fills each row's resident and swapped bytes (live), or its estimate (core), adds the
// `reserved` row (taken from `other`), and the keep figures. Rows must be build_ledger's.
// reach_flags: ProcessGraph::reach_flags (per allocation).
void add_residency(Ledger& ledger, Session& session, std::span<const uint8_t> reach_flags,
                   const LeakReport& leaks, const ProcessMappings& mappings);

// A core's pages that are not all zero (the estimate), over all its mappings: scanned on first
// ask, then kept with the session (a bit a page).
std::shared_ptr<const CorePages> core_pages(Session& session, const ProcessMappings& mappings);

}  // namespace heapwalk::walker
