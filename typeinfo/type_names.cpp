// Turns LLDB/DWARF/demangler type spellings into what a person writes. The name is parsed into a
// small tree (words, punctuation, template argument lists, parenthesized lists), simplified
// bottom-up, and printed again with one spacing convention. Anything the parser does not
// understand comes back trimmed, unchanged. The conventions are listed in docs/kinds.md.
#include "typeinfo/type_names.h"

#include "typeinfo/type_names_internal.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace heapwalk::typeinfo {
namespace type_name {
namespace {

constexpr size_t kNone = static_cast<size_t>(-1);

auto at(Type& type, size_t i) { return type.begin() + static_cast<std::ptrdiff_t>(i); }

bool is_elaborated_keyword(const Piece& p) {
  return is_word(p, "class") || is_word(p, "struct") || is_word(p, "union") || is_word(p, "enum");
}

// DWARF sometimes says "class Foo" or "struct Foo"; people do not. Only before a name: not
// alone, not after a bare "operator" (whose type could then read back as its symbol), not
// before "<…>".
void drop_elaborated_keywords(Type& type) {
  if (std::all_of(type.begin(), type.end(), is_elaborated_keyword)) return;
  for (size_t i = 0; i < type.size();) {
    const bool elaborates = (i == 0 || !is_word(type[i - 1], "operator")) &&
                            (i + 1 == type.size() || type[i + 1].kind != Piece::Kind::Arguments);
    if (is_elaborated_keyword(type[i]) && elaborates) {
      type.erase(at(type, i));
    } else {
      ++i;
    }
  }
}

bool has_digit(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool all_of(std::string_view s, std::string_view allowed) {
  return !s.empty() && s.find_first_not_of(allowed) == std::string_view::npos;
}

constexpr std::string_view kDigits = "0123456789";
constexpr std::string_view kLower = "abcdefghijklmnopqrstuvwxyz";

// Abseil's ABSL_OPTION_INLINE_NAMESPACE_NAME: "lts_20220623" upstream, "debian3" on Debian; any
// lower-case word ending in digits except absl's own int128/uint128.
bool is_absl_version(std::string_view name) {
  if (name.starts_with("lts_")) return all_of(name.substr(4), "0123456789_");
  const size_t digits = name.find_first_of(kDigits);
  return digits != std::string_view::npos && digits > 0 && all_of(name.substr(0, digits), kLower) &&
         all_of(name.substr(digits), kDigits) && name != "int128" && name != "uint128";
}

// Whether namespace `name`, inside `parent`, in a qualified name that starts with `root`, is an
// inline namespace that only encodes a library's ABI version.
bool is_inline_namespace(std::string_view root, std::string_view parent, std::string_view name) {
  if (root == "std" || root == "__gnu_cxx") {
    static constexpr std::array<std::string_view, 6> kStd = {"__cxx11", "__1", "__ndk1",
                                                             "__Cr",    "__8", "_V2"};
    return std::find(kStd.begin(), kStd.end(), name) != kStd.end() ||
           (parent == "experimental" && name.starts_with("fundamentals_v"));
  }
  if (root == "absl") return parent == "absl" && is_absl_version(name);
  if (root == "nlohmann") {  // json_abi_v3_11_2, json_abi_diag_v3_11_2, json_abi (no version)
    return parent == "nlohmann" &&
           (name.starts_with("json_abi") || (name.starts_with("json_v") && has_digit(name)));
  }
  if (root == "fmt") {  // fmt::v9
    return parent == "fmt" && name.size() > 1 && name[0] == 'v' && all_of(name.substr(1), kDigits);
  }
  return false;
}

// std::__cxx11::list is what people call std::list; absl::debian3::flat_hash_map is
// absl::flat_hash_map.
void drop_inline_namespaces(Type& type) {
  std::string_view root, parent;
  for (size_t i = 0; i < type.size();) {
    if (!is_word(type[i])) {
      ++i;
      continue;
    }
    const bool qualified = i >= 2 && is_punct(type[i - 1], "::") &&
                           (is_word(type[i - 2]) || type[i - 2].kind == Piece::Kind::Arguments);
    if (!qualified) {
      root = parent = type[i].text;
    } else if (i + 1 < type.size() && is_punct(type[i + 1], "::") &&
               is_inline_namespace(root, parent, type[i].text)) {
      type.erase(at(type, i), at(type, i + 2));
      continue;
    } else {
      parent = type[i].text;
    }
    ++i;
  }
}

// Start of the template name before the argument list at `list` ("std::vector" in
// "const std::vector<int>"), skipping a leading "::"; kNone for a template nested in another
// one (Outer<int>::vector), whose defaults we do not know.
size_t template_name_begin(const Type& type, size_t list) {
  if (list == 0 || !is_word(type[list - 1])) return kNone;
  size_t begin = list - 1;
  while (begin >= 2 && is_punct(type[begin - 1], "::") && is_word(type[begin - 2])) begin -= 2;
  if (begin >= 2 && is_punct(type[begin - 1], "::")) return kNone;
  return begin;
}

std::string joined_text(const Type& type, size_t begin, size_t end) {
  std::string name;
  for (size_t i = begin; i < end; ++i) name += type[i].text;
  return name;
}

// Whether `name<args>` takes a std::pmr::polymorphic_allocator where std::allocator would be
// the default; if so, the allocator argument becomes that default (to be dropped).
bool uses_pmr_allocator(std::string_view name, Args& args) {
  constexpr std::string_view kPmr = "std::pmr::polymorphic_allocator<";
  if (args.empty() || !name.starts_with("std::") || name.starts_with("std::pmr::") ||
      !args.back().starts_with(kPmr) || args.back().back() != '>')
    return false;
  Args trial = args;
  trial.back() = "std::allocator<" + args.back().substr(kPmr.size());
  if (!is_default_argument(name, trial, trial.size() - 1)) return false;
  args = std::move(trial);
  return true;
}

// std::pmr's alias templates: "std::vector" -> "std::pmr::vector<T>"; strings by their names.
std::optional<std::string> pmr_alias(std::string_view name, const Args& args) {
  std::string joined;
  for (const std::string& a : args) joined += (joined.empty() ? "" : ", ") + a;
  std::string_view base = name.substr(5);  // after "std::"
  if (base == "basic_string" && args.size() == 1) {
    if (args[0] == "char") return "std::pmr::string";
    if (args[0] == "wchar_t") return "std::pmr::wstring";
  }
  return "std::pmr::" + std::string(base) + "<" + joined + ">";
}

// Drops the default arguments of the template whose list is at `list` and replaces it with the
// library's alias if it has one; returns the index of the last piece of the result.
size_t apply_template_rules(Type& type, size_t list) {
  const size_t begin = template_name_begin(type, list);
  if (begin == kNone) return list;
  const std::string name = joined_text(type, begin, list);

  Args args;
  for (const Type& arg : type[list].args) args.push_back(render(arg));
  // A std container on std::pmr::polymorphic_allocator<X> where std::allocator<X> would be the
  // default is a std::pmr container (std::pmr::vector<T>, std::pmr::string).
  const bool pmr = uses_pmr_allocator(name, args);
  // Only trailing arguments can be left out, so drop from the back while they are defaults.
  size_t kept = args.size();
  while (kept > 0 && is_default_argument(name, args, kept - 1)) --kept;
  type[list].args.resize(kept);
  args.resize(kept);

  const std::optional<std::string> alias = pmr ? pmr_alias(name, args) : alias_for(name, args);
  if (!alias || starts_with_angle(type, list + 1)) return list;
  std::optional<Type> replacement = parse(*alias);
  if (!replacement || replacement->empty()) return list;
  replacement->front().space_before = type[begin].space_before;
  type.erase(at(type, begin), at(type, list + 1));
  type.insert(at(type, begin), std::make_move_iterator(replacement->begin()),
              std::make_move_iterator(replacement->end()));
  return begin + replacement->size() - 1;
}

}  // namespace

void simplify(Type& type) {
  for (Piece& piece : type) {
    for (Type& item : piece.args) simplify(item);
  }
  drop_elaborated_keywords(type);
  drop_inline_namespaces(type);
  normalize_specifiers(type);
  normalize_literals(type);
  for (size_t i = 0; i < type.size(); ++i) {
    if (type[i].kind == Piece::Kind::Arguments) i = apply_template_rules(type, i);
  }
  name_graph_vertices(type);
}

}  // namespace type_name

namespace {

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
    std::optional<type_name::Type> type = type_name::parse(trimmed);
    if (!type) return std::string(trimmed);
    type_name::simplify(*type);
    return type_name::render(*type);
  } catch (...) {  // only std::bad_alloc can get here; a raw name is still useful
    return std::string(trimmed);
  }
}

}  // namespace heapwalk::typeinfo
