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
  LayoutId element = kNoLayout;
  uint64_t element_size = 0;
  std::string kind;
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

// A type named by a rule ("Task", "{0}"): a template argument of `owner`, or looked up by name.
lldb::SBType rule_type(std::string_view name, lldb::SBType owner, TypeRegistry& registry);

}  // namespace heapwalk::typeinfo
