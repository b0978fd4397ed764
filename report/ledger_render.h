// The ledger as text (a one-line summary in allsizes_mb's spirit, then a table), JSON or CSV.
#pragma once

#include <string>

#include "walker/analysis/ledger.h"
#include "walker/analysis/module_ledger.h"

namespace heapwalk::report {

// 1536 -> "1.5k", 25 << 20 -> "25m", 1.4 GiB -> "1.4g" (the Topographica guide's style).
std::string short_size(uint64_t bytes);

std::string render_ledger_text(const walker::Ledger& ledger);
std::string render_ledger_json(const walker::Ledger& ledger);
std::string render_ledger_csv(const walker::Ledger& ledger);

// heap summary --by module.
std::string render_module_ledger_text(const walker::ModuleLedger& ledger);
std::string render_module_ledger_json(const walker::ModuleLedger& ledger);
std::string render_module_ledger_csv(const walker::ModuleLedger& ledger);

}  // namespace heapwalk::report
