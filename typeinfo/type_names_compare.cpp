// same_type_name: whether two spellings of a type from different sources (a vtable symbol
// demangled by LLDB, a compile unit's DWARF, LLDB's own printing) denote the same type.
#include "typeinfo/type_names.h"

#include "typeinfo/type_names_internal.h"

#include <cctype>

namespace heapwalk::typeinfo {
namespace {

using type_name::is_punct;
using type_name::is_word;
using type_name::Piece;
using type_name::Type;

bool same_type(const Type& a, const Type& b);

// A value argument written as a cast, "(E)N": the demangler's spelling of an enumerator or a
// character whose name it does not know.
struct Cast {
  const Type* type;
  long long value;
};

std::optional<long long> integer(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  long long value = 0;
  for (char c : text) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

std::optional<Cast> as_cast(const Type& t) {
  if (t.size() < 2 || t[0].kind != Piece::Kind::Parens || t[0].args.size() != 1) {
    return std::nullopt;
  }
  const bool negative = is_punct(t[1], "-");
  const size_t number = negative ? 2 : 1;
  if (number + 1 != t.size() || !is_word(t[number])) return std::nullopt;
  const std::optional<long long> value = integer(t[number].text);
  if (!value) return std::nullopt;
  return Cast{&t[0].args[0], negative ? -*value : *value};
}

// "a::b::c" (words joined by "::", scopes may have template arguments), the shape of an
// enumerator: "__gnu_cxx::_S_atomic", "Mode::B", "Green".
bool is_enumerator(const Type& t) {
  if (t.empty() || !is_word(t.back())) return false;
  const std::string& last = t.back().text;
  if (!(std::isalpha(static_cast<unsigned char>(last[0])) || last[0] == '_') || last == "true" ||
      last == "false" || last == "nullptr") {
    return false;
  }
  for (const Piece& p : t) {
    if (!is_word(p) && !is_punct(p, "::") && p.kind != Piece::Kind::Arguments) return false;
  }
  return true;
}

// "a::b" for "a::b::c"; empty for "c".
Type scope_of(const Type& t) {
  if (t.size() < 2 || !is_punct(t[t.size() - 2], "::")) return {};
  return Type(t.begin(), t.end() - 2);
}

// (E)N matches an enumerator in E's scope (an unscoped enum: "(__gnu_cxx::_Lock_policy)2" and
// "__gnu_cxx::_S_atomic") or in E itself (a scoped enum: "(Mode)1" and "Mode::B"). N is not
// checked: the enumerator's value is not in its name.
bool cast_matches_enumerator(const Cast& cast, const Type& enumerator) {
  if (!is_enumerator(enumerator) || !is_enumerator(*cast.type)) return false;
  const Type scope = scope_of(enumerator);
  return same_type(scope, scope_of(*cast.type)) || same_type(scope, *cast.type);
}

// The code of a character literal: 'x', '\n', '\000', '\x41'.
std::optional<long long> character_code(std::string_view literal) {
  if (literal.size() < 3 || literal.front() != '\'' || literal.back() != '\'') return std::nullopt;
  const std::string_view body = literal.substr(1, literal.size() - 2);
  if (body.size() == 1 && body[0] != '\\') return static_cast<unsigned char>(body[0]);
  if (body.size() < 2 || body[0] != '\\') return std::nullopt;
  const std::string_view escape = body.substr(1);
  if (escape.size() == 1) {
    static constexpr std::string_view kFrom = "ntrvfab0\\'\"?";
    static constexpr char kTo[] = {'\n', '\t', '\r', '\v', '\f', '\a',
                                   '\b', '\0', '\\', '\'', '"',  '?'};
    const size_t at = kFrom.find(escape[0]);
    if (at != std::string_view::npos) return static_cast<unsigned char>(kTo[at]);
  }
  const bool hex = escape[0] == 'x';
  long long code = 0;
  for (char c : hex ? escape.substr(1) : escape) {
    const int digit = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                      : hex && std::isxdigit(static_cast<unsigned char>(c))
                          ? std::tolower(static_cast<unsigned char>(c)) - 'a' + 10
                          : -1;
    if (digit < 0 || (!hex && digit > 7)) return std::nullopt;
    code = code * (hex ? 16 : 8) + digit;
  }
  return code;
}

// (char)120 matches 'x'; (bool)1 matches true.
bool cast_matches_literal(const Cast& cast, const Type& literal) {
  if (literal.size() != 1 || !is_word(literal[0]) || cast.type->empty()) return false;
  const std::string& text = literal[0].text;
  const std::string& type = cast.type->back().text;
  if (cast.type->size() == 1 && type == "bool") {
    return (text == "true" && cast.value == 1) || (text == "false" && cast.value == 0);
  }
  if (type != "char" && type != "wchar_t" && !type.starts_with("char")) return false;
  const std::optional<long long> code = character_code(text);
  return code && (*code == cast.value || *code == cast.value + 256);  // (char)-1 is '\377'
}

bool cast_matches(const Type& maybe_cast, const Type& other) {
  const std::optional<Cast> cast = as_cast(maybe_cast);
  return cast && (cast_matches_enumerator(*cast, other) || cast_matches_literal(*cast, other));
}

bool same_item(const Type& a, const Type& b) {
  return same_type(a, b) || cast_matches(a, b) || cast_matches(b, a);
}

bool same_type(const Type& a, const Type& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const Piece& x = a[i];
    const Piece& y = b[i];
    if (x.kind != y.kind || x.text != y.text || x.args.size() != y.args.size()) return false;
    for (size_t j = 0; j < x.args.size(); ++j) {
      if (!same_item(x.args[j], y.args[j])) return false;
    }
  }
  return true;
}

// Spacing removed except between two identifier characters, for names the parser refuses.
std::string squeezed(std::string_view text) {
  auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  std::string out;
  bool pending_space = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      pending_space = true;
      continue;
    }
    if (pending_space && !out.empty() && word_char(out.back()) && word_char(c)) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

}  // namespace

bool same_type_name(std::string_view a, std::string_view b) {
  try {
    std::optional<Type> ta = type_name::parse(a);
    std::optional<Type> tb = type_name::parse(b);
    if (!ta || !tb) return squeezed(a) == squeezed(b);
    type_name::simplify(*ta);
    type_name::simplify(*tb);
    return same_type(*ta, *tb);
  } catch (...) {  // std::bad_alloc: fall back to the plain comparison
    return squeezed(a) == squeezed(b);
  }
}

}  // namespace heapwalk::typeinfo
