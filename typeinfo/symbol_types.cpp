#include "typeinfo/symbol_types.h"

#include <cctype>

#include "typeinfo/member_lookup.h"

namespace heapwalk::typeinfo {
namespace {

bool identifier_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string without_spaces(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c != ' ') out += c;
  return out;
}

// At `a[i]`, a cast-form enum argument "(Scope::Enum)N": its scope ("Scope::") and length.
bool enum_cast_at(std::string_view a, size_t i, std::string_view& scope, size_t& length) {
  if (a[i] != '(') return false;
  size_t close = a.find(')', i);
  if (close == std::string_view::npos) return false;
  std::string_view type = a.substr(i + 1, close - i - 1);
  size_t last = type.rfind("::");
  size_t end = close + 1;
  if (end < a.size() && a[end] == '-') ++end;
  size_t digits = end;
  while (end < a.size() && std::isdigit(static_cast<unsigned char>(a[end]))) ++end;
  if (end == digits) return false;
  for (char c : type)
    if (!identifier_char(c) && c != ':') return false;
  scope = last == std::string_view::npos ? std::string_view() : type.substr(0, last + 2);
  length = end - i;
  return true;
}

bool match(std::string_view a, std::string_view b) {
  size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    std::string_view scope;
    size_t length = 0;
    if (a[i] != b[j] && enum_cast_at(a, i, scope, length)) {
      // b must hold Scope::identifier here.
      if (b.substr(j, scope.size()) != scope) return false;
      size_t k = j + scope.size();
      size_t begin = k;
      while (k < b.size() && identifier_char(b[k])) ++k;
      if (k == begin) return false;
      i += length;
      j = k;
      continue;
    }
    if (a[i] != b[j]) return false;
    ++i;
    ++j;
  }
  return i == a.size() && j == b.size();
}

}  // namespace

bool loosely_same_name(std::string_view a, std::string_view b) {
  std::string x = without_spaces(a), y = without_spaces(b);
  return x == y || match(x, y) || match(y, x);
}

std::string owner_of_function(std::string_view name) {
  // The parameter list is the last top-level "(...)"; the owner ends at the "::" before the
  // function's own name.
  int depth = 0;
  size_t params = std::string_view::npos;
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c == '<' || c == '(') {
      if (c == '(' && depth == 0) params = i;
      ++depth;
    } else if (c == '>' || c == ')') {
      --depth;
    }
  }
  if (params == std::string_view::npos) params = name.size();
  depth = 0;
  for (size_t i = params; i-- > 1;) {
    char c = name[i];
    if (c == '>' || c == ')') ++depth;
    else if (c == '<' || c == '(') --depth;
    else if (depth == 0 && c == ':' && name[i - 1] == ':') return std::string(name.substr(0, i - 1));
  }
  return {};
}

std::vector<std::string> template_arguments(std::string_view name) {
  std::vector<std::string> args;
  size_t open = name.find('<');
  if (open == std::string_view::npos || name.empty() || name.back() != '>') return args;
  int depth = 0;
  size_t begin = open + 1;
  for (size_t i = open; i < name.size(); ++i) {
    char c = name[i];
    if (c == '<' || c == '(' || c == '[' || c == '{') {
      ++depth;
    } else if (c == '>' || c == ')' || c == ']' || c == '}') {
      --depth;
      if (depth == 0 && c == '>') {
        std::string_view arg = name.substr(begin, i - begin);
        while (!arg.empty() && arg.front() == ' ') arg.remove_prefix(1);
        while (!arg.empty() && arg.back() == ' ') arg.remove_suffix(1);
        args.emplace_back(arg);
        break;
      }
    } else if (c == ',' && depth == 1) {
      std::string_view arg = name.substr(begin, i - begin);
      while (!arg.empty() && arg.front() == ' ') arg.remove_prefix(1);
      while (!arg.empty() && arg.back() == ' ') arg.remove_suffix(1);
      args.emplace_back(arg);
      begin = i + 1;
    }
  }
  return args;
}

bool is_lambda_name(std::string_view name) {
  return name.find("::'lambda") != std::string_view::npos ||
         name.find("::{lambda(") != std::string_view::npos ||
         name.find("<lambda(") != std::string_view::npos;
}

std::string lambda_kind_name(std::string_view closure) {
  for (std::string_view marker : {"::'lambda", "::{lambda(", "::<lambda("}) {
    size_t at = closure.rfind(marker);
    if (at != std::string_view::npos) return "lambda in " + std::string(closure.substr(0, at));
  }
  return "lambda";
}

std::vector<lldb::SBType> unit_classes(lldb::SBCompileUnit unit,
                                       const std::function<bool(std::string_view)>& accept) {
  std::vector<lldb::SBType> found;
  if (!unit.IsValid()) return found;
  lldb::SBTypeList types = unit.GetTypes(lldb::eTypeClassClass | lldb::eTypeClassStruct);
  for (uint32_t i = 0; i < types.GetSize(); ++i) {
    lldb::SBType t = plain(types.GetTypeAtIndex(i));
    const char* name = t.GetName();
    if (name && t.IsTypeComplete() && accept(name)) found.push_back(t);
  }
  return found;
}

}  // namespace heapwalk::typeinfo
