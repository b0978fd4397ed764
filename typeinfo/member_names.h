// How a reader of the source names the bytes of a compiled type: the member path at an offset
// ("pos.x", "cells[3].v"), and for a map's value, a std::pair<const K, V>, where its members
// are and what its key is. Asked in plain terms (layout ids, offsets), so that what labels edges
// (walker/analysis/edge_labels.h) is tested without a debugger; TypeMemberNames answers from
// the debug info.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "typeinfo/layout.h"

namespace heapwalk::typeinfo {

class TypeRegistry;

// How a map's key reads: an integer, a libstdc++ std::string, or neither (shown as "…").
enum class KeyForm : uint8_t { kOther, kSigned, kUnsigned, kString };

struct PairMembers {
  uint64_t first_offset = 0, second_offset = 0;
  KeyForm key = KeyForm::kOther;
  uint64_t key_size = 0;  // bytes of the key's type
};

class MemberNames {
 public:
  virtual ~MemberNames() = default;
  // sizeof the layout's type.
  virtual uint64_t size(LayoutId layout) = 0;
  // The member path at `offset`; "" where nothing names it (padding, the insides of library
  // types: std::, boost::, ... are not what the program's author wrote).
  virtual std::string member_at(LayoutId layout, uint64_t offset) = 0;
  // The layout as a pair of exactly two members (first, second); nullopt otherwise.
  virtual std::optional<PairMembers> pair(LayoutId layout) = 0;
  // member_at inside the pair's second member (`offset` from the second's start).
  virtual std::string second_member_at(LayoutId layout, uint64_t offset) = 0;
};

// The answers of the debug info, through the registry's types.
class TypeMemberNames final : public MemberNames {
 public:
  explicit TypeMemberNames(TypeRegistry& types) : types_(types) {}
  uint64_t size(LayoutId layout) override;
  std::string member_at(LayoutId layout, uint64_t offset) override;
  std::optional<PairMembers> pair(LayoutId layout) override;
  std::string second_member_at(LayoutId layout, uint64_t offset) override;

 private:
  TypeRegistry& types_;
};

}  // namespace heapwalk::typeinfo
