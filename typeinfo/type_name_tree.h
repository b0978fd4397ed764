// The parse tree behind readable_type_name: a type is a flat run of pieces (words,
// punctuation); a template argument list and a parenthesized list (function parameters, the
// type of a cast, "(*)") are each one piece holding types.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heapwalk::typeinfo::type_name {

struct Piece;
using Type = std::vector<Piece>;

struct Piece {
  enum class Kind { Word, Punct, Arguments, Parens } kind;
  std::string text;        // Word and Punct
  std::vector<Type> args;  // Arguments: "<a, b>"; Parens: "(a, b)"; comma-separated items
  bool space_before = false;
};

inline bool is_word(const Piece& p, std::string_view text) {
  return p.kind == Piece::Kind::Word && p.text == text;
}
inline bool is_punct(const Piece& p, std::string_view text) {
  return p.kind == Piece::Kind::Punct && p.text == text;
}
inline bool is_word(const Piece& p) { return p.kind == Piece::Kind::Word; }

// Whether type[i] starts with '<' (a stray '<', or GCC's "<lambda()>"): after a word it would
// open a template argument list when the printed name is read back, so no transformation may
// put a word before it.
inline bool starts_with_angle(const Type& type, size_t i) {
  return i < type.size() &&
         (type[i].kind == Piece::Kind::Word || type[i].kind == Piece::Kind::Punct) &&
         type[i].text.starts_with('<');
}

// The tree of a type name, or nullopt when it is not one this parser understands.
std::optional<Type> parse(std::string_view text);

// The tree printed with one spacing convention ("T*", "A<B>>", "const T&", "int(int)").
std::string render(const Type& type);

}  // namespace heapwalk::typeinfo::type_name
