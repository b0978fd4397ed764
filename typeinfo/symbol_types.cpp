#include "typeinfo/symbol_types.h"

#include <cctype>

#include "typeinfo/member_lookup.h"

namespace heapwalk::typeinfo {

namespace {

// The name with the symbols of operator names ("operator<", "operator->", "operator()")
// blanked, so that they do not count as brackets.
std::string without_operator_symbols(std::string_view name) {
  std::string out(name);
  constexpr std::string_view kOperator = "operator";
  for (size_t at = out.find(kOperator); at != std::string::npos; at = out.find(kOperator, at + 1)) {
    size_t i = at + kOperator.size();
    if (at > 0 && (std::isalnum(static_cast<unsigned char>(out[at - 1])) || out[at - 1] == '_'))
      continue;  // part of a longer identifier
    if (out.compare(i, 2, "()") == 0 || out.compare(i, 2, "[]") == 0) {
      out[i] = out[i + 1] = '_';
      continue;
    }
    for (; i < out.size() && std::string_view("<>=!+-*/%^&|~,").find(out[i]) != std::string_view::npos; ++i)
      out[i] = '_';
  }
  return out;
}

}  // namespace

std::string owner_of_function(std::string_view demangled) {
  // The parameter list is the last top-level "(...)"; the owner ends at the "::" before the
  // function's own name.
  const std::string masked = without_operator_symbols(demangled);
  std::string_view name = masked;
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
    else if (depth == 0 && c == ':' && name[i - 1] == ':')
      return std::string(demangled.substr(0, i - 1));
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
