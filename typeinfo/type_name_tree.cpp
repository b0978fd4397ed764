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

// Length of the text from `pos` (an opening bracket) to its matching `close`, both included;
// 0 when it is not closed.
size_t balanced_length(std::string_view text, size_t pos, char close) {
  const char open = text[pos];
  int depth = 0;
  for (size_t i = pos; i < text.size(); ++i) {
    if (text[i] == open) ++depth;
    if (text[i] == close && --depth == 0) return i - pos + 1;
  }
  return 0;
}

bool starts_with_word(std::string_view text, std::string_view word) {
  return text.starts_with(word) &&
         (text.size() == word.size() || !is_identifier_char(text[word.size()]));
}

// Length of a bracketed group starting at `pos` that a compiler or debugger uses as one name;
// 0 when there is none. LLDB: "(anonymous namespace)", "(unnamed struct)", "(lambda at f.cpp:3:5)";
// GCC's demangler: "{lambda(int)#1}", "{unnamed type#1}"; GCC's DWARF: "<lambda(int)>",
// "<unnamed struct>" (only where '<' cannot open template arguments: after a word it does).
size_t grouped_name_length(std::string_view text, size_t pos, bool after_word) {
  const std::string_view rest = text.substr(pos + 1);
  switch (text[pos]) {
    case '(':
      if (starts_with_word(rest, "anonymous") || starts_with_word(rest, "unnamed") ||
          starts_with_word(rest, "lambda")) {
        return balanced_length(text, pos, ')');
      }
      return 0;
    case '{':
      return balanced_length(text, pos, '}');
    case '<':
      if (after_word) return 0;
      if (rest.starts_with("lambda(")) {
        const size_t params = balanced_length(text, pos + 7, ')');
        const size_t end = pos + 7 + params;
        return params > 0 && end < text.size() && text[end] == '>' ? end - pos + 1 : 0;
      }
      if (starts_with_word(rest, "lambda") || starts_with_word(rest, "unnamed") ||
          starts_with_word(rest, "anonymous")) {
        const size_t end = text.find('>', pos);
        return end == std::string_view::npos ? 0 : end - pos + 1;
      }
      return 0;
    default:
      return 0;
  }
}

// The operator symbol after the word "operator" at `pos` ("<", "()", " new[]"), or empty for a
// conversion operator ("operator int"), whose type follows as ordinary words.
std::string operator_symbol(std::string_view text, size_t pos, size_t& length) {
  size_t i = pos;
  while (i < text.size() && text[i] == ' ') ++i;
  const std::string_view rest = text.substr(i);
  for (std::string_view word : {"new", "delete", "co_await"}) {
    if (!starts_with_word(rest, word)) continue;
    size_t end = word.size();  // GCC's DWARF says "operator new []"
    while (end < rest.size() && rest[end] == ' ') ++end;
    const bool array = rest.substr(end).starts_with("[]");
    length = i - pos + (array ? end + 2 : word.size());
    return " " + std::string(word) + (array ? "[]" : "");
  }
  // A symbol follows "operator" directly, as demanglers and DWARF write it ("operator<");
  // "operator <" is a bare "operator" then '<'. Longest first, so that "<<=" is not read as "<".
  if (i != pos) {
    length = 0;
    return {};
  }
  static constexpr std::string_view kSymbols[] = {
      "()", "[]", "->*", "<=>", "<<=", ">>=", "\"\"", "<<", ">>", "<=", ">=", "->", "==", "!=",
      "&&", "||", "++",  "--",  "+=",  "-=",  "*=",   "/=", "%=", "^=", "&=", "|=", "+",  "-",
      "*",  "/",  "%",   "^",   "&",   "|",   "~",    "!",  "=",  "<",  ">",  ","};
  for (std::string_view symbol : kSymbols) {
    if (!rest.starts_with(symbol)) continue;
    size_t end = symbol.size();
    if (symbol == "\"\"") {  // a literal operator: operator""_km
      while (end < rest.size() && is_identifier_char(rest[end])) ++end;
    }
    length = i - pos + end;
    return std::string(rest.substr(0, end));
  }
  length = 0;
  return {};
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
    const bool after_word = !tokens.empty() && tokens.back().kind == TokenKind::Word;
    size_t length = 1;
    TokenKind kind = TokenKind::Punct;
    std::string suffix;  // an operator's symbol, appended to the word "operator"
    if (is_identifier_char(c)) {
      kind = TokenKind::Word;
      while (i + length < text.size() && is_identifier_char(text[i + length])) ++length;
      if (text.substr(i, length) == "operator") {
        size_t extra = 0;
        suffix = operator_symbol(text, i + length, extra);
        length += extra;
      }
    } else if (c == '\'' || c == '"') {  // a character or string literal in a value argument
      kind = TokenKind::Word;
      while (i + length < text.size() && text[i + length] != c) {
        length += text[i + length] == '\\' ? 2 : 1;
      }
      if (i + length >= text.size()) return std::nullopt;
      ++length;
    } else if (const size_t group = grouped_name_length(text, i, after_word); group > 0) {
      kind = TokenKind::Word;
      length = group;
    } else if (text.substr(i).starts_with("::") || text.substr(i).starts_with("&&")) {
      length = 2;
    } else if (text.substr(i).starts_with("...")) {
      length = 3;
    }
    std::string token_text =
        suffix.empty() ? std::string(text.substr(i, length)) : "operator" + suffix;
    tokens.push_back({kind, std::move(token_text), space});
    space = false;
    i += length;
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Tree

class Parser {
 public:
  explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

  std::optional<Type> parse() {
    Type type;
    if (!parse_run(type, Context::Top, 0) || pos_ != tokens_.size()) return std::nullopt;
    return type;
  }

 private:
  // Where a run of pieces stands, which decides what ends it.
  enum class Context { Top, Arguments, Parens };

  // Deeper nesting than this is not a real type name; refusing it keeps the stack bounded.
  static constexpr int kMaxDepth = 200;

  // Reads pieces until the end, or until the ',' or closing bracket of the enclosing list
  // (left for the caller).
  bool parse_run(Type& out, Context context, int depth) {
    if (depth > kMaxDepth) return false;
    int brackets = 0;  // "[...]" stays flat: array bounds, "[abi:cxx11]"
    while (pos_ < tokens_.size()) {
      const Token& token = tokens_[pos_];
      if (token.kind == TokenKind::Word) {
        out.push_back({Piece::Kind::Word, token.text, {}, token.space_before});
        ++pos_;
        continue;
      }
      const std::string& p = token.text;
      if (brackets == 0 && ends_run(p, context)) return true;
      if ((p == "<" && opens_arguments(out)) || p == "(") {
        const bool angle = p == "<";
        Piece list{
            angle ? Piece::Kind::Arguments : Piece::Kind::Parens, {}, {}, token.space_before};
        ++pos_;
        if (!parse_list(list.args, angle ? Context::Arguments : Context::Parens, depth + 1)) {
          return false;
        }
        out.push_back(std::move(list));
        continue;
      }
      if (p == ")") return false;  // unbalanced
      if (p == "[") ++brackets;
      if (p == "]" && --brackets < 0) return false;
      // Inside parentheses '>' is an operator ("(N > 0)"); elsewhere it is unbalanced.
      if (p == ">" && context == Context::Top) return false;
      out.push_back({Piece::Kind::Punct, p, {}, token.space_before});
      ++pos_;
    }
    return context == Context::Top && brackets == 0;
  }

  static bool ends_run(const std::string& p, Context context) {
    if (context == Context::Arguments) return p == "," || p == ">";
    if (context == Context::Parens) return p == "," || p == ")";
    return false;
  }

  // After the opening bracket: items separated by ',' up to the closing one.
  bool parse_list(std::vector<Type>& items, Context context, int depth) {
    const std::string_view close = context == Context::Arguments ? ">" : ")";
    if (pos_ < tokens_.size() && tokens_[pos_].text == close) {  // "<>" or "()"
      ++pos_;
      return true;
    }
    while (true) {
      Type item;
      if (!parse_run(item, context, depth) || item.empty()) return false;
      items.push_back(std::move(item));
      if (pos_ >= tokens_.size()) return false;
      const std::string& stop = tokens_[pos_++].text;
      if (stop == close) return true;
    }
  }

  // '<' opens a template argument list after a name (not after a number, as in "(1<2)").
  static bool opens_arguments(const Type& before) {
    if (before.empty() || before.back().kind != Piece::Kind::Word) return false;
    const std::string& word = before.back().text;
    return is_identifier_start(word.front()) || word.front() == '(' || word.front() == '{' ||
           word.front() == '<' || word.starts_with("'lambda") || word.starts_with("'unnamed");
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------------------
// Printing

bool is_qualifier_word(const Piece& p) {
  return p.kind == Piece::Kind::Word &&
         (p.text == "const" || p.text == "volatile" || p.text == "noexcept" || p.text == "throw");
}

// Punctuation of declarators and names, spaced by fixed rules; anything else ('-', '>', '+' in
// value arguments) keeps the spacing the source had.
bool is_declarator_punct(const Piece& p) {
  static constexpr std::array<std::string_view, 8> kDeclarator = {"::", "*", "&", "&&",
                                                                  "[",  "]", ",", "..."};
  return p.kind == Piece::Kind::Punct &&
         std::find(kDeclarator.begin(), kDeclarator.end(), p.text) != kDeclarator.end();
}

bool is_operator_punct(const Piece& p) {
  return p.kind == Piece::Kind::Punct && !is_declarator_punct(p);
}

// Whether printing `piece` right after `prev` would read back as one token: "&" "&" as "&&",
// ":" ":" as "::", "." "." as part of "...", "operator<" "=" as "operator<=", a bare "operator"
// and "[" as "operator[".
bool would_merge(const Piece& prev, const Piece& piece) {
  if (prev.text.empty() || piece.text.empty()) return false;
  const char last = prev.text.back(), first = piece.text.front();
  if (prev.kind == Piece::Kind::Punct) {
    return last == first && (first == '&' || first == ':' || first == '.');
  }
  if (!prev.text.starts_with("operator")) return false;
  const bool symbol_may_grow = prev.text == "operator" || !is_identifier_char(last);
  return first == '[' ||  // "operator new" "[" "]"
         (symbol_may_grow &&
          std::string_view("<>=!&|+-*/%^~,(\"").find(first) != std::string_view::npos);
}

bool wants_space(const Piece& prev, const Piece& piece) {
  const bool after_operator = is_operator_punct(prev) && piece.space_before;
  switch (piece.kind) {
    case Piece::Kind::Word:
      // "unsigned int", "std::vector<int> const", "char* const", "int(int) const"; "(E)2".
      return prev.kind == Piece::Kind::Word || prev.kind == Piece::Kind::Arguments ||
             is_punct(prev, "*") || is_punct(prev, "&") || is_punct(prev, "&&") ||
             is_punct(prev, "]") || is_punct(prev, "...") ||
             (prev.kind == Piece::Kind::Parens && is_qualifier_word(piece)) || after_operator;
    case Piece::Kind::Parens:  // "int(*)[4]", "void(int)"; but "(a + (b))", "operator (int)"
      return after_operator || is_word(prev, "operator");
    case Piece::Kind::Arguments:
      // "operator< <int>", "operator <T>": the symbol must not take the '<'.
      return prev.kind == Piece::Kind::Word &&
             (prev.text.ends_with('<') || prev.text == "operator");
    case Piece::Kind::Punct:
      if (would_merge(prev, piece)) return true;
      if (is_punct(piece, "::")) return prev.kind == Piece::Kind::Word && piece.space_before;
      if (is_operator_punct(piece)) return piece.space_before && !is_punct(prev, "[");
      return false;
  }
  return false;
}

void render_list(const std::vector<Type>& items, char open, char close, std::string& out);

void render_into(const Type& type, std::string& out) {
  const Piece* prev = nullptr;
  for (const Piece& piece : type) {
    if (prev != nullptr && !out.ends_with(' ') && wants_space(*prev, piece)) out += ' ';
    switch (piece.kind) {
      case Piece::Kind::Word:
      case Piece::Kind::Punct:
        out += piece.text;
        if (is_punct(piece, ",")) out += ' ';  // a comma outside any list
        break;
      case Piece::Kind::Arguments:
        render_list(piece.args, '<', '>', out);
        break;
      case Piece::Kind::Parens:
        render_list(piece.args, '(', ')', out);
        break;
    }
    prev = &piece;
  }
}

void render_list(const std::vector<Type>& items, char open, char close, std::string& out) {
  out += open;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    render_into(items[i], out);
    // An item ending in "operator" must not take the ',' or closing bracket as its symbol.
    const Piece next{
        Piece::Kind::Punct, std::string(1, i + 1 < items.size() ? ',' : close), {}, false};
    if (!items[i].empty() && would_merge(items[i].back(), next)) out += ' ';
  }
  out += close;
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
