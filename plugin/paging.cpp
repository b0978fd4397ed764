#include "plugin/paging.h"

#include <map>

namespace heapwalk::plugin {
namespace {
std::map<uint64_t, std::optional<Page>>& pages() {
  static auto& by_debugger = *new std::map<uint64_t, std::optional<Page>>;  // outlives exit
  return by_debugger;
}
bool single_command_process = false;
}  // namespace

void remember_page(uint64_t debugger_id, Page page) { pages()[debugger_id] = std::move(page); }

std::optional<Page>& remembered_page(uint64_t debugger_id) { return pages()[debugger_id]; }

void mark_single_command_process() { single_command_process = true; }

std::string no_table_hint() {
  if (!single_command_process) return "run 'heap partition' (or leaks, referents, referrers) first";
  return "the heapwalk CLI runs one command per run: give 'partition' and this command to one "
         "'heapwalk ... --serve' (one per line), or run them in lldb or gdb";
}

std::string stale_table_error() {
  return "the process has run since the last table: run 'heap partition' (or the command that "
         "made it) again";
}

}  // namespace heapwalk::plugin
