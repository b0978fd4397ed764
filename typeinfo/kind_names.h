// What a partition calls an allocation of a given type, where libstdc++'s internal type name
// would say little: shared_ptr control blocks, make_shared allocations.
#pragma once

#include <string>

#include <lldb/API/SBType.h>

namespace heapwalk::typeinfo {

// `readable` is the type's readable name; the kind is that name except for library internals:
//   std::_Sp_counted_ptr<X*, …>, std::_Sp_counted_deleter<X*, …> -> "std::shared_ptr<X> control block"
//   std::_Sp_counted_ptr_inplace<X, …>                          -> "X (make_shared)"
std::string kind_name(lldb::SBType type, const std::string& readable);

}  // namespace heapwalk::typeinfo
