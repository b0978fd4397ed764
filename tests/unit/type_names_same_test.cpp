// same_type_name on the pairs the walker meets: a vtable symbol's class, demangled by LLDB,
// against the compile unit's type of the same class (g++ 12, LLDB 16).
#include "typeinfo/type_names.h"

#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

using heapwalk::typeinfo::same_type_name;

TEST_CASE("same_type_name: real pairs of vtable symbols and compile unit types", "[type_names]") {
  const std::vector<std::pair<std::string, std::string>> same = {
      // Demangled "vtable for X" (LLDB) and the type LLDB builds from the compile unit.
      {"std::_Sp_counted_ptr<Foo*, (__gnu_cxx::_Lock_policy)2>",
       "std::_Sp_counted_ptr<Foo *, __gnu_cxx::_S_atomic>"},
      {"std::_Sp_counted_ptr_inplace<Foo, std::allocator<void>, (__gnu_cxx::_Lock_policy)2>",
       "std::_Sp_counted_ptr_inplace<Foo, std::allocator<void>, __gnu_cxx::_S_atomic>"},
      {"std::_Sp_counted_deleter<Foo*, Deleter, std::allocator<void>, (__gnu_cxx::_Lock_policy)2>",
       "std::_Sp_counted_deleter<Foo *, Deleter, std::allocator<void>, __gnu_cxx::_S_atomic>"},
      {"std::_Sp_counted_ptr_inplace<(anonymous namespace)::Hidden, std::allocator<void>, "
       "(__gnu_cxx::_Lock_policy)2>",
       "std::_Sp_counted_ptr_inplace<(anonymous namespace)::Hidden, std::allocator<void>, "
       "__gnu_cxx::_S_atomic>"},
      // User templates: a scoped enum, unscoped ones in a namespace and in a class, a char.
      {"Tagged<(Mode)1>", "Tagged<Mode::B>"},
      {"Leveled<(lib::Level)2>", "Leveled<lib::Level::High>"},
      {"Painted<(lib::Color)1, -2>", "Painted<lib::Green, -2>"},
      {"Traitful<unsigned long, (char)120, true>", "Traitful<unsigned long, 'x', true>"},
      {"Traitful<unsigned long, (char)120, true>", "Traitful<long unsigned int, 'x', true>"},
      {"google::protobuf::internal::MapEntry<demo::Item_CountsEntry_DoNotUse, "
       "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char>>, long, "
       "(google::protobuf::internal::WireFormatLite::FieldType)9, "
       "(google::protobuf::internal::WireFormatLite::FieldType)3>",
       "google::protobuf::internal::MapEntry<demo::Item_CountsEntry_DoNotUse, "
       "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >, long, "
       "google::protobuf::internal::WireFormatLite::TYPE_STRING, "
       "google::protobuf::internal::WireFormatLite::TYPE_INT64>"},
      // GCC's DW_AT_name writes the cast too; LLDB writes the enumerator.
      {"Tagged<(Mode)0>", "Tagged<Mode::A>"},
      // Spacing, keywords, integer spellings, defaults, inline namespaces, aliases.
      {"std::set<long int, std::less<long int>, std::allocator<long int> >", "std::set<long>"},
      {"class Sheet *", "Sheet*"},
      {"struct sim::Node const&", "const sim::Node &"},
      {"unsigned", "unsigned int"},
      {"std::array<int, 4ul>", "std::array<int, 4>"},
      {"nlohmann::json_abi_v3_11_2::basic_json<>", "nlohmann::json"},
      {"Eigen::Matrix<double, -1, -1, 0, -1, -1>", "Eigen::MatrixXd"},
      {"Traitful<bool, (bool)1>", "Traitful<bool, true>"},
      {"Flag<(char)0>", "Flag<'\\000'>"},
      {"Flag<(char)10>", "Flag<'\\n'>"},
      // Names the parser refuses are compared modulo spacing.
      {"std::vector<int", "std::vector< int"},
  };
  for (const auto& [a, b] : same) {
    INFO(a << "  vs  " << b);
    CHECK(same_type_name(a, b));
    CHECK(same_type_name(b, a));
  }
  const std::vector<std::pair<std::string, std::string>> different = {
      {"std::_Sp_counted_ptr<Foo*, (__gnu_cxx::_Lock_policy)2>",
       "std::_Sp_counted_ptr<Bar *, __gnu_cxx::_S_atomic>"},
      {"std::_Sp_counted_ptr<Foo*, (__gnu_cxx::_Lock_policy)2>",
       "std::_Sp_counted_ptr<Foo *, other::_S_atomic>"},
      {"Tagged<(Mode)1>", "Tagged<Other::B>"},
      {"Tagged<(Mode)1>", "Tagged<(Mode)2>"},
      {"Tagged<(Mode)1>", "Tagged<1>"},
      {"Painted<(lib::Color)1, -2>", "Painted<lib::Green, 2>"},
      {"Traitful<unsigned long, (char)121, true>", "Traitful<unsigned long, 'x', true>"},
      {"Traitful<bool, (bool)0>", "Traitful<bool, true>"},
      {"std::set<long>", "std::set<int>"},
      {"std::vector<int>", "std::vector<int, PoolAllocator<int> >"},
      {"const char*", "char* const"},
      {"Foo", "Bar"},
      {"std::vector<int", "std::vector<long"},
  };
  for (const auto& [a, b] : different) {
    INFO(a << "  vs  " << b);
    CHECK_FALSE(same_type_name(a, b));
    CHECK_FALSE(same_type_name(b, a));
  }
}
