// Classes named by symbols: the class of a vtable ("vtable for X"), the class a member function
// belongs to (std::function's and std::any's managers). Symbol names come from the demangler and
// type names from DWARF; the two spell the same type differently, so names are compared with
// same_type_name (type_names.h).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <lldb/API/SBCompileUnit.h>
#include <lldb/API/SBTarget.h>
#include <lldb/API/SBType.h>

namespace heapwalk::typeinfo {

// "std::any::_Manager_external<Big>::_S_manage(std::any::_Op, …) const" -> "std::any::_Manager_external<Big>"
std::string owner_of_function(std::string_view demangled);

// The top-level template arguments of a class name: "A<int (int), f()::'lambda'(int)>" ->
// {"int (int)", "f()::'lambda'(int)"}; empty when it is not a template.
std::vector<std::string> template_arguments(std::string_view name);

// "f()::'lambda'(int)", "f()::{lambda(int)#1}": a closure type as the demangler spells it.
bool is_lambda_name(std::string_view name);
// "lambda in f()" for a closure named as above.
std::string lambda_kind_name(std::string_view demangled_closure);

// Class and struct types of `unit` (complete, canonical) whose name satisfies `accept`.
std::vector<lldb::SBType> unit_classes(lldb::SBCompileUnit unit,
                                       const std::function<bool(std::string_view)>& accept);

}  // namespace heapwalk::typeinfo
