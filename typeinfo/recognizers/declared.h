// A recognizer rule compiled for one concrete type: expressions bound to field offsets, element
// types resolved, and the type's own layout without the fields the rule explains.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <lldb/API/SBType.h>

#include "typeinfo/layout.h"
#include "typeinfo/recognizers/expression.h"
#include "typeinfo/recognizers/rules.h"

namespace heapwalk::typeinfo {

class TypeRegistry;

struct DeclaredArray {
  Expression pointer, count, capacity;
  LayoutId element = kNoLayout;  // what each element is walked as (element_member: that member)
  uint64_t element_size = 0;     // the stride
  std::string kind;
  Expression block, when, live_bytes;  // optional (rules.h)
  uint8_t live_mask = 0, live_equals = 0;
  bool in_place = false;         // pointer is "&member": the elements are inside the object
  uint32_t in_place_bytes = 0;   //   in the member's bytes
  LayoutId node = kNoLayout;     // node_kind: elements are pointers to this
  std::string node_kind;
};

struct DeclaredUnion {
  Expression selector;
  struct Case {
    int64_t value = 0;
    uint32_t offset = 0;  // of the member, from the object
    LayoutId layout = kNoLayout;
  };
  std::vector<Case> cases;
};

struct DeclaredPointer {
  Expression address;
  LayoutId to = kNoLayout;
  std::string kind;  // empty: the target's type names it
};

struct Declared {
  RuleSource source;
  LayoutId rest = kNoLayout;  // every other member of the type, walked as usual
  std::vector<DeclaredArray> arrays;
  std::vector<DeclaredUnion> unions;
  std::vector<DeclaredPointer> pointers;
};

// Compiles `rule` for `type`; throws RecognizerError ("FILE:LINE: what") when it does not fit.
Declared compile_rule(const TypeRule& rule, lldb::SBType type, TypeRegistry& registry);

// A rule's text with {0}, {1}, ... (the owner's template arguments) and {name} (the owner's
// readable name) substituted.
std::string substitute(std::string_view text, lldb::SBType owner);

// The optional keys of an array rule (block, when, live, element_member, node_kind), compiled
// into `out` (declared_array.cpp); `element` is the rule's element type.
void compile_array_options(const ArrayRule& rule, lldb::SBType type, TypeRegistry& registry,
                           lldb::SBType element, DeclaredArray& out);

// A type named by a rule ("Task", "{0}"): a template argument of `owner`, or looked up by name.
lldb::SBType rule_type(std::string_view name, lldb::SBType owner, TypeRegistry& registry);

}  // namespace heapwalk::typeinfo
