// The optional keys of [[recognizer.array]] (rules.h, docs/recognizers.md "Tables and
// headers"): a buffer inside a larger allocation (block), one that exists only sometimes (when),
// slots chosen by control bytes (live), slots read as one member of a union (element_member), and
// slots that are owning pointers to nodes (node_kind).
#include <fmt/format.h>

#include "typeinfo/member_lookup.h"
#include "typeinfo/recognizers/declared.h"
#include "typeinfo/type_names.h"
#include "typeinfo/type_registry.h"

namespace heapwalk::typeinfo {
namespace {

[[noreturn]] void fail(const RuleSource& at, const std::string& why) {
  throw RecognizerError(fmt::format("{}: {}", at.text(), why));
}

Expression optional_expression(const RuleSource& at, const std::string& text, lldb::SBType type) {
  if (text.empty()) return {};
  try {
    return Expression(text, type, type.GetName() ? type.GetName() : "");
  } catch (const RecognizerError& e) {
    fail(at, e.what());
  }
}

}  // namespace

void compile_array_options(const ArrayRule& rule, lldb::SBType type, TypeRegistry& registry,
                           lldb::SBType element, DeclaredArray& out) {
  out.block = optional_expression(rule.source, rule.block, type);
  out.when = optional_expression(rule.source, rule.when, type);
  out.live_bytes = optional_expression(rule.source, rule.live_bytes, type);
  out.live_mask = static_cast<uint8_t>(rule.live_mask);
  out.live_equals = static_cast<uint8_t>(rule.live_equals);
  if (out.in_place && !out.block.empty())
    fail(rule.source, "an array inside the object ('&member') has no block of its own");
  if (!rule.element_member.empty()) {
    // A slot that is a union of views of one value (absl's map_slot_type): walked as the member.
    auto member = find_member(plain(element), rule.element_member);
    if (!member || member->offset != 0 || member->type.GetByteSize() != element.GetByteSize())
      fail(rule.source, fmt::format("element_member '{}' is not a member at offset 0 as large as "
                                    "the element", rule.element_member));
    out.element = registry.intern(member->type);
    element = member->type;
  }
  if (!rule.node_kind.empty()) {
    lldb::SBType e = plain(element);
    if (!e.IsPointerType())
      fail(rule.source, "node_kind needs elements that are pointers (to the nodes)");
    out.node = registry.intern(plain(e.GetPointeeType()));
    out.node_kind = substitute(rule.node_kind, type);
  }
}

}  // namespace heapwalk::typeinfo
