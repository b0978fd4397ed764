// Strong components as the tests compare them: two labelings of one partition into components
// are equal once each vertex's component is named by its lowest member.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

namespace heapwalk::test {

template <class Labels>
std::vector<uint32_t> canonical(const Labels& component, uint32_t count) {
  std::vector<uint32_t> lowest(count, std::numeric_limits<uint32_t>::max());
  for (uint32_t v = 0; v < component.size(); ++v)
    lowest[component[v]] = std::min<uint32_t>(lowest[component[v]], v);
  std::vector<uint32_t> out(component.size());
  for (uint32_t v = 0; v < component.size(); ++v) out[v] = lowest[component[v]];
  return out;
}

}  // namespace heapwalk::test
