// One spelling for builtin types, cv-qualifiers and integer literals (see docs/kinds.md):
// DWARF from g++ writes "long unsigned int", "char const*", "long int const volatile"; LLDB and
// the demangler write "unsigned long", "const char *"; all become "unsigned long", "const char*".
#include "typeinfo/type_names_internal.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace heapwalk::typeinfo::type_name {
namespace {

constexpr size_t kNone = static_cast<size_t>(-1);

bool is_cv(const Piece& p) { return is_word(p, "const") || is_word(p, "volatile"); }

bool is_builtin_word(std::string_view word) {
  static constexpr std::array<std::string_view, 15> kWords = {
      "signed", "unsigned", "short",   "long",    "int",      "char",     "double",  "float",
      "bool",   "void",     "wchar_t", "char8_t", "char16_t", "char32_t", "__int128"};
  return std::find(kWords.begin(), kWords.end(), word) != kWords.end();
}

// Start of the qualified name that ends with the "::" at `colons` ("Foo::" in "int Foo::*").
size_t member_class_begin(const Type& type, size_t colons) {
  size_t i = colons;
  while (i > 0) {
    if (type[i - 1].kind == Piece::Kind::Arguments && i >= 2 && is_word(type[i - 2])) {
      i -= 2;
    } else if (is_word(type[i - 1])) {
      --i;
    } else {
      break;
    }
    if (i == 0 || !is_punct(type[i - 1], "::")) break;
    --i;
  }
  return i;
}

// End of the decl-specifiers: the first declarator piece ('*', '&', '(', '[', "...") or operator.
// In a pointer to member ("int Foo::*") the class name belongs to the declarator.
size_t specifiers_end(const Type& type) {
  for (size_t i = 0; i < type.size(); ++i) {
    const Piece& p = type[i];
    if (p.kind == Piece::Kind::Parens) return i;
    if (p.kind != Piece::Kind::Punct || p.text == "::") continue;
    if (p.text == "*" && i > 0 && is_punct(type[i - 1], "::")) {
      return member_class_begin(type, i - 1);
    }
    return i;
  }
  return type.size();
}

// "::a::b<c>::d": an optional leading "::", then words joined by "::", each with optional
// template arguments.
bool is_one_qualified_name(const Type& type, size_t first, size_t last) {
  size_t i = first;
  if (is_punct(type[i], "::")) ++i;
  while (i <= last) {
    if (!is_word(type[i]) || is_cv(type[i]) || type[i].text.starts_with("operator")) return false;
    ++i;
    if (i <= last && type[i].kind == Piece::Kind::Arguments) ++i;
    if (i > last) return true;
    if (!is_punct(type[i], "::")) return false;
    ++i;
  }
  return false;  // ends with "::"
}

// Whether `text` is a decimal integer literal with a suffix ("4ul"); sets `digits`.
bool has_integer_suffix(std::string_view text, size_t& digits) {
  if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) return false;
  if (text.size() > 1 && (text[1] == 'x' || text[1] == 'X' || text[1] == 'b')) return false;
  digits = 0;
  while (digits < text.size() && std::isdigit(static_cast<unsigned char>(text[digits]))) ++digits;
  const std::string_view suffix = text.substr(digits);
  return !suffix.empty() && suffix.size() <= 3 &&
         suffix.find_first_not_of("uUlL") == std::string_view::npos;
}

// The decl-specifiers of a type: cv-qualifiers, and either builtin words or one name.
struct Specifiers {
  bool is_const = false, is_volatile = false;
  std::vector<std::string_view> builtin;         // "long", "unsigned", "int"
  size_t name_first = kNone, name_last = kNone;  // the name's pieces, "std::vector<int>"
};

// The specifiers in type[0, end), or nullopt when they are not one type ("unsigned Foo",
// "A const B", a function's return type and name).
std::optional<Specifiers> read_specifiers(const Type& type, size_t end) {
  Specifiers s;
  for (size_t i = 0; i < end; ++i) {
    const Piece& p = type[i];
    if (is_word(p, "const")) {
      s.is_const = true;
    } else if (is_word(p, "volatile")) {
      s.is_volatile = true;
    } else if (is_word(p) && is_builtin_word(p.text)) {
      s.builtin.push_back(p.text);
    } else {
      if (s.name_first != kNone && s.name_last + 1 != i) return std::nullopt;
      if (s.name_first == kNone) s.name_first = i;
      s.name_last = i;
    }
  }
  const bool has_name = s.name_first != kNone;
  if (has_name == !s.builtin.empty()) return std::nullopt;  // neither, or both
  if (has_name && !is_one_qualified_name(type, s.name_first, s.name_last)) return std::nullopt;
  // "const <lambda()>" would read back as the template "const<…>".
  if ((s.is_const || s.is_volatile) && has_name && starts_with_angle(type, s.name_first)) {
    return std::nullopt;
  }
  return s;
}

Piece word_piece(std::string text) { return {Piece::Kind::Word, std::move(text), {}, true}; }

// The specifiers in one order: "const volatile", then the builtin's one spelling or the name.
std::optional<Type> canonical_prefix(const Type& type, const Specifiers& s) {
  Type prefix;
  if (s.is_const) prefix.push_back(word_piece("const"));
  if (s.is_volatile) prefix.push_back(word_piece("volatile"));
  if (s.name_first != kNone) {
    prefix.insert(prefix.end(), type.begin() + static_cast<std::ptrdiff_t>(s.name_first),
                  type.begin() + static_cast<std::ptrdiff_t>(s.name_last + 1));
    return prefix;
  }
  const std::optional<std::string> spelling = builtin_spelling(s.builtin);
  if (!spelling) return std::nullopt;
  for (size_t from = 0; from < spelling->size();) {  // "unsigned long" is two words
    const size_t space = std::min(spelling->find(' ', from), spelling->size());
    prefix.push_back(word_piece(spelling->substr(from, space - from)));
    from = space + 1;
  }
  return prefix;
}

}  // namespace

std::optional<std::string> builtin_spelling(const std::vector<std::string_view>& words) {
  auto count = [&](std::string_view word) { return std::count(words.begin(), words.end(), word); };
  const auto is_signed = count("signed"), is_unsigned = count("unsigned"), shorts = count("short"),
             longs = count("long"), ints = count("int");
  std::string_view base;  // char, double, __int128, or a type that takes no modifiers
  for (std::string_view w : words) {
    if (w == "signed" || w == "unsigned" || w == "short" || w == "long" || w == "int") continue;
    if (!base.empty()) return std::nullopt;
    base = w;
  }
  if (is_signed + is_unsigned > 1 || ints > 1 || shorts > 1 || longs > 2 ||
      (shorts > 0 && longs > 0)) {
    return std::nullopt;
  }
  const bool modified = is_signed + is_unsigned + shorts + longs + ints > 0;
  if (base == "char") {
    if (shorts + longs + ints > 0) return std::nullopt;
    return is_unsigned ? "unsigned char" : is_signed ? "signed char" : "char";
  }
  if (base == "double") {
    if (is_signed + is_unsigned + shorts + ints > 0 || longs > 1) return std::nullopt;
    return longs ? "long double" : "double";
  }
  if (base == "__int128") {
    if (shorts + longs + ints > 0) return std::nullopt;
    return is_unsigned ? "unsigned __int128" : "__int128";
  }
  if (!base.empty()) {
    if (modified) return std::nullopt;
    return std::string(base);
  }
  // An integer: "unsigned" alone is "unsigned int", "long int" is "long".
  std::string size = shorts ? "short" : longs == 2 ? "long long" : longs ? "long" : "int";
  return is_unsigned ? "unsigned " + size : size;
}

void normalize_specifiers(Type& type) {
  const size_t end = specifiers_end(type);
  const std::optional<Specifiers> specifiers = read_specifiers(type, end);
  if (!specifiers) return;
  std::optional<Type> prefix = canonical_prefix(type, *specifiers);
  if (!prefix) return;
  type.erase(type.begin(), type.begin() + static_cast<std::ptrdiff_t>(end));
  type.insert(type.begin(), std::make_move_iterator(prefix->begin()),
              std::make_move_iterator(prefix->end()));
}

void normalize_literals(Type& type) {
  for (Piece& piece : type) {
    size_t digits = 0;
    if (is_word(piece) && has_integer_suffix(piece.text, digits)) piece.text.resize(digits);
  }
}

std::string const_of(std::string_view type) {
  const std::optional<Type> tree = parse(type);
  const bool pointer = tree && std::any_of(tree->begin(), tree->end(), [](const Piece& p) {
                         return is_punct(p, "*") || is_punct(p, "&") || is_punct(p, "&&");
                       });
  return pointer ? std::string(type) + " const" : "const " + std::string(type);
}

std::optional<std::string> first_argument_of(std::string_view type, std::string_view name) {
  if (!type.starts_with(name) || !type.substr(name.size()).starts_with('<')) return std::nullopt;
  const std::optional<Type> tree = parse(type);
  if (!tree || tree->empty() || tree->back().kind != Piece::Kind::Arguments ||
      tree->back().args.empty()) {
    return std::nullopt;
  }
  if (render(Type(tree->begin(), tree->end() - 1)) != name) return std::nullopt;
  return render(tree->back().args.front());
}

}  // namespace heapwalk::typeinfo::type_name
