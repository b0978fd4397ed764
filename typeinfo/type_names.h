// Type names as a person writes them: default template arguments dropped, library aliases
// (std::string, nlohmann::json, Eigen::MatrixXd), no ABI inline namespaces, one spelling for
// builtin types and const, no "class"/"struct" keywords. docs/kinds.md lists the conventions.
#pragma once

#include <string>
#include <string_view>

namespace heapwalk::typeinfo {

// "std::vector<float, std::allocator<float> >" -> "std::vector<float>"
// "std::map<std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >,
//  Sheet*, std::less<…>, std::allocator<…> >" -> "std::map<std::string, Sheet*>"
// "std::set<long int, std::less<long int>, std::allocator<long int> >" -> "std::set<long>"
// A name it cannot parse comes back trimmed. Idempotent: readable(readable(x)) == readable(x).
std::string readable_type_name(std::string_view dwarf_name);

// Whether two spellings denote the same type, modulo spacing, class/struct keywords, builtin
// type spellings, const placement, inline namespaces, default template arguments and aliases,
// and value arguments that the demangler writes as casts: "(__gnu_cxx::_Lock_policy)2" matches
// any enumerator in E's scope ("__gnu_cxx::_S_atomic") or in E ("(Mode)1" and "Mode::B"), and
// "(char)120" matches 'x'. For matching a vtable symbol's class against compile unit types.
bool same_type_name(std::string_view a, std::string_view b);

}  // namespace heapwalk::typeinfo
