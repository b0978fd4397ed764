// --timings: the wall time of each phase, where memory came from, and what the analysis cost.
#pragma once

#include <cstdint>

#include "walker/session.h"

namespace heapwalk::plugin {

// RssAnon of this process: what the analysis holds beyond mapped files such as the core.
uint64_t anonymous_memory_kib();

// Prints the session's phases and the memory grown since `anon_before_kib` on stderr.
void print_timings(const walker::Session& session, uint64_t anon_before_kib);

}  // namespace heapwalk::plugin
