// What `heap more` continues: the last table a command showed, per debugger.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "walker/analysis/partition.h"
#include "walker/session.h"

namespace heapwalk::plugin {

struct Page {
  walker::Partition partition;
  size_t next_row = 0;
  size_t rows_per_page = 10;
  // The stop the rows' allocations belong to: a row is a selection only at that stop.
  std::weak_ptr<walker::Session> session;
};

void remember_page(uint64_t debugger_id, Page page);
// The remembered page, or nullopt when no table was shown yet.
std::optional<Page>& remembered_page(uint64_t debugger_id);

// The one-shot heapwalk CLI runs a single command per process, so no table is ever left for
// `heap more` or a ROW: it says so once, and no_table_hint() tells the user how to keep tables.
void mark_single_command_process();
// What to do when there is no table yet: "run 'heap partition' first", or in the one-shot CLI,
// how to run several commands in one session.
std::string no_table_hint();
// Why a table of an earlier stop can be neither selected from nor continued.
std::string stale_table_error();

}  // namespace heapwalk::plugin
