// Recognizers for libstdc++ containers: which one a type is, and where its fields are.
#pragma once

#include <optional>

#include <lldb/API/SBType.h>

#include "typeinfo/layout.h"

namespace heapwalk::typeinfo {

class TypeRegistry;

// The container description of `type` (canonical), or nullopt when it is not one we know.
// Element layouts are interned in `registry`.
std::optional<Container> recognize_container(lldb::SBType type, TypeRegistry& registry);

}  // namespace heapwalk::typeinfo
