#include "typeinfo/recognizers/expression.h"

#include <cctype>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "typeinfo/member_lookup.h"
#include "typeinfo/symbol_types.h"

namespace heapwalk::typeinfo {

struct Expression::Node {
  enum class Op { kConstant, kField, kAddress, kNegate, kNot, kAdd, kSub, kMul, kDiv, kMod, kAnd,
                  kOr, kXor, kShl, kShr };
  Op op = Op::kConstant;
  uint64_t value = 0;  // kConstant
  // kField: where and how to read it; kAddress (&path): where it is. From the object, or, when
  // `left` is set (a path through "->"), from the address `left` reads.
  uint32_t offset = 0, size = 0;
  bool is_signed = false;
  uint64_t pointee_size = 0;  // a pointer field: its pointee's size (for pointer differences)
  std::shared_ptr<const Node> left, right;
};

namespace {

using Node = Expression::Node;
using Op = Node::Op;

class Parser {
 public:
  Parser(std::string_view text, lldb::SBType type, std::string_view type_name)
      : text_(text), type_(plain(type)), args_(template_arguments(type_name)) {}

  std::shared_ptr<const Node> parse() {
    auto node = binary(0);
    skip_space();
    if (at_ < text_.size()) fail(fmt::format("unexpected '{}'", text_.substr(at_)));
    return node;
  }

  lldb::SBType pointee;  // set when the whole expression is one pointer field

 private:
  [[noreturn]] void fail(const std::string& why) const {
    throw RecognizerError(fmt::format("in \"{}\": {}", text_, why));
  }

  void skip_space() {
    while (at_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[at_]))) ++at_;
  }

  bool take(std::string_view token) {
    skip_space();
    if (text_.substr(at_).starts_with(token)) {
      at_ += token.size();
      return true;
    }
    return false;
  }

  // Binary operators by precedence, lowest first.
  struct Level {
    std::initializer_list<std::pair<std::string_view, Op>> ops;
  };
  std::shared_ptr<const Node> binary(int level) {
    static const Level kLevels[] = {
        {{{"|", Op::kOr}}},
        {{{"^", Op::kXor}}},
        {{{"&", Op::kAnd}}},
        {{{"<<", Op::kShl}, {">>", Op::kShr}}},
        {{{"+", Op::kAdd}, {"-", Op::kSub}}},
        {{{"*", Op::kMul}, {"/", Op::kDiv}, {"%", Op::kMod}}},
    };
    if (level == static_cast<int>(std::size(kLevels))) return unary();
    auto left = binary(level + 1);
    while (true) {
      bool matched = false;
      for (auto [token, op] : kLevels[level].ops) {
        if (!take(token)) continue;
        auto right = binary(level + 1);
        left = combine(op, left, right);
        matched = true;
        break;
      }
      if (!matched) return left;
    }
  }

  std::shared_ptr<const Node> combine(Op op, std::shared_ptr<const Node> left,
                                      std::shared_ptr<const Node> right) {
    auto node = std::make_shared<Node>();
    node->op = op;
    // Pointers subtract as in C++: a difference of two pointers to T counts T's.
    if (op == Op::kSub && left->pointee_size && right->pointee_size) {
      auto bytes = std::make_shared<Node>(*node);
      bytes->left = left;
      bytes->right = right;
      auto scale = std::make_shared<Node>();
      scale->value = left->pointee_size;
      node->op = Op::kDiv;
      node->left = bytes;
      node->right = scale;
      return node;
    }
    node->left = left;
    node->right = right;
    return node;
  }

  std::shared_ptr<const Node> unary() {
    if (take("~")) return unary_of(Op::kNot);
    if (take("-")) return unary_of(Op::kNegate);
    if (take("(")) {
      auto node = binary(0);
      if (!take(")")) fail("a ')' is missing");
      return node;
    }
    skip_space();
    if (at_ < text_.size() && std::isdigit(static_cast<unsigned char>(text_[at_]))) return number();
    if (take("{")) return template_argument();
    if (take("&")) return field(true);
    if (take("@")) return word_at();
    return field();
  }

  // @N: the 8-byte word N bytes into the object, for members DWARF does not describe (the
  // fields of a base class the debug info only declares).
  std::shared_ptr<const Node> word_at() {
    skip_space();
    if (at_ >= text_.size() || !std::isdigit(static_cast<unsigned char>(text_[at_])))
      fail("'@' needs a byte offset");
    auto node = std::make_shared<Node>();
    node->op = Op::kField;
    node->offset = static_cast<uint32_t>(number()->value);
    node->size = 8;
    return node;
  }

  std::shared_ptr<const Node> unary_of(Op op) {
    auto node = std::make_shared<Node>();
    node->op = op;
    node->left = unary();
    return node;
  }

  std::shared_ptr<const Node> number() {
    size_t used = 0;
    uint64_t value = std::stoull(std::string(text_.substr(at_)), &used, 0);
    at_ += used;
    auto node = std::make_shared<Node>();
    node->value = value;
    return node;
  }

  // {N}: template argument N of the matched type, which must be a number ("Eigen's fixed rows").
  std::shared_ptr<const Node> template_argument() {
    size_t close = text_.find('}', at_);
    if (close == std::string_view::npos) fail("a '}' is missing");
    std::string index(text_.substr(at_, close - at_));
    at_ = close + 1;
    size_t i = 0;
    try {
      i = std::stoul(index);
    } catch (...) {
      fail(fmt::format("{{{}}} is not a template argument number", index));
    }
    if (i >= args_.size()) fail(fmt::format("the type has no template argument {}", i));
    try {
      size_t used = 0;
      long long value = std::stoll(args_[i], &used, 0);
      if (used != args_[i].size()) throw std::invalid_argument("");
      auto node = std::make_shared<Node>();
      node->value = static_cast<uint64_t>(value);
      return node;
    } catch (...) {
      fail(fmt::format("template argument {} ({}) is not a number", i, args_[i]));
    }
  }

  // A field path: members by name through nested members ("a.b") and through pointers
  // ("rep_->allocated_size": the pointer is read, the rest is in what it points to). With
  // `address` (&path): the member's address instead of its value.
  std::shared_ptr<const Node> field(bool address = false) {
    skip_space();
    size_t begin = at_;
    while (at_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[at_])) || text_[at_] == '_' ||
            text_[at_] == '.' || (text_.substr(at_).starts_with("->") && ++at_)))
      ++at_;
    std::string_view path = text_.substr(begin, at_ - begin);
    if (path.empty()) fail("a field, a number or a '(' is missing");
    lldb::SBType t = type_;
    uint32_t offset = 0;
    std::shared_ptr<const Node> base;  // the pointer the path went through, if any
    size_t from = 0;
    while (true) {
      size_t dot = path.find('.', from), arrow = path.find("->", from);
      size_t end = std::min(dot, arrow);
      std::string_view name = path.substr(from, end == std::string_view::npos ? path.npos : end - from);
      auto member = find_member(t, name);
      if (!member) fail(fmt::format("no field '{}' in {}", name, t.GetName() ? t.GetName() : "?"));
      offset += member->offset;
      t = member->type;
      if (end == std::string_view::npos) break;
      if (end == arrow) {  // read the pointer; what follows is in its pointee
        if (!t.IsPointerType()) fail(fmt::format("'{}' is not a pointer", path.substr(0, end)));
        auto pointer = std::make_shared<Node>();
        pointer->op = Op::kField;
        pointer->offset = offset;
        pointer->size = 8;
        pointer->left = base;
        base = pointer;
        t = plain(t.GetPointeeType());
        offset = 0;
        from = end + 2;
      } else {
        from = end + 1;
      }
    }
    if (address) {
      pointee = t;  // &member: a pointer to the member's type
      auto node = std::make_shared<Node>();
      node->op = Op::kAddress;
      node->offset = offset;
      node->size = static_cast<uint32_t>(t.GetByteSize());
      node->left = base;
      return node;
    }
    auto node = std::make_shared<Node>();
    node->op = Op::kField;
    node->offset = offset;
    node->left = base;
    node->size = static_cast<uint32_t>(t.GetByteSize());
    if (node->size == 0 || node->size > 8) fail(fmt::format("'{}' is not a number or pointer", path));
    switch (t.GetBasicType()) {
      case lldb::eBasicTypeSignedChar: case lldb::eBasicTypeShort: case lldb::eBasicTypeInt:
      case lldb::eBasicTypeLong: case lldb::eBasicTypeLongLong: case lldb::eBasicTypeChar:
        node->is_signed = true;
        break;
      default:
        break;
    }
    if (t.IsPointerType()) {
      lldb::SBType p = plain(t.GetPointeeType());
      node->pointee_size = p.GetByteSize();
      pointee = p;
    }
    return node;
  }

  std::string_view text_;
  lldb::SBType type_;
  std::vector<std::string> args_;
  size_t at_ = 0;
};

std::optional<uint64_t> eval(const Node& n, uint64_t object, const Expression::Read& read) {
  if (n.op == Op::kConstant) return n.value;
  if (n.op == Op::kField || n.op == Op::kAddress) {
    uint64_t base = object;
    if (n.left) {
      auto pointer = eval(*n.left, object, read);
      if (!pointer || !*pointer) return std::nullopt;
      base = *pointer;
    }
    if (n.op == Op::kAddress) return base + n.offset;
    uint64_t raw = 0;
    if (!read(base + n.offset, &raw, n.size)) return std::nullopt;
    if (n.is_signed && n.size < 8 && (raw >> (8 * n.size - 1)) & 1) raw |= ~uint64_t{0} << (8 * n.size);
    return raw;
  }
  auto a = eval(*n.left, object, read);
  if (!a) return std::nullopt;
  if (n.op == Op::kNot) return ~*a;
  if (n.op == Op::kNegate) return ~*a + 1;
  auto b = eval(*n.right, object, read);
  if (!b) return std::nullopt;
  switch (n.op) {
    case Op::kAdd: return *a + *b;
    case Op::kSub: return *a - *b;
    case Op::kMul: return *a * *b;
    case Op::kDiv: return *b ? std::optional<uint64_t>(*a / *b) : std::nullopt;
    case Op::kMod: return *b ? std::optional<uint64_t>(*a % *b) : std::nullopt;
    case Op::kAnd: return *a & *b;
    case Op::kOr: return *a | *b;
    case Op::kXor: return *a ^ *b;
    case Op::kShl: return *b < 64 ? *a << *b : 0;
    case Op::kShr: return *b < 64 ? *a >> *b : 0;
    default: return std::nullopt;
  }
}

}  // namespace

Expression::Expression(std::string_view text, lldb::SBType type, std::string_view type_name)
    : text_(text) {
  Parser parser(text, type, type_name);
  root_ = parser.parse();
  const Node* field = root_.get();
  if (field->op == Node::Op::kAnd && field->left->op == Node::Op::kField) field = field->left.get();
  if (field->op == Node::Op::kField && !field->left) {  // one field, or masked ("tagged_ & ~3")
    field_offset_ = field->offset;
    if (field->pointee_size) pointee_ = parser.pointee;
  }
  if (field->op == Node::Op::kAddress) pointee_ = parser.pointee;
  if (field->op == Node::Op::kAddress && !field->left) in_place_ = ByteSpan{field->offset, field->size};
  // The object's own field a path through "->" starts from.
  if (field->op == Node::Op::kField || field->op == Node::Op::kAddress) {
    while (field->left) field = field->left.get();
    if (field != root_.get() && field->op == Node::Op::kField) first_field_ = field->offset;
  }
  if (field_offset_) first_field_ = field_offset_;
}

std::optional<uint64_t> Expression::evaluate(uint64_t object, const Read& read) const {
  if (!root_) return std::nullopt;
  return eval(*root_, object, read);
}

}  // namespace heapwalk::typeinfo
