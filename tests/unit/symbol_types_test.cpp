// Class names from symbol names (owner_of_function, template_arguments, lambdas) on the spellings
// LLDB 16's demangler and GCC 12's DWARF produce, and the types behind std::function and std::any
// resolved from the managers of tests/unit/layout_fixture.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "layout_world.h"
#include "typeinfo/symbol_types.h"

using namespace heapwalk::typeinfo;
using Strings = std::vector<std::string>;

TEST_CASE("owner_of_function: the class of a demangled member function", "[symbols]") {
  CHECK(owner_of_function("std::any::_Manager_external<BigAny>::_S_manage(std::any::_Op, "
                          "std::any const*, std::any::_Arg*)") ==
        "std::any::_Manager_external<BigAny>");
  // Templates whose arguments hold parentheses, scopes and lambdas.
  CHECK(owner_of_function("std::_Function_handler<void (int), make_big(Leaf*, Leaf*, Leaf*, "
                          "Leaf*)::'lambda'(int)>::_M_manager(std::_Any_data&, std::_Any_data "
                          "const&, std::_Manager_operation)") ==
        "std::_Function_handler<void (int), make_big(Leaf*, Leaf*, Leaf*, Leaf*)::'lambda'(int)>");
  CHECK(owner_of_function("std::_Function_base::_Base_manager<make_small()::{lambda(int)#1}>::"
                          "_M_manager(std::_Any_data&, std::_Any_data const&, "
                          "std::_Manager_operation)") ==
        "std::_Function_base::_Base_manager<make_small()::{lambda(int)#1}>");
  CHECK(owner_of_function("ns::Map<int, std::pair<long, char>>::find(int const&) const") ==
        "ns::Map<int, std::pair<long, char>>");
  CHECK(owner_of_function("Sheet::size() const") == "Sheet");
  CHECK(owner_of_function("Sheet::size() const (.cold)") == "Sheet");
  CHECK(owner_of_function("a::b::Grid<float>::resize(unsigned long) (.cold)") ==
        "a::b::Grid<float>");
  // A closure's call operator belongs to the closure.
  CHECK(owner_of_function("build_model()::'lambda'(int)::operator()(int) const") ==
        "build_model()::'lambda'(int)");
  CHECK(owner_of_function("Sheet::operator()(int)") == "Sheet");
  // Not a member function.
  CHECK(owner_of_function("main") == "");
  CHECK(owner_of_function("free_function(int)") == "");
}

TEST_CASE("owner_of_function: operators whose names hold < or >", "[symbols]") {
  // The '<' and '>' of operator names are not template brackets.
  CHECK(owner_of_function("Sheet::operator<(Sheet const&) const") == "Sheet");
  CHECK(owner_of_function("Sheet::operator->() const") == "Sheet");
}

TEST_CASE("template_arguments: top-level arguments of a class name", "[symbols]") {
  CHECK(template_arguments("A<int (int), f()::'lambda'(int)>") ==
        Strings{"int (int)", "f()::'lambda'(int)"});
  CHECK(template_arguments("std::map<int, std::vector<std::pair<int, long>>>") ==
        Strings{"int", "std::vector<std::pair<int, long>>"});
  CHECK(template_arguments("std::vector<float, std::allocator<float> >") ==
        Strings{"float", "std::allocator<float>"});  // GCC's "> >"
  CHECK(template_arguments("std::function<void (int, long)>") == Strings{"void (int, long)"});
  CHECK(template_arguments("X<void (*)(int, char), 3>") == Strings{"void (*)(int, char)", "3"});
  CHECK(template_arguments("std::_Function_handler<void (int), make_small()::{lambda(int, int)#1}>") ==
        Strings{"void (int)", "make_small()::{lambda(int, int)#1}"});
  CHECK(template_arguments("std::array<int, 4>") == Strings{"int", "4"});
  CHECK(template_arguments("Sheet").empty());
  CHECK(template_arguments("Outer<int>::Inner").empty());  // not itself a template
  CHECK(template_arguments("").empty());
}

TEST_CASE("lambdas: names of closures and their kinds", "[symbols]") {
  CHECK(is_lambda_name("build_model()::'lambda'(int)"));
  CHECK(is_lambda_name("build_model()::'lambda0'()"));
  CHECK(is_lambda_name("make_small()::{lambda(int)#1}"));
  CHECK(is_lambda_name("std::function<void (int)>::function<<lambda(int)> >"));
  CHECK_FALSE(is_lambda_name("lambda_sheet"));
  CHECK_FALSE(is_lambda_name("std::vector<int>"));

  CHECK(lambda_kind_name("build_model()::'lambda'(int)") == "lambda in build_model()");
  CHECK(lambda_kind_name("make_small()::{lambda(int)#1}") == "lambda in make_small()");
  CHECK(lambda_kind_name("make_big(Leaf*, Leaf*, Leaf*, Leaf*)::'lambda'(int)") ==
        "lambda in make_big(Leaf*, Leaf*, Leaf*, Leaf*)");
  CHECK(lambda_kind_name("Sheet::run() const::'lambda'()") == "lambda in Sheet::run() const");
  CHECK(lambda_kind_name("main()::<lambda(int)>") == "lambda in main()");
  // A lambda in a lambda: named after the innermost enclosing function.
  CHECK(lambda_kind_name("f()::'lambda'()::operator()() const::'lambda'(int)") ==
        "lambda in f()::'lambda'()::operator()() const");
  CHECK(lambda_kind_name("Sheet") == "lambda");
}

TEST_CASE("type erasure: std::function managers name their closures", "[symbols][erasure]") {
  heapwalk::test::World w;
  REQUIRE(w.program.valid());
  // g++ 12 instantiates both managers; the handler's is what _M_manager holds.
  uint64_t small = w.program.symbol_starting("std::_Function_handler<void (int), make_small()::");
  uint64_t big = w.program.symbol_starting("std::_Function_handler<void (int), make_big(");
  REQUIRE(small);
  REQUIRE(big);

  const ErasedType* s = w.erasure.function_target(small);
  REQUIRE(s);
  CHECK(s->kind == "lambda in make_small()");
  CHECK(s->in_place);  // an empty closure fits in _Any_data
  CHECK(w.types.layout(s->layout).size == 1);

  // Two closures of one signature in one unit: the manager's own symbol picks the right one.
  const ErasedType* b = w.erasure.function_target(big);
  REQUIRE(b);
  CHECK(b->kind == "lambda in make_big(Leaf*, Leaf*, Leaf*, Leaf*)");
  CHECK_FALSE(b->in_place);  // four captured pointers: on the heap
  const Layout& closure = w.types.layout(b->layout);
  CHECK(closure.size == 32);
  CHECK(closure.pointers.size() == 4);

  CHECK(w.erasure.function_target(w.program.symbol("main")) == nullptr);
  CHECK(w.erasure.function_target(0) == nullptr);
}

TEST_CASE("type erasure: std::any managers name the held type and where it lives",
          "[symbols][erasure]") {
  heapwalk::test::World w;
  uint64_t internal = w.program.symbol_starting("std::any::_Manager_internal<int>::_S_manage");
  uint64_t external = w.program.symbol_starting("std::any::_Manager_external<BigAny>::_S_manage");
  REQUIRE(internal);
  REQUIRE(external);

  const ErasedType* i = w.erasure.any_value(internal);
  REQUIRE(i);
  CHECK(i->kind == "int");
  CHECK(i->in_place);

  const ErasedType* e = w.erasure.any_value(external);
  REQUIRE(e);
  CHECK(e->kind == "BigAny");
  CHECK_FALSE(e->in_place);
  const Layout& big = w.types.layout(e->layout);
  CHECK(big.size == 48);
  CHECK(big.pointers.size() == 2);

  // A function manager is not an any manager.
  CHECK(w.erasure.any_value(w.program.symbol_starting("std::_Function_handler<")) == nullptr);
}
