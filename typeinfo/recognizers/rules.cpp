// Reading recognizer files (TOML, through toml++). Strict: an unknown key, a missing one or a
// value of the wrong type is an error that names the file and line, so a typo never silently
// turns a rule off.
#include "typeinfo/recognizers/rules.h"

#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <toml++/toml.h>

#include "typeinfo/recognizers/allocator_rules.h"
#include "typeinfo/recognizers/expression.h"

namespace heapwalk::typeinfo {

// allocator_rules.cpp
AllocatorRule read_allocator_rule(const toml::table& table, const std::string& file);

namespace {

[[noreturn]] void fail(const std::string& file, const toml::node& at, const std::string& why) {
  throw RecognizerError(fmt::format("{}:{}: {}", file, at.source().begin.line, why));
}

class Reader {
 public:
  explicit Reader(std::string file) : file_(std::move(file)) {}

  std::vector<TypeRule> read(const toml::table& root, std::vector<AllocatorRule>* allocators = nullptr) {
    std::vector<TypeRule> rules;
    for (auto&& [key, value] : root) {
      if (key.str() == "allocator" && allocators) {
        const toml::array* list = value.as_array();
        if (!list) fail(file_, value, "'allocator' must be an array of tables: [[allocator]]");
        for (const toml::node& item : *list)
          allocators->push_back(read_allocator_rule(table_of(item, "allocator"), file_));
        continue;
      }
      if (key.str() != "recognizer") fail(file_, value, fmt::format("unknown table '{}' (expected [[recognizer]] or [[allocator]])", key.str()));
      const toml::array* list = value.as_array();
      if (!list) fail(file_, value, "'recognizer' must be an array of tables: [[recognizer]]");
      for (const toml::node& item : *list) rules.push_back(type_rule(table_of(item, "recognizer")));
    }
    return rules;
  }

 private:
  const toml::table& table_of(const toml::node& node, std::string_view what) {
    const toml::table* t = node.as_table();
    if (!t) fail(file_, node, fmt::format("'{}' must be a table", what));
    return *t;
  }

  void only(const toml::table& t, std::initializer_list<std::string_view> keys, std::string_view what) {
    for (auto&& [key, value] : t) {
      bool known = false;
      for (std::string_view k : keys) known = known || key.str() == k;
      if (!known) {
        std::string list;
        for (std::string_view k : keys) list += (list.empty() ? "" : ", ") + std::string(k);
        fail(file_, value, fmt::format("unknown key '{}' in {} (known: {})", key.str(), what, list));
      }
    }
  }

  std::string text(const toml::table& t, std::string_view key, bool required, std::string_view what) {
    const toml::node* node = t.get(key);
    if (!node) {
      if (required) fail(file_, t, fmt::format("{} needs '{}'", what, key));
      return {};
    }
    if (auto s = node->value<std::string>()) return *s;
    if (auto i = node->value<int64_t>()) return std::to_string(*i);  // count = 8
    fail(file_, *node, fmt::format("'{}' must be a string", key));
  }

  int64_t integer(const toml::table& t, std::string_view key) {
    const toml::node* node = t.get(key);
    if (!node) fail(file_, t, fmt::format("live needs '{}', an integer", key));
    if (auto i = node->value<int64_t>()) return *i;
    fail(file_, *node, fmt::format("'{}' must be an integer", key));
  }

  RuleSource source(const toml::node& at) const { return {file_, static_cast<int>(at.source().begin.line)}; }

  // Every entry of an array-of-tables key ([[recognizer.array]]), or the one table.
  template <class F>
  void each(const toml::table& t, std::string_view key, F&& f) {
    const toml::node* node = t.get(key);
    if (!node) return;
    if (const toml::array* list = node->as_array()) {
      for (const toml::node& item : *list) f(table_of(item, key));
    } else {
      f(table_of(*node, key));
    }
  }

  TypeRule type_rule(const toml::table& t) {
    only(t, {"type", "array", "union", "pointer", "inside"}, "[[recognizer]]");
    TypeRule rule;
    rule.source = source(t);

    const toml::node* type = t.get("type");
    if (!type) fail(file_, t, "[[recognizer]] needs 'type', a type name or a list of them");
    if (const toml::array* names = type->as_array()) {
      for (const toml::node& name : *names) {
        auto s = name.value<std::string>();
        if (!s) fail(file_, name, "'type' lists type names: strings");
        rule.patterns.push_back(*s);
      }
    } else if (auto s = type->value<std::string>()) {
      rule.patterns.push_back(*s);
    } else {
      fail(file_, *type, "'type' is a type name or a list of them");
    }
    each(t, "array", [&](const toml::table& a) {
      only(a, {"pointer", "count", "capacity", "element", "kind", "block", "when", "live",
               "element_member", "node_kind"},
           "[[recognizer.array]]");
      ArrayRule r;
      r.pointer = text(a, "pointer", true, "[[recognizer.array]]");
      r.count = text(a, "count", true, "[[recognizer.array]]");
      r.capacity = text(a, "capacity", false, "");
      r.element = text(a, "element", false, "");
      r.kind = text(a, "kind", false, "");
      r.block = text(a, "block", false, "");
      r.when = text(a, "when", false, "");
      r.element_member = text(a, "element_member", false, "");
      r.node_kind = text(a, "node_kind", false, "");
      if (const toml::node* live = a.get("live")) {
        const toml::table& l = table_of(*live, "live");
        only(l, {"bytes", "mask", "equals"}, "live");
        r.live_bytes = text(l, "bytes", true, "live");
        r.live_mask = integer(l, "mask");
        r.live_equals = integer(l, "equals");
      }
      r.source = source(a);
      rule.arrays.push_back(std::move(r));
    });
    each(t, "union", [&](const toml::table& u) {
      only(u, {"member", "selector", "cases"}, "[[recognizer.union]]");
      UnionRule r{text(u, "member", true, "[[recognizer.union]]"),
                  text(u, "selector", true, "[[recognizer.union]]"), {}, source(u)};
      const toml::table* cases = u.get_as<toml::table>("cases");
      if (!cases) fail(file_, u, "[[recognizer.union]] needs 'cases', a table of value = \"member\"");
      for (auto&& [value, member] : *cases) {
        int64_t v = 0;
        try {
          size_t used = 0;
          v = std::stoll(std::string(value.str()), &used, 0);
          if (used != value.str().size()) throw std::invalid_argument("");
        } catch (...) {
          fail(file_, member, fmt::format("case '{}' is not an integer", value.str()));
        }
        auto name = member.value<std::string>();
        if (!name) fail(file_, member, "a case names a member of the union: a string");
        r.cases.push_back({v, *name});
      }
      rule.unions.push_back(std::move(r));
    });
    each(t, "pointer", [&](const toml::table& p) {
      only(p, {"field", "elements", "to", "kind"}, "[[recognizer.pointer]]");
      PointerRule r{text(p, "field", false, ""), text(p, "to", true, "[[recognizer.pointer]]"),
                    text(p, "kind", false, ""), source(p), text(p, "elements", false, "")};
      if (r.field.empty() == r.elements.empty())
        fail(file_, p, "[[recognizer.pointer]] needs one of 'field' and 'elements'");
      if (!r.elements.empty() && !r.kind.empty())
        fail(file_, p, "[[recognizer.pointer]] with 'elements' takes no 'kind' (the type names them)");
      rule.pointers.push_back(std::move(r));
    });
    each(t, "inside", [&](const toml::table& i) {
      only(i, {"object", "member"}, "[recognizer.inside]");
      rule.inside.push_back({text(i, "object", true, "[recognizer.inside]"),
                             text(i, "member", true, "[recognizer.inside]"), source(i)});
    });
    if (rule.arrays.empty() && rule.unions.empty() && rule.pointers.empty() && rule.inside.empty())
      fail(file_, t, fmt::format("the recognizer for '{}' says nothing (add array, union, pointer or inside)", rule.patterns.front()));
    return rule;
  }

  std::string file_;
};

std::string without_spaces(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != ' ') out += c;
  return out;
}

// One '*' may take n[j, k) when that text has balanced brackets and no top-level comma.
bool star_takes(std::string_view n, size_t j, size_t k, bool any) {
  int depth = 0;
  for (size_t i = j; i < k; ++i) {
    char c = n[i];
    if (c == '<' || c == '(' || c == '[') ++depth;
    else if (c == '>' || c == ')' || c == ']') {
      if (--depth < 0) return false;
    } else if (c == ',' && depth == 0 && !any) {
      return false;
    }
  }
  return depth == 0;
}

bool match_from(std::string_view p, size_t i, std::string_view n, size_t j) {
  while (i < p.size()) {
    if (p[i] == '*') {
      bool any = i + 1 < p.size() && p[i + 1] == '*';
      size_t next = i + (any ? 2 : 1);
      for (size_t k = j; k <= n.size(); ++k)
        if (star_takes(n, j, k, any) && match_from(p, next, n, k)) return true;
      return false;
    }
    if (j >= n.size() || p[i] != n[j]) return false;
    ++i;
    ++j;
  }
  return j == n.size();
}

}  // namespace

std::string RuleSource::text() const { return fmt::format("{}:{}", file, line); }

bool name_matches(std::string_view pattern, std::string_view name) {
  return match_from(without_spaces(pattern), 0, without_spaces(name), 0);
}

void RuleSet::add(std::string_view text, const std::string& file) {
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    throw RecognizerError(fmt::format("{}:{}: {}", file, e.source().begin.line, e.description()));
  }
  std::vector<AllocatorRule> allocators;
  std::vector<TypeRule> rules = Reader(file).read(root, &allocators);
  files_.push_back({file, rules.size() + allocators.size()});
  for (TypeRule& r : rules) rules_.push_back(std::move(r));
  if (!allocators_) allocators_ = std::make_shared<std::vector<AllocatorRule>>();
  for (AllocatorRule& a : allocators) allocators_->push_back(std::move(a));
}

void RuleSet::add_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw RecognizerError(fmt::format("{}: cannot read it", path));
  std::stringstream text;
  text << in.rdbuf();
  add(text.str(), path);
}

const std::vector<AllocatorRule>& RuleSet::allocators() const {
  static const std::vector<AllocatorRule> none;
  return allocators_ ? *allocators_ : none;
}

const TypeRule* RuleSet::match(std::initializer_list<std::string_view> names) const {
  for (const TypeRule& rule : rules_) {
    if (rule.arrays.empty() && rule.unions.empty() && rule.pointers.empty()) continue;
    for (const std::string& pattern : rule.patterns)
      for (std::string_view name : names)
        if (!name.empty() && name_matches(pattern, name)) return &rule;
  }
  return nullptr;
}

std::vector<const InsideRule*> RuleSet::inside_rules(std::initializer_list<std::string_view> names) const {
  std::vector<const InsideRule*> found;
  for (const TypeRule& rule : rules_) {
    bool matched = false;
    for (const std::string& pattern : rule.patterns)
      for (std::string_view name : names) matched = matched || (!name.empty() && name_matches(pattern, name));
    if (matched)
      for (const InsideRule& i : rule.inside) found.push_back(&i);
  }
  return found;
}

}  // namespace heapwalk::typeinfo
