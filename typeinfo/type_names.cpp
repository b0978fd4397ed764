// Turns LLDB/DWARF type spellings into what a person writes. The name is parsed into a small
// tree (words, punctuation, template argument lists), simplified bottom-up, and printed again with
// one spacing convention. Anything the parser does not understand comes back trimmed, unchanged.
#include "typeinfo/type_names.h"

#include "typeinfo/type_name_tree.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <vector>

#include <fmt/format.h>

namespace heapwalk::typeinfo {
namespace {

using type_name::Piece;
using type_name::Type;
using type_name::is_punct;
using type_name::is_word;

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
    std::optional<Type> type = type_name::parse(trimmed);
    if (!type) return std::string(trimmed);
    simplify(*type);
    return type_name::render(*type);
  } catch (...) {  // only std::bad_alloc can get here; a raw name is still useful
    return std::string(trimmed);
  }
}

}  // namespace heapwalk::typeinfo
