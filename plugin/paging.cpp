#include "plugin/paging.h"

#include <map>

namespace heapwalk::plugin {
namespace {
std::map<uint64_t, std::optional<Page>>& pages() {
  static auto& by_debugger = *new std::map<uint64_t, std::optional<Page>>;  // outlives exit
  return by_debugger;
}
}  // namespace

void remember_page(uint64_t debugger_id, Page page) { pages()[debugger_id] = std::move(page); }

std::optional<Page>& remembered_page(uint64_t debugger_id) { return pages()[debugger_id]; }

}  // namespace heapwalk::plugin
