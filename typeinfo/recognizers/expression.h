// Integer expressions over an object's fields, as recognizers write them: "size_",
// "m_rows * m_cols", "end_ - begin_" (pointers subtract as in C++: in elements), "meta_ >> 1",
// "raw_ & ~3", "{1}" (the type's template argument 1, a number). Compiled once per type into field
// offsets; evaluated per object on raw memory.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <lldb/API/SBType.h>

namespace heapwalk::typeinfo {

// A recognizer that cannot apply to a type; what() says why in a line.
struct RecognizerError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Expression {
 public:
  // Reads `size` bytes at `address`; false when unreadable.
  using Read = std::function<bool(uint64_t address, void* out, size_t size)>;

  Expression() = default;
  // Compiles `text` against `type` (fields by name, through bases and nested members; template
  // arguments from `type_name`). Throws RecognizerError naming the problem.
  Expression(std::string_view text, lldb::SBType type, std::string_view type_name);

  bool empty() const { return !root_; }
  // The value for the object at `object`; nullopt when a field cannot be read.
  std::optional<uint64_t> evaluate(uint64_t object, const Read& read) const;
  // When the expression is one pointer field (possibly masked), or &member: its pointee type.
  lldb::SBType pointee() const { return pointee_; }
  // When the expression reads one field (possibly masked): where it is in the object.
  std::optional<uint32_t> field_offset() const { return field_offset_; }
  const std::string& text() const { return text_; }
  // When the expression is "&member" (no "->"): the member's bytes in the object.
  struct ByteSpan {
    uint32_t offset = 0, size = 0;
  };
  std::optional<ByteSpan> in_place() const { return in_place_; }
  // The object's field a one-field expression reads, or a path through "->" starts from.
  std::optional<uint32_t> first_field() const { return first_field_; }

  struct Node;

 private:
  std::shared_ptr<const Node> root_;
  lldb::SBType pointee_;
  std::optional<uint32_t> field_offset_, first_field_;
  std::optional<ByteSpan> in_place_;
  std::string text_;
};

}  // namespace heapwalk::typeinfo
