// Reading [[allocator]] tables (docs/recognizers.md "Your own allocators"), as strictly as
// [[recognizer]]: an unknown or missing key is an error naming the file and line.
#include "typeinfo/recognizers/allocator_rules.h"

#include <fmt/format.h>
#include <toml++/toml.h>

#include "typeinfo/recognizers/expression.h"

namespace heapwalk::typeinfo {
namespace {

[[noreturn]] void fail(const std::string& file, const toml::node& at, const std::string& why) {
  throw RecognizerError(fmt::format("{}:{}: {}", file, at.source().begin.line, why));
}

struct TableReader {
  const std::string& file;
  const toml::table& t;
  std::string what;

  void only(std::initializer_list<std::string_view> keys) const {
    for (auto&& [key, value] : t) {
      bool known = false;
      for (std::string_view k : keys) known = known || key.str() == k;
      if (known) continue;
      std::string list;
      for (std::string_view k : keys) list += (list.empty() ? "" : ", ") + std::string(k);
      fail(file, value, fmt::format("unknown key '{}' in {} (known: {})", key.str(), what, list));
    }
  }
  std::string text(std::string_view key, bool required = false) const {
    const toml::node* node = t.get(key);
    if (!node) {
      if (required) fail(file, t, fmt::format("{} needs '{}'", what, key));
      return {};
    }
    if (auto s = node->value<std::string>()) return *s;
    if (auto i = node->value<int64_t>()) return std::to_string(*i);
    fail(file, *node, fmt::format("'{}' must be a string", key));
  }
};

}  // namespace

AllocatorRule read_allocator_rule(const toml::table& t, const std::string& file) {
  TableReader r{file, t, "[[allocator]]"};
  r.only({"type", "blocks", "next", "count", "memory", "size", "first", "heap", "pool", "bump"});
  AllocatorRule rule;
  rule.source = {file, static_cast<int>(t.source().begin.line)};
  const toml::node* type = t.get("type");
  if (!type) fail(file, t, "[[allocator]] needs 'type', the allocator's type name or a list of them");
  if (const toml::array* names = type->as_array()) {
    for (const toml::node& name : *names) {
      auto s = name.value<std::string>();
      if (!s) fail(file, name, "'type' lists type names: strings");
      rule.patterns.push_back(*s);
    }
  } else if (auto s = type->value<std::string>()) {
    rule.patterns.push_back(*s);
  } else {
    fail(file, *type, "'type' is a type name or a list of them");
  }
  rule.blocks = r.text("blocks", true);
  rule.next = r.text("next");
  rule.count = r.text("count");
  if (rule.next.empty() == rule.count.empty())
    fail(file, t, "[[allocator]] needs one of 'next' (the blocks are a list) or 'count' (an array)");
  rule.memory = r.text("memory");
  rule.size = r.text("size");
  rule.first = r.text("first");

  int forms = 0;
  for (std::string_view form : {"heap", "pool", "bump"}) {
    const toml::node* node = t.get(form);
    if (!node) continue;
    ++forms;
    const toml::table* sub = node->as_table();
    if (!sub) fail(file, *node, fmt::format("'{}' must be a table: [allocator.{}]", form, form));
    TableReader u{file, *sub, fmt::format("[allocator.{}]", form)};
    if (form == "heap") {
      rule.form = AllocatorRule::Form::kHeap;
      u.only({"header", "size", "in_use", "next", "prev", "payload"});
      rule.header = u.text("header", true);
      rule.unit_size = u.text("size", true);
      rule.in_use = u.text("in_use", true);
      rule.unit_next = u.text("next");
      rule.unit_prev = u.text("prev");
      rule.payload = u.text("payload");
    } else if (form == "pool") {
      rule.form = AllocatorRule::Form::kPool;
      u.only({"unit_size", "units", "free"});
      rule.unit_size = u.text("unit_size", true);
      rule.units = u.text("units");
      rule.free = u.text("free");
    } else {
      rule.form = AllocatorRule::Form::kBump;
      u.only({"used", "kind"});
      rule.used = u.text("used", true);
      rule.kind = u.text("kind");
    }
  }
  if (forms != 1)
    fail(file, t, "[[allocator]] needs exactly one of [allocator.heap], [allocator.pool], [allocator.bump]");
  return rule;
}

}  // namespace heapwalk::typeinfo
