#include "plugin/more_command.h"

#include "plugin/paging.h"
#include "report/report_render.h"

namespace heapwalk::plugin {

using namespace heapwalk::report;

void MoreCommand::run(lldb::SBDebugger& debugger, const ParsedOptions& options,
                      lldb::SBCommandReturnObject& result) {
  std::optional<Page>& page = remembered_page(debugger.GetID());
  if (!page) throw std::runtime_error("no table to continue: " + no_table_hint());
  // Its rows are of the stop it was made at: after the process has run they would be stale.
  std::shared_ptr<walker::Session> made_at = page->session.lock();
  if (!made_at || !made_at->at_its_stop()) throw std::runtime_error(stale_table_error());
  size_t rows = options.number("limit", page->rows_per_page);
  if (page->next_row >= page->partition.rows.size()) {
    result.AppendMessage("No more rows.");
    return;
  }
  emit(render_partition_text(page->partition, page->next_row, rows), options, result);
  page->next_row = partition_page_end(page->partition, page->next_row, rows);
}

}  // namespace heapwalk::plugin
