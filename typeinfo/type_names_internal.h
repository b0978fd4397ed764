// Internals shared by the type_names*.cpp files (not for other modules): the simplification
// passes over a parsed name and the tables of template defaults and aliases.
#pragma once

#include "typeinfo/type_name_tree.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace heapwalk::typeinfo::type_name {

// Template arguments in readable form, as the rule tables see them.
using Args = std::vector<std::string>;

// The whole simplification, bottom-up: every list inside `type` first, then `type` itself.
void simplify(Type& type);

// Passes over one run of pieces (type_names_spelling.cpp).
// "long unsigned int const" -> "const unsigned long"; "char const*" -> "const char*".
void normalize_specifiers(Type& type);
// Integer literals without suffix: "4ul" -> "4" (the demangler writes them, DWARF does not).
void normalize_literals(Type& type);

// The one spelling of a builtin type named by these words in any order ("long unsigned int"
// -> "unsigned long"), or nullopt when they name none.
std::optional<std::string> builtin_spelling(const std::vector<std::string_view>& words);

// `type` (readable form) with a top-level const: "const std::string", "Sheet* const".
std::string const_of(std::string_view type);

// The first argument of `type` (readable form) if it is `name<...>`: "std::unique_ptr<Foo>" and
// "std::unique_ptr" give "Foo".
std::optional<std::string> first_argument_of(std::string_view type, std::string_view name);

// Whether argument `position` of template `name` is its default, given the earlier arguments
// (type_names_defaults.cpp). Names are readable: no inline namespaces, "std::map".
bool is_default_argument(std::string_view name, const Args& args, size_t position);

// The name a library gives `name<args>` (type_names_aliases.cpp): "std::string",
// "nlohmann::json", "Eigen::MatrixXd"; nullopt when there is none.
std::optional<std::string> alias_for(std::string_view name, const Args& args);

// Boost's (type_names_boost.cpp): defaults, aliases, and Boost.Graph's stored vertices ("G
// vertex"), a pass over a whole simplified type.
std::optional<std::string> boost_default(std::string_view name, const Args& args, size_t position);
std::optional<std::string> boost_alias(std::string_view name, const Args& args);
void name_graph_vertices(Type& type);

}  // namespace heapwalk::typeinfo::type_name
