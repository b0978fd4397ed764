// protobuf messages (3.21 generated code) keep their fields in `_impl_`, the one member of an
// anonymous union (so that constant initialization works): a rule walks it in place, which the
// union alone would leave to the conservative scan. Oneofs: a message keeps each oneof's members in a union,
// `_impl_.<oneof>_`, and the field number of the one that is set in `_impl_._oneof_case_[i]`
// (i: the oneof's index, in declaration order, as the unions are). The field numbers come from
// the generated enum `<Message>::<Oneof>Case` (kText = 5, ...), whose enumerators name the
// members. From these, union rules (recognizers/rules.h) are made for the message type, so that
// the member that is set is walked with its type (the union's bytes are still scanned).
#pragma once

#include <optional>

#include <lldb/API/SBType.h>

#include "typeinfo/recognizers/rules.h"

namespace heapwalk::typeinfo {

class TypeRegistry;

// The rule for a generated message type (one with `_impl_`); nullopt for any other type.
std::optional<TypeRule> protobuf_oneof_rule(lldb::SBType type, TypeRegistry& registry);

}  // namespace heapwalk::typeinfo
