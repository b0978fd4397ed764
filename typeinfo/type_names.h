// Type names as a person writes them: default template arguments dropped, std::string for
// std::__cxx11::basic_string<char, …>, no "class"/"struct" keywords.
#pragma once

#include <string>
#include <string_view>

namespace heapwalk::typeinfo {

// "std::vector<float, std::allocator<float> >" -> "std::vector<float>"
// "std::map<std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >,
//  Sheet*, std::less<…>, std::allocator<…> >" -> "std::map<std::string, Sheet*>"
std::string readable_type_name(std::string_view dwarf_name);

}  // namespace heapwalk::typeinfo
