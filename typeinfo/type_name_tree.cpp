// Tokenizer, parser and printer for type names (see type_name_tree.h).
#include "typeinfo/type_name_tree.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace heapwalk::typeinfo::type_name {
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

}  // namespace

std::string render(const Type& type) {
  std::string out;
  render_into(type, out);
  return out;
}


std::optional<Type> parse(std::string_view text) {
  std::optional<std::vector<Token>> tokens = tokenize(text);
  if (!tokens) return std::nullopt;
  return Parser(std::move(*tokens)).parse();
}

}  // namespace heapwalk::typeinfo::type_name
