// Warnings as a summary, not a flood: what reading a stop's heap found wrong, shown once per
// stop as a count per kind with its first examples; `heap warnings` lists them all.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace heapwalk::plugin {

// A warning's kind: its text with addresses and numbers blanked ("chunk at 0x… of # bytes…").
std::string warning_kind(const std::string& warning);

// The lines to show for `warnings`: all of them when there are at most `all_up_to`; otherwise a
// header with the total, then per kind (in order of first appearance, at most `kinds_shown`)
// its count and first `examples` examples, and a pointer to `heap warnings`.
std::vector<std::string> summarize_warnings(const std::vector<std::string>& warnings,
                                            size_t all_up_to = 5, size_t examples = 2,
                                            size_t kinds_shown = 8);

}  // namespace heapwalk::plugin
