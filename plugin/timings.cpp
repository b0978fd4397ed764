#include "plugin/timings.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <string>

#include <fmt/format.h>

namespace heapwalk::plugin {

uint64_t anonymous_memory_kib() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);)
    if (line.rfind("RssAnon:", 0) == 0) return std::stoull(line.substr(8));
  return 0;
}

void print_timings(const walker::Session& session, uint64_t anon_before_kib) {
  std::string lines;
  for (const walker::PhaseTiming& t : session.timings())
    lines += fmt::format("heapwalk: {:<28} {:8.3f} s\n", t.phase, t.seconds);
  lines += fmt::format("heapwalk: memory from {}\n", session.memory().source());
  if (auto fetched = session.memory().fetch_stats(); fetched.bytes && fetched.seconds > 0)
    lines += fmt::format("heapwalk: read {} MiB of target memory at {:.2f} GB/s\n",
                         fetched.bytes >> 20, fetched.bytes / fetched.seconds / 1e9);
  uint64_t allocations = std::max<uint64_t>(session.heap().in_use.size(), 1);
  uint64_t now = anonymous_memory_kib();
  uint64_t grown = (now - std::min(anon_before_kib, now)) * 1024;
  lines += fmt::format(
      "heapwalk: anonymous memory +{} MiB ({} bytes per allocation, {} allocations)\n",
      grown >> 20, grown / allocations, allocations);
  fmt::print(stderr, "{}", lines);
}

}  // namespace heapwalk::plugin
