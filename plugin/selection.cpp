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
  if (page->session.lock().get() != &session) throw std::runtime_error(stale_table_error());
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

walker::ExpressionEdges expression_edges_of(walker::Session& session,
                                            const walker::ProcessGraph& graph,
                                            const walker::Root& root) {
  lldb::SBType type = root.type;
  const uint64_t size = type.GetByteSize();
  std::vector<uint8_t> bytes;  // only a member of a root reads them: outside the heap
  if (!session.heap().in_use.find(root.address)) {
    bytes.resize(size);
    if (!session.memory().read(root.address, bytes.data(), bytes.size())) bytes.clear();
  }
  walker::ExpressionEdges edges = walker::expression_edges(
      graph, session.heap().in_use, root.address, size, root.label,
      session.types().intern(root.type), bytes);
  if (!edges.located)
    throw std::runtime_error(fmt::format(
        "'{}' lies in no heap allocation and in no variable the graph has as a root: give a "
        "variable, a path from one, or a path into the heap", root.label));
  return edges;
}

}  // namespace heapwalk::plugin
