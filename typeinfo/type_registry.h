// Every type the walk meets, interned once and compiled into a Layout on first use.
#pragma once

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <lldb/API/SBTarget.h>
#include <lldb/API/SBType.h>

#include "typeinfo/layout.h"
#include "typeinfo/recognizers/declared.h"
#include "typeinfo/recognizers/rules.h"

namespace heapwalk::typeinfo {

class TypeRegistry {
 public:
  explicit TypeRegistry(lldb::SBTarget target, std::shared_ptr<const RuleSet> rules = {})
      : target_(target), rules_(rules ? std::move(rules) : std::make_shared<RuleSet>()) {}

  // The id of a type (typedefs and cv-qualifiers removed); does not compile it yet.
  LayoutId intern(lldb::SBType type);
  // The compiled layout; compiles on first use. References stay valid.
  // The walk asks for a layout per object: an index lookup when it is compiled.
  const Layout& layout(LayoutId id) {
    Layout& l = *layout_index_[id];
    if (!l.compiled) compile(id);
    return l;
  }
  const Container& container(uint32_t index) const { return containers_[index]; }
  size_t container_count() const { return containers_.size(); }
  lldb::SBType sbtype(LayoutId id) const { return types_[id]; }
  size_t size() const { return types_.size(); }
  lldb::SBTarget& target() { return target_; }

  // The container table index when `type` is a recognized container (recognized once).
  std::optional<uint32_t> container_index(lldb::SBType type);
  // The type's definition when `type` is a forward declaration and another unit defines it.
  lldb::SBType complete(lldb::SBType type);

  // Recognizer rules (built in, and the user's files) consulted before the built-in C++ ones.
  const RuleSet& rules() const { return *rules_; }
  // A compiled rule (Container::declared).
  const Declared& declared(uint32_t index) const { return declared_[index]; }
  uint32_t add_declared(Declared d) {
    declared_.push_back(std::move(d));
    return static_cast<uint32_t>(declared_.size() - 1);
  }
  // A container description made by a rule (a container member with retyped elements).
  uint32_t add_container(Container c) {
    containers_.push_back(std::move(c));
    return static_cast<uint32_t>(containers_.size() - 1);
  }
  // A layout with no DWARF type of its own (a recognized type's remaining members).
  LayoutId add_synthetic(Layout layout);
  // Rules that could not apply to a type, a line each (for the commands' warnings).
  const std::vector<std::string>& problems() const { return problems_; }
  void add_problem(std::string problem) { problems_.push_back(std::move(problem)); }

 private:
  void compile(LayoutId id);
  void add_inside_rules(lldb::SBType type, Layout& out);

  lldb::SBTarget target_;
  std::vector<lldb::SBType> types_;
  std::deque<Layout> layouts_;          // a deque: references stay valid as more are interned
  std::vector<Layout*> layout_index_;   // layouts_[id], without the deque's arithmetic
  std::unordered_map<std::string, std::vector<LayoutId>> by_name_;
  std::deque<Container> containers_;  // a deque: references stay valid as types are compiled
  std::unordered_map<LayoutId, std::optional<uint32_t>> container_by_layout_;
  std::shared_ptr<const RuleSet> rules_;
  std::deque<Declared> declared_;
  std::vector<std::string> problems_;
};

}  // namespace heapwalk::typeinfo
