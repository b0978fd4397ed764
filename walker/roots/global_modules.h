// Which module defines a global variable that a root is: the one whose debug info has it.
#pragma once

#include <string>

#include <lldb/API/SBTarget.h>

namespace heapwalk::walker {

// The path of the module defining the global variable a root's label names ("g_title[abi:cxx11]"
// as LLDB spells it); "" when no module's debug info has it.
std::string global_module(lldb::SBTarget& target, const std::string& root_label);

}  // namespace heapwalk::walker
