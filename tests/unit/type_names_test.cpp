// readable_type_name: the conventions, one by one, and names that are no plain types. The
// spellings real compilers and LLDB produce are in type_names_real_test.cpp, random inputs in
// type_names_fuzz_test.cpp, same_type_name in type_names_same_test.cpp.
#include "typeinfo/type_names.h"

#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

using heapwalk::typeinfo::readable_type_name;

namespace {

// The spelling libstdc++'s DWARF uses for std::string, repeated in many cases below.
const std::string kDwarfString =
    "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >";

void check_all(const std::vector<std::pair<std::string, std::string>>& cases) {
  for (const auto& [dwarf, readable] : cases) {
    INFO("input: " << dwarf);
    CHECK(readable_type_name(dwarf) == readable);
  }
}

}  // namespace

TEST_CASE("plain names and whitespace", "[type_names]") {
  check_all({
      {"int", "int"},
      {"  Sheet  ", "Sheet"},
      {"unsigned long long", "unsigned long long"},
      {"Sheet *", "Sheet*"},
      {"Sheet **", "Sheet**"},
      {"const char *", "const char*"},
      {"int (*)[4]", "int(*)[4]"},
      {"const ::Config", "const ::Config"},
      {"char *const", "char* const"},
      {"const Sheet &", "const Sheet&"},
      {"Sheet &&", "Sheet&&"},
      {"float [16]", "float[16]"},
      {"sim::Particle", "sim::Particle"},
      {"class Sheet", "Sheet"},
      {"struct sim::Node *", "sim::Node*"},
  });
}

TEST_CASE("strings", "[type_names]") {
  check_all({
      {kDwarfString, "std::string"},
      {"std::basic_string<char, std::char_traits<char>, std::allocator<char> >", "std::string"},
      {"std::__cxx11::basic_string<wchar_t, std::char_traits<wchar_t>, std::allocator<wchar_t> >",
       "std::wstring"},
      {"std::__cxx11::basic_string<char16_t, std::char_traits<char16_t>, "
       "std::allocator<char16_t> >",
       "std::u16string"},
      {"std::__cxx11::basic_string<char32_t, std::char_traits<char32_t>, "
       "std::allocator<char32_t> >",
       "std::u32string"},
      {"std::basic_string_view<char, std::char_traits<char> >", "std::string_view"},
      {kDwarfString + " *", "std::string*"},
      {"const " + kDwarfString + " &", "const std::string&"},
      {kDwarfString + "::_Alloc_hider", "std::string::_Alloc_hider"},
      // A custom allocator is part of the type: only the traits go.
      {"std::__cxx11::basic_string<char, std::char_traits<char>, ArenaAllocator<char> >",
       "std::basic_string<char, std::char_traits<char>, ArenaAllocator<char>>"},
      {"std::__cxx11::basic_ostringstream<char, std::char_traits<char>, std::allocator<char> >",
       "std::ostringstream"},
  });
}

TEST_CASE("default allocators, comparators and deleters are dropped", "[type_names]") {
  check_all({
      {"std::vector<float, std::allocator<float> >", "std::vector<float>"},
      {"std::__cxx11::list<Sheet*, std::allocator<Sheet*> >", "std::list<Sheet*>"},
      {"std::deque<int, std::allocator<int> >", "std::deque<int>"},
      {"std::forward_list<int, std::allocator<int> >", "std::forward_list<int>"},
      {"std::set<int, std::less<int>, std::allocator<int> >", "std::set<int>"},
      {"std::multiset<long, std::less<long>, std::allocator<long> >", "std::multiset<long>"},
      {"std::unique_ptr<Projection, std::default_delete<Projection> >",
       "std::unique_ptr<Projection>"},
      {"std::unique_ptr<float [], std::default_delete<float []> >", "std::unique_ptr<float[]>"},
      {"std::map<" + kDwarfString + ", Sheet*, std::less<" + kDwarfString +
           " >, std::allocator<std::pair<const " + kDwarfString + ", Sheet*> > >",
       "std::map<std::string, Sheet*>"},
      {"std::multimap<int, double, std::less<int>, std::allocator<std::pair<const int, double> > "
       ">",
       "std::multimap<int, double>"},
      {"std::unordered_map<std::string, double, std::hash<std::string>, "
       "std::equal_to<std::string>, std::allocator<std::pair<const std::string, double> > >",
       "std::unordered_map<std::string, double>"},
      {"std::unordered_set<int, std::hash<int>, std::equal_to<int>, std::allocator<int> >",
       "std::unordered_set<int>"},
      {"std::unordered_multimap<int, int, std::hash<int>, std::equal_to<int>, "
       "std::allocator<std::pair<const int, int> > >",
       "std::unordered_multimap<int, int>"},
      // A pointer key's pair is spelled "K const" by the compiler.
      {"std::map<Sheet*, int, std::less<Sheet*>, std::allocator<std::pair<Sheet* const, int> > >",
       "std::map<Sheet*, int>"},
      {"std::stack<int, std::deque<int, std::allocator<int> > >", "std::stack<int>"},
  });
}

TEST_CASE("nested containers", "[type_names]") {
  check_all({
      {"std::vector<" + kDwarfString + ", std::allocator<" + kDwarfString + " > >",
       "std::vector<std::string>"},
      {"std::vector<std::vector<float, std::allocator<float> >, "
       "std::allocator<std::vector<float, std::allocator<float> > > >",
       "std::vector<std::vector<float>>"},
      {"std::map<int, std::vector<std::unique_ptr<Node, std::default_delete<Node> >, "
       "std::allocator<std::unique_ptr<Node, std::default_delete<Node> > > >, std::less<int>, "
       "std::allocator<std::pair<const int, std::vector<std::unique_ptr<Node, "
       "std::default_delete<Node> >, std::allocator<std::unique_ptr<Node, "
       "std::default_delete<Node> > > > > > >",
       "std::map<int, std::vector<std::unique_ptr<Node>>>"},
      {"std::_Rb_tree_node<std::pair<const " + kDwarfString + ", Sheet*> >",
       "std::_Rb_tree_node<std::pair<const std::string, Sheet*>>"},
      {"std::vector<float, std::allocator<float> > *", "std::vector<float>*"},
      {"std::shared_ptr<std::vector<float, std::allocator<float> > >",
       "std::shared_ptr<std::vector<float>>"},
      {"std::_Sp_counted_ptr_inplace<Foo, std::allocator<Foo>, (__gnu_cxx::_Lock_policy)2>",
       "std::_Sp_counted_ptr_inplace<Foo, std::allocator<Foo>, (__gnu_cxx::_Lock_policy)2>"},
      {"std::array<int, 4>", "std::array<int, 4>"},
      {"std::integral_constant<int, -1>", "std::integral_constant<int, -1>"},
      {"Grid<(N > 0), 'x'>", "Grid<(N > 0), 'x'>"},
      {"std::__detail::_Hash_node<std::pair<const int, double>, false>",
       "std::__detail::_Hash_node<std::pair<const int, double>, false>"},
  });
}

TEST_CASE("custom arguments are kept", "[type_names]") {
  check_all({
      {"std::map<int, Sheet*, ByPriority, std::allocator<std::pair<const int, Sheet*> > >",
       "std::map<int, Sheet*, ByPriority>"},
      {"std::set<int, std::greater<int>, std::allocator<int> >",
       "std::set<int, std::greater<int>>"},
      {"std::set<int, std::less<void>, std::allocator<int> >", "std::set<int, std::less<void>>"},
      // A non-default allocator keeps the default comparator before it too.
      {"std::map<int, int, std::less<int>, PoolAllocator<std::pair<const int, int> > >",
       "std::map<int, int, std::less<int>, PoolAllocator<std::pair<const int, int>>>"},
      {"std::vector<int, PoolAllocator<int> >", "std::vector<int, PoolAllocator<int>>"},
      // An allocator for a different type is not the default.
      {"std::vector<int, std::allocator<long> >", "std::vector<int, std::allocator<long>>"},
      {"std::unique_ptr<FILE, FileCloser>", "std::unique_ptr<FILE, FileCloser>"},
      // Only std:: templates have known defaults.
      {"mylib::vector<int, std::allocator<int> >", "mylib::vector<int, std::allocator<int>>"},
      {"Outer<int>::vector<int, std::allocator<int> >",
       "Outer<int>::vector<int, std::allocator<int>>"},
  });
}

TEST_CASE("anonymous namespaces and lambdas", "[type_names]") {
  check_all({
      {"(anonymous namespace)::Cache", "(anonymous namespace)::Cache"},
      {"(anonymous namespace)::Cache *", "(anonymous namespace)::Cache*"},
      {"std::vector<(anonymous namespace)::Cache, std::allocator<(anonymous namespace)::Cache> >",
       "std::vector<(anonymous namespace)::Cache>"},
      {"sim::(anonymous namespace)::Tile<3>", "sim::(anonymous namespace)::Tile<3>"},
      {"main::{lambda(int)#1}", "main::{lambda(int)#1}"},
  });
}

TEST_CASE("function types and pointers to members", "[type_names]") {
  check_all({
      {"std::function<void (int)>", "std::function<void(int)>"},
      {"void (*)(std::vector<int, std::allocator<int> > &, int)",
       "void(*)(std::vector<int>&, int)"},
      {"std::vector<void (*)(), std::allocator<void (*)()> >", "std::vector<void(*)()>"},
      {"std::function<long int (long unsigned int, char const*)>",
       "std::function<long(unsigned long, const char*)>"},
      {"int Foo::*", "int Foo::*"},
      {"long int Foo::*", "long Foo::*"},
      {"int (Foo::*)(int) const", "int(Foo::*)(int) const"},
      {"void (sim::Node::*)(std::vector<int, std::allocator<int> > const&) volatile",
       "void(sim::Node::*)(const std::vector<int>&) volatile"},
      {"int (&)[4]", "int(&)[4]"},
      {"void () noexcept", "void() noexcept"},
  });
}

TEST_CASE("malformed names come back trimmed", "[type_names]") {
  check_all({
      {"", ""},
      {"   ", ""},
      {"  std::vector<int  ", "std::vector<int"},
      {"std::vector<int> >", "std::vector<int> >"},
      {"Foo)", "Foo)"},
      {"std::map<int,,>", "std::map<int,,>"},
      {"'unterminated", "'unterminated"},
  });
  // Very deep nesting is refused rather than recursed into.
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "A<";
  CHECK(readable_type_name(deep) == deep);
  // Real nesting, however silly, still works.
  std::string nested = "X";
  for (int i = 0; i < 100; ++i) nested = "std::list<" + nested + ">";
  CHECK(readable_type_name(nested) == nested);
}

TEST_CASE("one spelling for builtin types, const and literals", "[type_names]") {
  check_all({
      // Integers as LLDB and clang print them: no "int" after short/long, "unsigned int" kept.
      {"long int", "long"},
      {"long unsigned int", "unsigned long"},
      {"unsigned long int", "unsigned long"},
      {"short int", "short"},
      {"short unsigned int", "unsigned short"},
      {"long long int", "long long"},
      {"long long unsigned int", "unsigned long long"},
      {"unsigned", "unsigned int"},
      {"signed", "int"},
      {"signed int", "int"},
      {"long signed int", "long"},
      {"char signed", "signed char"},
      {"char unsigned", "unsigned char"},
      {"double long", "long double"},
      {"__int128 unsigned", "unsigned __int128"},
      // const goes first ("west const") unless it applies to a pointer.
      {"char const", "const char"},
      {"int const*", "const int*"},
      {"int const* const", "const int* const"},
      {"char const * const *", "const char* const*"},
      {"volatile const unsigned", "const volatile unsigned int"},
      {"std::vector<int, std::allocator<int> > const&", "const std::vector<int>&"},
      {"Foo<int> const", "const Foo<int>"},
      // Integer literals lose their suffix, as DWARF writes them.
      {"std::array<int, 4ul>", "std::array<int, 4>"},
      {"Grid<3u, 10ll, 0x10, -2l>", "Grid<3, 10, 0x10, -2>"},
      // Not one type: left alone.
      {"unsigned Foo", "unsigned Foo"},
      {"long long long", "long long long"},
      {"short long", "short long"},
      {"_Complex double", "_Complex double"},
  });
}

TEST_CASE("defaults are recognized whatever their arguments' spelling", "[type_names]") {
  check_all({
      {"std::set<long, std::less<long int>, std::allocator<long int> >", "std::set<long>"},
      {"std::set<long int, std::less<long>, std::allocator<long> >", "std::set<long>"},
      {"std::map<unsigned long, Sheet*, std::less<long unsigned int>, "
       "std::allocator<std::pair<long unsigned int const, Sheet*> > >",
       "std::map<unsigned long, Sheet*>"},
      {"std::map<char const*, int, std::less<const char*>, "
       "std::allocator<std::pair<const char* const, int> > >",
       "std::map<const char*, int>"},
      // "const K" for a pointer key is a pointer to const, not the key: not the default.
      {"std::map<Sheet*, int, std::less<Sheet*>, std::allocator<std::pair<const Sheet*, int> > >",
       "std::map<Sheet*, int, std::less<Sheet*>, std::allocator<std::pair<const Sheet*, int>>>"},
      {"std::unordered_map<long, int, std::hash<long int>, std::equal_to<long int>, "
       "std::allocator<std::pair<long int const, int> > >",
       "std::unordered_map<long, int>"},
      {"std::unordered_map<long, int, MyHash, std::equal_to<long int>, "
       "std::allocator<std::pair<long int const, int> > >",
       "std::unordered_map<long, int, MyHash>"},
      {"std::span<int, 18446744073709551615ul>", "std::span<int>"},
      {"std::span<int, 4>", "std::span<int, 4>"},
      {"std::__cxx11::basic_regex<char, std::__cxx11::regex_traits<char> >", "std::regex"},
      {"std::chrono::duration<double, std::ratio<1, 1000> >",
       "std::chrono::duration<double, std::milli>"},
      {"std::chrono::duration<long, std::ratio<1, 1> >", "std::chrono::seconds"},
      {"std::chrono::duration<long int, std::ratio<3600, 1> >", "std::chrono::hours"},
      {"std::chrono::duration<int, std::ratio<60, 1> >",
       "std::chrono::duration<int, std::ratio<60>>"},
  });
}

TEST_CASE("inline namespaces for ABI versions go", "[type_names]") {
  check_all({
      {"std::__1::vector<int, std::__1::allocator<int> >", "std::vector<int>"},
      {"std::__1::basic_string<char, std::__1::char_traits<char>, std::__1::allocator<char> >",
       "std::string"},
      {"std::__ndk1::unique_ptr<Foo, std::__ndk1::default_delete<Foo> >", "std::unique_ptr<Foo>"},
      {"std::chrono::_V2::steady_clock", "std::chrono::steady_clock"},
      {"std::_V2::error_category", "std::error_category"},
      {"std::experimental::fundamentals_v1::optional<int>", "std::experimental::optional<int>"},
      {"absl::lts_20230125::container_internal::raw_hash_set<P, H, E, A>",
       "absl::container_internal::raw_hash_set<P, H, E, A>"},
      {"nlohmann::json_abi_diag_v3_11_2::detail::out_of_range", "nlohmann::detail::out_of_range"},
      {"nlohmann::json_abi::json_pointer<std::string>", "nlohmann::json_pointer<std::string>"},
      {"fmt::v9::basic_memory_buffer<char, 500, std::allocator<char> >",
       "fmt::basic_memory_buffer<char, 500, std::allocator<char>>"},
      // Ordinary namespaces, and look-alikes in other libraries, stay.
      {"std::__detail::_Hash_node_base", "std::__detail::_Hash_node_base"},
      {"absl::container_internal::StringHash", "absl::container_internal::StringHash"},
      {"absl::int128", "absl::int128"},
      {"google::protobuf::internal::ArenaStringPtr", "google::protobuf::internal::ArenaStringPtr"},
      {"mylib::__1::vector<int>", "mylib::__1::vector<int>"},
      {"mylib::v9::thing", "mylib::v9::thing"},
      {"fmt::detail::buffer<char>", "fmt::detail::buffer<char>"},
  });
}

TEST_CASE("names that are not plain types read cleanly", "[type_names]") {
  check_all({
      {"std::less<int>::operator()(int const&, int const&) const",
       "std::less<int>::operator()(const int&, const int&) const"},
      {"bool operator< <int>(Foo<int> const&, Foo<int> const&)",
       "bool operator< <int>(const Foo<int>&, const Foo<int>&)"},
      {"std::ostream& operator<<(std::ostream&, Foo const&)",
       "std::ostream& operator<<(std::ostream&, const Foo&)"},
      {"Foo::operator<=>(Foo const&) const", "Foo::operator<=>(const Foo&) const"},
      {"std::_Rb_tree_iterator<long int>::operator->() const",
       "std::_Rb_tree_iterator<long>::operator->() const"},
      {"operator new[](unsigned long)", "operator new[](unsigned long)"},
      {"operator delete(void*, unsigned long)", "operator delete(void*, unsigned long)"},
      {"operator\"\"_km(unsigned long long)", "operator\"\"_km(unsigned long long)"},
      {"Foo::operator int() const", "Foo::operator int() const"},
      {"Grid<(1 < 2)>", "Grid<(1 < 2)>"},
      {"Foo<'>', ',', \"a>b\">", "Foo<'>', ',', \"a>b\">"},
      {"(anonymous namespace)::Cache", "(anonymous namespace)::Cache"},
      {"(unnamed struct)", "(unnamed struct)"},
      {"(lambda at /tmp/x.cpp:3:5)", "(lambda at /tmp/x.cpp:3:5)"},
      {"std::vector<(lambda at /tmp/x.cpp:3:5), std::allocator<(lambda at /tmp/x.cpp:3:5)> >",
       "std::vector<(lambda at /tmp/x.cpp:3:5)>"},
      {"main()::<lambda(int)>", "main()::<lambda(int)>"},
      {"std::vector<main()::<lambda()>, std::allocator<main()::<lambda()> > >",
       "std::vector<main()::<lambda()>>"},
      {"build()::{lambda(int)#1}", "build()::{lambda(int)#1}"},
      {"std::_Function_handler<int (int), build()::{lambda(int)#1}>",
       "std::_Function_handler<int(int), build()::{lambda(int)#1}>"},
      {"main::'lambda'(int)", "main::'lambda'(int)"},
      {"main::$_0", "main::$_0"},
      {"std::vector<main::$_0, std::allocator<main::$_0> >", "std::vector<main::$_0>"},
      {"std::vector<lambda, std::allocator<lambda> >", "std::vector<lambda>"},  // a class "lambda"
      {"Foo::name[abi:cxx11]() const", "Foo::name[abi:cxx11]() const"},
      {"std::tuple<Args...>", "std::tuple<Args...>"},
  });
}

TEST_CASE("adversarial names come back trimmed or simplified, never mangled", "[type_names]") {
  check_all({
      {"(Foo", "(Foo"},
      {"Foo]", "Foo]"},
      {"A<B)>", "A<B)>"},
      {"Foo<(int>", "Foo<(int>"},
      {"operator<", "operator<"},
      {"std::map<int, int> > >", "std::map<int, int> > >"},
      {"{lambda(int)#1", "{lambda(int)#1"},
      {"<lambda(int)", "<lambda(int)"},
      {"'lambda'(int", "'lambda'(int"},
      {"(anonymous namespace", "(anonymous namespace"},
      {"Foo<\"unterminated>", "Foo<\"unterminated>"},
      {"a ,, b", "a, , b"},
      {"::", "::"},
      {"<>", "<>"},
  });
  // A very long flat name.
  std::string wide = "Tuple<";
  for (int i = 0; i < 5000; ++i) wide += (i ? ", " : "") + std::string("long int");
  wide += ">";
  std::string wide_readable = "Tuple<";
  for (int i = 0; i < 5000; ++i) wide_readable += (i ? ", " : "") + std::string("long");
  CHECK(readable_type_name(wide) == wide_readable + ">");
  // Deep nesting (150 levels; the parser refuses more than 200).
  std::string deep = "std::vector<long int, std::allocator<long int> >",
              deep_readable = "std::vector<long>";
  for (int i = 0; i < 150; ++i) {
    deep = "std::optional<" + deep + " >";
    deep_readable = "std::optional<" + deep_readable + ">";
  }
  CHECK(readable_type_name(deep) == deep_readable);
}

TEST_CASE("std::pmr containers", "[type_names]") {
  check_all({
      {"std::__cxx11::basic_string<char, std::char_traits<char>, "
       "std::pmr::polymorphic_allocator<char> >",
       "std::pmr::string"},
      {"std::vector<std::__cxx11::basic_string<char, std::char_traits<char>, "
       "std::pmr::polymorphic_allocator<char> >, std::pmr::polymorphic_allocator<"
       "std::__cxx11::basic_string<char, std::char_traits<char>, "
       "std::pmr::polymorphic_allocator<char> > > >",
       "std::pmr::vector<std::pmr::string>"},
      {"std::map<int, double, std::less<int>, std::pmr::polymorphic_allocator<std::pair<const "
       "int, double> > >",
       "std::pmr::map<int, double>"},
      {"std::map<int, double, std::greater<int>, std::pmr::polymorphic_allocator<std::pair<const "
       "int, double> > >",
       "std::pmr::map<int, double, std::greater<int>>"},
      // Not the allocator std::allocator would be: left alone.
      {"std::vector<int, std::pmr::polymorphic_allocator<long> >",
       "std::vector<int, std::pmr::polymorphic_allocator<long>>"},
  });
}
