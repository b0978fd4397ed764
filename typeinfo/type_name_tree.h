// The parse tree behind readable_type_name: a type is a flat run of pieces (words,
// punctuation); a template argument list is one piece holding types.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heapwalk::typeinfo::type_name {

struct Piece;
using Type = std::vector<Piece>;

struct Piece {
  enum class Kind { Word, Punct, Arguments } kind;
  std::string text;        // Word and Punct
  std::vector<Type> args;  // Arguments
  bool space_before = false;
};

inline bool is_word(const Piece& p, std::string_view text) {
  return p.kind == Piece::Kind::Word && p.text == text;
}
inline bool is_punct(const Piece& p, std::string_view text) {
  return p.kind == Piece::Kind::Punct && p.text == text;
}

// The tree of a type name, or nullopt when it is not one this parser understands.
std::optional<Type> parse(std::string_view text);

// The tree printed with one spacing convention ("T*", "A<B>>", "const T&").
std::string render(const Type& type);

}  // namespace heapwalk::typeinfo::type_name
