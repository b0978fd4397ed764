// Turns LLDB/DWARF type spellings into what a person writes. The name is parsed into a small
// tree (words, punctuation, template argument lists), simplified bottom-up, and printed again with
// one spacing convention. Anything the parser does not understand comes back trimmed, unchanged.
#include "typeinfo/type_names.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <vector>

#include <fmt/format.h>

namespace heapwalk::typeinfo {
namespace {

// ---------------------------------------------------------------------------------------------
// Tokens

enum class TokenKind { Word, Punct };

struct Token {
  TokenKind kind;
  std::string text;
  bool space_before = false;  // the source had whitespace before this token
};

bool is_identifier_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool is_identifier_char(char c) {
  return is_identifier_start(c) || std::isdigit(static_cast<unsigned char>(c));
}

// Length of a bracketed group starting at `pos` that LLDB or GCC uses as one name, such as
// "(anonymous namespace)", "(lambda at f.cpp:3:5)" or "{lambda(int)#1}"; 0 when there is none.
size_t grouped_name_length(std::string_view text, size_t pos) {
  const char open = text[pos];
  if (open == '(') {
    static constexpr std::array<std::string_view, 3> kPrefixes = {"anonymous ", "unnamed ",
                                                                  "lambda at "};
    const std::string_view rest = text.substr(pos + 1);
    if (std::none_of(kPrefixes.begin(), kPrefixes.end(),
                     [&](std::string_view p) { return rest.starts_with(p); })) {
      return 0;
    }
  } else if (open != '{') {
    return 0;
  }
  const char close = open == '(' ? ')' : '}';
  int depth = 0;
  for (size_t i = pos; i < text.size(); ++i) {
    if (text[i] == open) ++depth;
    if (text[i] == close && --depth == 0) return i - pos + 1;
  }
  return 0;
}

std::optional<std::vector<Token>> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  bool space = false;
  size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      ++i;
      continue;
    }
    size_t length = 1;
    TokenKind kind = TokenKind::Punct;
    if (is_identifier_char(c)) {
      kind = TokenKind::Word;
      while (i + length < text.size() && is_identifier_char(text[i + length])) ++length;
    } else if (c == '\'' || c == '"') {  // a character or string literal in a value argument
      kind = TokenKind::Word;
      while (i + length < text.size() && text[i + length] != c) {
        length += text[i + length] == '\\' ? 2 : 1;
      }
      if (i + length >= text.size()) return std::nullopt;
      ++length;
    } else if (const size_t group = grouped_name_length(text, i); group > 0) {
      kind = TokenKind::Word;
      length = group;
    } else if (text.substr(i).starts_with("::") || text.substr(i).starts_with("&&")) {
      length = 2;
    } else if (text.substr(i).starts_with("...")) {
      length = 3;
    }
    tokens.push_back({kind, std::string(text.substr(i, length)), space});
    space = false;
    i += length;
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Tree: a type is a flat run of pieces; a template argument list is one piece holding types.

struct Piece;
using Type = std::vector<Piece>;

struct Piece {
  enum class Kind { Word, Punct, Arguments } kind;
  std::string text;        // Word and Punct
  std::vector<Type> args;  // Arguments
  bool space_before = false;
};

bool is_word(const Piece& p, std::string_view text) {
  return p.kind == Piece::Kind::Word && p.text == text;
}
bool is_punct(const Piece& p, std::string_view text) {
  return p.kind == Piece::Kind::Punct && p.text == text;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  std::optional<Type> parse() {
    Type type;
    if (!parse_run(type, /*in_arguments=*/false, 0) || pos_ != tokens_.size()) return std::nullopt;
    return type;
  }

 private:
  // Deeper nesting than this is not a real type name; refusing it keeps the stack bounded.
  static constexpr int kMaxDepth = 200;

  // Reads pieces until the end, or, inside a template argument list, until a ',' or '>' outside
  // parentheses (left for the caller).
  bool parse_run(Type& out, bool in_arguments, int depth) {
    if (depth > kMaxDepth) return false;
    int parens = 0;
    while (pos_ < tokens_.size()) {
      const Token& token = tokens_[pos_];
      if (token.kind == TokenKind::Word) {
        out.push_back({Piece::Kind::Word, token.text, {}, token.space_before});
        ++pos_;
        continue;
      }
      const std::string& p = token.text;
      if (in_arguments && parens == 0 && (p == "," || p == ">")) return true;
      if (p == "<" && opens_arguments(out)) {
        ++pos_;
        Piece list{Piece::Kind::Arguments, {}, {}, token.space_before};
        if (!parse_arguments(list.args, depth + 1)) return false;
        out.push_back(std::move(list));
        continue;
      }
      if (p == "(" || p == "[") ++parens;
      if (p == ")" || p == "]") {
        if (parens == 0) return false;
        --parens;
      }
      // A '>' outside any list (or inside parentheses) is an operator in a value argument.
      if (p == ">" && !in_arguments && parens == 0) return false;
      out.push_back({Piece::Kind::Punct, p, {}, token.space_before});
      ++pos_;
    }
    return !in_arguments && parens == 0;
  }

  // After "<": arguments separated by ',' up to the matching '>'.
  bool parse_arguments(std::vector<Type>& args, int depth) {
    if (pos_ < tokens_.size() && tokens_[pos_].text == ">") {  // "<>"
      ++pos_;
      return true;
    }
    while (true) {
      Type arg;
      if (!parse_run(arg, /*in_arguments=*/true, depth) || arg.empty()) return false;
      args.push_back(std::move(arg));
      if (pos_ >= tokens_.size()) return false;
      const std::string& stop = tokens_[pos_++].text;
      if (stop == ">") return true;
    }
  }

  // '<' opens a template argument list after a name (not after a number, as in "(1<2)").
  static bool opens_arguments(const Type& before) {
    if (before.empty() || before.back().kind != Piece::Kind::Word) return false;
    const std::string& word = before.back().text;
    return is_identifier_start(word.front()) || word.front() == '(' || word.front() == '{';
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Printing

bool is_cv_qualifier(const Piece& p) {
  return p.kind == Piece::Kind::Word &&
         (p.text == "const" || p.text == "volatile" || p.text == "noexcept");
}

// Punctuation of declarators and names, spaced by fixed rules; anything else ('-', '>', '+' in
// value arguments) keeps the spacing the source had.
bool is_declarator_punct(const Piece& p) {
  static constexpr std::array<std::string_view, 10> kDeclarator = {"::", "*", "&", "&&", "(",
                                                                   ")",  "[", "]", ",",  "..."};
  return p.kind == Piece::Kind::Punct &&
         std::find(kDeclarator.begin(), kDeclarator.end(), p.text) != kDeclarator.end();
}

bool wants_space(const Piece& prev, const Piece& piece) {
  const bool prev_word = prev.kind == Piece::Kind::Word;
  const bool prev_operator = prev.kind == Piece::Kind::Punct && !is_declarator_punct(prev);
  if (piece.kind == Piece::Kind::Word) {
    // "unsigned int", "std::vector<int> const", "char* const"; but "(Enum)2".
    return prev_word || prev.kind == Piece::Kind::Arguments || is_punct(prev, "*") ||
           is_punct(prev, "&") || is_punct(prev, "&&") || is_punct(prev, "]") ||
           (is_punct(prev, ")") && is_cv_qualifier(piece)) || (prev_operator && piece.space_before);
  }
  if (is_punct(piece, "::")) return prev_word && piece.space_before;  // "const ::Foo", not "std ::"
  if (piece.kind == Piece::Kind::Punct && !is_declarator_punct(piece)) {
    return piece.space_before && !is_punct(prev, "(") && !is_punct(prev, "[");  // "(N > 0)"
  }
  return false;
}

void render_into(const Type& type, std::string& out) {
  const Piece* prev = nullptr;
  for (const Piece& piece : type) {
    if (prev != nullptr && !out.ends_with(' ') && wants_space(*prev, piece)) out += ' ';
    switch (piece.kind) {
      case Piece::Kind::Word:
      case Piece::Kind::Punct:
        out += piece.text;
        if (is_punct(piece, ",")) out += ' ';  // commas in parameter lists
        break;
      case Piece::Kind::Arguments:
        out += '<';
        for (size_t i = 0; i < piece.args.size(); ++i) {
          if (i > 0) out += ", ";
          render_into(piece.args[i], out);
        }
        out += '>';
        break;
    }
    prev = &piece;
  }
}

std::string render(const Type& type) {
  std::string out;
  render_into(type, out);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Simplification

// Inline namespaces that only encode the ABI: std::__cxx11::list is what people call std::list.
void drop_abi_namespaces(Type& type) {
  for (size_t i = 0; i + 3 < type.size();) {
    if (is_word(type[i], "std") && is_punct(type[i + 1], "::") &&
        (is_word(type[i + 2], "__cxx11") || is_word(type[i + 2], "__1")) &&
        is_punct(type[i + 3], "::")) {
      type.erase(type.begin() + static_cast<std::ptrdiff_t>(i + 2),
                 type.begin() + static_cast<std::ptrdiff_t>(i + 4));
    } else {
      ++i;
    }
  }
}

// DWARF sometimes says "class Foo" or "struct Foo"; people do not.
void drop_elaborated_keywords(Type& type) {
  std::erase_if(type, [](const Piece& p) {
    return p.kind == Piece::Kind::Word &&
           (p.text == "class" || p.text == "struct" || p.text == "union" || p.text == "enum");
  });
}

// "std::vector" when `type[end]` is preceded by std::vector; empty for nested names such as
// Outer<int>::vector, whose defaults we do not know.
std::string std_name_before(const Type& type, size_t end) {
  size_t begin = end;
  while (begin >= 2 && type[begin - 1].kind == Piece::Kind::Word &&
         is_punct(type[begin - 2], "::")) {
    begin -= 2;
  }
  if (begin >= 1 && type[begin - 1].kind == Piece::Kind::Word) --begin;
  if (begin == end || !is_word(type[begin], "std")) return {};
  if (begin >= 1 && is_punct(type[begin - 1], "::")) return {};
  std::string name;
  for (size_t i = begin; i < end; ++i) name += type[i].text;
  return name;
}

// Whether `arg` is the pair<const K, V> that map's default allocator holds (a pointer key is
// spelled "K const" by the compiler, so both spellings count).
bool is_map_value_type(std::string_view arg, const std::string& key, const std::string& value) {
  return arg == fmt::format("std::pair<const {}, {}>", key, value) ||
         arg == fmt::format("std::pair<{} const, {}>", key, value);
}

// The default for argument `position` of template `name`, given the arguments before it; nullopt
// when that position has no default we know of.
std::optional<std::string> default_argument(std::string_view name,
                                            const std::vector<std::string>& args, size_t position) {
  auto alloc = [](const std::string& t) { return fmt::format("std::allocator<{}>", t); };
  auto is = [&](std::initializer_list<std::string_view> names) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  if (is({"std::vector", "std::list", "std::deque", "std::forward_list"}) && position == 1) {
    return alloc(args[0]);
  }
  if (is({"std::set", "std::multiset"})) {
    if (position == 1) return fmt::format("std::less<{}>", args[0]);
    if (position == 2) return alloc(args[0]);
  }
  if (is({"std::map", "std::multimap"})) {
    if (position == 2) return fmt::format("std::less<{}>", args[0]);
  }
  if (is({"std::unordered_set", "std::unordered_multiset"})) {
    if (position == 1) return fmt::format("std::hash<{}>", args[0]);
    if (position == 2) return fmt::format("std::equal_to<{}>", args[0]);
    if (position == 3) return alloc(args[0]);
  }
  if (is({"std::unordered_map", "std::unordered_multimap"})) {
    if (position == 2) return fmt::format("std::hash<{}>", args[0]);
    if (position == 3) return fmt::format("std::equal_to<{}>", args[0]);
  }
  if (name == "std::unique_ptr" && position == 1) {
    return fmt::format("std::default_delete<{}>", args[0]);
  }
  if (is({"std::stack", "std::queue"}) && position == 1) {
    return fmt::format("std::deque<{}>", args[0]);
  }
  if (name == "std::priority_queue") {
    if (position == 1) return fmt::format("std::vector<{}>", args[0]);
    if (position == 2) return fmt::format("std::less<{}>", args[0]);
  }
  if (name.starts_with("std::basic_")) {
    if (position == 1) return fmt::format("std::char_traits<{}>", args[0]);
    if (position == 2) return alloc(args[0]);
  }
  return std::nullopt;
}

bool is_default_argument(std::string_view name, const std::vector<std::string>& args,
                         size_t position) {
  const std::string& arg = args[position];
  // The maps' allocator depends on two earlier arguments, so it is checked on its own.
  if ((name == "std::map" || name == "std::multimap") && position == 3) {
    return arg.starts_with("std::allocator<") && arg.ends_with(">") &&
           is_map_value_type(std::string_view(arg).substr(15, arg.size() - 16), args[0], args[1]);
  }
  if ((name == "std::unordered_map" || name == "std::unordered_multimap") && position == 4) {
    return arg.starts_with("std::allocator<") && arg.ends_with(">") &&
           is_map_value_type(std::string_view(arg).substr(15, arg.size() - 16), args[0], args[1]);
  }
  const std::optional<std::string> fallback = default_argument(name, args, position);
  return fallback && *fallback == arg;
}

// std::basic_string<char> -> std::string, std::basic_ostringstream<wchar_t> -> std::wostringstream.
std::optional<std::string> character_alias(std::string_view name, std::string_view character) {
  if (!name.starts_with("std::basic_")) return std::nullopt;
  const std::string_view base = name.substr(11);
  static constexpr std::array<std::string_view, 17> kStreamFamily = {
      "string",   "string_view", "ios",           "streambuf",     "istream",      "ostream",
      "iostream", "stringbuf",   "istringstream", "ostringstream", "stringstream", "filebuf",
      "ifstream", "ofstream",    "fstream",       "syncbuf",       "osyncstream"};
  if (std::find(kStreamFamily.begin(), kStreamFamily.end(), base) == kStreamFamily.end()) {
    return std::nullopt;
  }
  if (character == "char") return std::string(base);
  if (character == "wchar_t") return fmt::format("w{}", base);
  if (base == "string" || base == "string_view") {
    if (character == "char8_t") return fmt::format("u8{}", base);
    if (character == "char16_t") return fmt::format("u16{}", base);
    if (character == "char32_t") return fmt::format("u32{}", base);
  }
  return std::nullopt;
}

void simplify(Type& type) {
  for (Piece& piece : type) {
    for (Type& arg : piece.args) simplify(arg);
  }
  drop_elaborated_keywords(type);
  drop_abi_namespaces(type);

  for (size_t i = 0; i < type.size(); ++i) {
    if (type[i].kind != Piece::Kind::Arguments || type[i].args.empty()) continue;
    const std::string name = std_name_before(type, i);
    if (name.empty()) continue;

    std::vector<std::string> args;
    for (const Type& arg : type[i].args) args.push_back(render(arg));
    // Only trailing arguments can be left out, so drop from the back while they are defaults.
    size_t kept = args.size();
    while (kept > 1 && is_default_argument(name, args, kept - 1)) --kept;
    type[i].args.resize(kept);

    if (kept == 1) {
      if (const auto alias = character_alias(name, args[0])) {
        type[i - 1].text = *alias;  // the last word of the name, e.g. "basic_string"
        type.erase(type.begin() + static_cast<std::ptrdiff_t>(i));
        --i;
      }
    }
  }
}

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\n\r\f\v");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\n\r\f\v");
  return text.substr(first, last - first + 1);
}

}  // namespace

std::string readable_type_name(std::string_view dwarf_name) {
  const std::string_view trimmed = trim(dwarf_name);
  try {
    std::optional<std::vector<Token>> tokens = tokenize(trimmed);
    if (!tokens) return std::string(trimmed);
    std::optional<Type> type = Parser(std::move(*tokens)).parse();
    if (!type) return std::string(trimmed);
    simplify(*type);
    return render(*type);
  } catch (...) {  // only std::bad_alloc can get here; a raw name is still useful
    return std::string(trimmed);
  }
}

}  // namespace heapwalk::typeinfo
