#include "plugin/selection.h"

#include <fmt/format.h>

#include "plugin/paging.h"

namespace heapwalk::plugin {

Selection selected_row(lldb::SBDebugger& debugger, const walker::Session& session,
                       const std::string& text) {
  if (text.empty() || text.find_first_not_of("0123456789") != std::string::npos)
    throw std::runtime_error(fmt::format("'{}' is not a row number of the last table", text));
  std::optional<Page>& page = remembered_page(debugger.GetID());
  if (!page) throw std::runtime_error("no table to select from: " + no_table_hint());
  if (page->session.lock().get() != &session)
    throw std::runtime_error(
        "the process has run since the last table: run 'heap partition' (or the command that "
        "made it) again");
  size_t row = std::stoull(text);
  const walker::Partition& partition = page->partition;
  if (partition.rows.empty())
    throw std::runtime_error("the last table has no rows to select");
  if (row >= partition.rows.size())
    throw std::runtime_error(
        fmt::format("the last table has rows 0 to {}", partition.rows.size() - 1));
  const walker::PartitionRow& r = partition.rows[row];
  if (r.nodes.empty() && r.count)
    throw std::runtime_error("the rows of the last table are not selections");
  return Selection{fmt::format("row {} ({})", row, r.kind), r.nodes};
}

}  // namespace heapwalk::plugin
