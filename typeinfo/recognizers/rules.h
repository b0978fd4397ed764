// Recognizers written as data: what a type's fields mean when DWARF cannot say (a pointer and a
// count, the active member of a union, a pointer hidden in an integer, a hook inside a larger
// object). Read from TOML (docs/recognizers.md): heapwalk's built-in ones for libraries, and
// users' files for their own types. Rules are matched by type name and compiled per type into
// layouts (declared.h), so reading them costs nothing per object.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace heapwalk::typeinfo {

// Where a rule was written, for messages: "mypool.toml:12".
struct RuleSource {
  std::string file;
  int line = 0;
  std::string text() const;
};

// "pointer points to count elements of element (capacity of them fit its block)".
struct ArrayRule {
  std::string pointer;   // an expression giving the buffer's address (a field, or a masked one)
  std::string count;     // expression: elements constructed, walked
  std::string capacity;  // expression (optional): elements the buffer holds; the rest is dead
  std::string element;   // type (optional): default the pointer's pointee; {N}: template argument
  std::string kind;      // the buffer's kind (optional): default element + "[]"
  // Optional (rules_array.cpp, docs/recognizers.md "Tables"):
  std::string block;           // expression: the allocation the buffer lives in starts here
  std::string when;            // expression: the buffer exists only when it is nonzero
  std::string live_bytes;      // expression: one byte per element; element i is live when
  int64_t live_mask = 0;       //   (byte[i] & live_mask) == live_equals (live = {bytes, mask,
  int64_t live_equals = 0;     //   equals}); then count is the number of slots
  std::string element_member;  // walk each element as this member of it (a union slot)
  std::string node_kind;       // elements are owning pointers; what they point to is named so
  RuleSource source;
};

// "union member's active member is the one cases names for selector's value".
struct UnionRule {
  std::string member;    // the union member (a field path)
  std::string selector;  // expression
  std::vector<std::pair<int64_t, std::string>> cases;  // value -> member of the union
  RuleSource source;
};

// "field holds a pointer to a `to`" (void*, an integer, a tagged word: mask it first).
struct PointerRule {
  std::string field;  // expression giving the address (a field, "raw & ~3")
  std::string to;     // type; {N}: template argument
  std::string kind;   // the target's kind (optional): default its type
  RuleSource source;
  // Instead of `field`: a container member (a std::list<void*>, a std::vector<intptr_t>) each of
  // whose elements is a pointer to a `to` (named by its type).
  std::string elements;
};

// "an object of this type sits inside an `object`, at its member `member`" (intrusive hooks).
struct InsideRule {
  std::string object;
  std::string member;
  RuleSource source;
};

struct AllocatorRule;  // allocator_rules.h: [[allocator]], a program's own allocator

struct TypeRule {
  // Type names; * matches within one template argument, ** anything.
  std::vector<std::string> patterns;
  std::vector<ArrayRule> arrays;
  std::vector<UnionRule> unions;
  std::vector<PointerRule> pointers;
  std::vector<InsideRule> inside;
  RuleSource source;
};

class RuleSet {
 public:
  // Reads TOML text; throws RecognizerError "FILE:LINE: what is wrong" and adds nothing then.
  void add(std::string_view text, const std::string& file);
  // Reads a file (add() of its contents).
  void add_file(const std::string& path);

  // The first rule (in the order added) whose pattern matches any of the names.
  const TypeRule* match(std::initializer_list<std::string_view> names) const;
  // Rules that say a type sits inside another: for `type`'s names.
  std::vector<const InsideRule*> inside_rules(std::initializer_list<std::string_view> names) const;

  struct Loaded {
    std::string file;
    size_t rules = 0;
  };
  const std::vector<Loaded>& files() const { return files_; }
  const std::vector<TypeRule>& rules() const { return rules_; }
  // The [[allocator]] rules, in the order added (allocator_rules.h).
  const std::vector<AllocatorRule>& allocators() const;

 private:
  std::vector<TypeRule> rules_;
  std::shared_ptr<std::vector<AllocatorRule>> allocators_;
  std::vector<Loaded> files_;
};

// Whether a type name matches a pattern: "*" stands for any text inside one template argument
// (no top-level comma), "**" for any text; everything else must be equal, spaces aside.
bool name_matches(std::string_view pattern, std::string_view name);

}  // namespace heapwalk::typeinfo
