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

TEST_CASE("function types pass through", "[type_names]") {
  check_all({
      {"std::function<void (int)>", "std::function<void(int)>"},
      {"void (*)(std::vector<int, std::allocator<int> > &, int)",
       "void(*)(std::vector<int>&, int)"},
      {"std::vector<void (*)(), std::allocator<void (*)()> >", "std::vector<void(*)()>"},
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
