// readable_type_name on Boost 1.74's and Eigen's sparse types, as g++ 12's DWARF spells them (the
// library fixtures' globals): defaults dropped, boost::unordered_map for the class in
// boost::unordered, and a Boost.Graph vertex as "G vertex".
#include "typeinfo/type_names.h"

#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

using heapwalk::typeinfo::readable_type_name;

namespace {
const std::string kString =
    "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >";
}  // namespace

TEST_CASE("Boost and Eigen sparse names as their users write them", "[type_names]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"boost::unordered::unordered_map<" + kString + ", std::vector<int, std::allocator<int> >, "
       "boost::hash<" + kString + " >, std::equal_to<" + kString + " >, std::allocator<std::pair<"
       "const " + kString + ", std::vector<int, std::allocator<int> > > > >",
       "boost::unordered_map<std::string, std::vector<int>>"},
      {"boost::unordered::unordered_set<int, boost::hash<int>, std::equal_to<int>, "
       "std::allocator<int> >",
       "boost::unordered_set<int>"},
      {"boost::unordered::unordered_map<int, int, MyHash, std::equal_to<int>, "
       "std::allocator<std::pair<const int, int> > >",
       "boost::unordered_map<int, int, MyHash>"},
      {"boost::container::flat_map<" + kString + ", int, std::less<" + kString + " >, void>",
       "boost::container::flat_map<std::string, int>"},
      {"boost::container::small_vector<" + kString + ", 4, void, void>",
       "boost::container::small_vector<std::string, 4>"},
      {"boost::container::vector<" + kString + ", void, void>", "boost::container::vector<std::string>"},
      {"boost::object_pool<Particle, boost::default_user_allocator_new_delete>",
       "boost::object_pool<Particle>"},
      {"boost::adjacency_list<boost::listS, boost::listS, boost::undirectedS, City, Road, "
       "boost::no_property, boost::listS>",
       "boost::adjacency_list<boost::listS, boost::listS, boost::undirectedS, City, Road>"},
      {"boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property, "
       "boost::no_property, boost::no_property, boost::listS>",
       "boost::adjacency_list<>"},
      {"boost::detail::adj_list_gen<boost::adjacency_list<boost::listS, boost::listS, "
       "boost::undirectedS, City, Road, boost::no_property, boost::listS>, boost::listS, "
       "boost::listS, boost::undirectedS, City, Road, boost::no_property, boost::listS>::config::"
       "stored_vertex",
       "boost::adjacency_list<boost::listS, boost::listS, boost::undirectedS, City, Road> vertex"},
      // Only the stored vertex is renamed; the config's other members keep their names.
      {"boost::detail::adj_list_gen<G, boost::vecS>::config::rand_stored_vertex",
       "boost::detail::adj_list_gen<G, boost::vecS>::config::rand_stored_vertex"},
      {"Eigen::SparseMatrix<double, 0, int>", "Eigen::SparseMatrix<double>"},
      {"Eigen::SparseMatrix<float, 1, int>", "Eigen::SparseMatrix<float, 1>"},
  };
  for (const auto& [dwarf, readable] : cases) {
    INFO("input: " << dwarf);
    CHECK(readable_type_name(dwarf) == readable);
  }
}
