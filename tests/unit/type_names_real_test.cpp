// readable_type_name on the spellings g++ 12.2 and LLDB 16 really produce. Collected from a
// program using each library, built with -g -O0 and -g -O2 (both give the same names), from:
//  - LLDB: SBType::GetName() of globals, their canonical types, and SBCompileUnit::GetTypes();
//    LLDB prints the outer template arguments itself ("std::set<long, std::less<long>, …") and
//    nested class types with GCC's DW_AT_name ("std::allocator<long int>"), so one name mixes both;
//  - GCC's DW_AT_name strings, qualified as LLDB shows them when nested;
//  - symbols demangled by LLDB: "vtable for X", member functions.
#include "typeinfo/type_names.h"

#include <string>
#include <utility>
#include <vector>

#include <catch2/catch.hpp>

using heapwalk::typeinfo::readable_type_name;

namespace {

void check_all(const std::vector<std::pair<std::string, std::string>>& cases) {
  for (const auto& [spelling, readable] : cases) {
    INFO("input: " << spelling);
    CHECK(readable_type_name(spelling) == readable);
  }
}

// std::string as GCC's DWARF and LLDB spell it, and as LLDB's demangler does (no "> >").
const std::string kString =
    "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >";
const std::string kDemangledString =
    "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char>>";

// nlohmann::json's canonical type: LLDB's spelling (long, unsigned long) and GCC's.
const std::string kNl = "nlohmann::json_abi_v3_11_2::";
std::string json_type(std::string_view object, bool gcc) {
  return kNl + "basic_json<" + std::string(object) + ", std::vector, " + kString + ", bool, " +
         (gcc ? "long int, long unsigned int" : "long, unsigned long") +
         ", double, std::allocator, " + kNl +
         "adl_serializer, std::vector<unsigned char, std::allocator<unsigned char> > >";
}

const std::string kAbsl = "absl::debian3::";

}  // namespace

TEST_CASE("real spellings: builtin types and const", "[type_names]") {
  check_all({
      // GCC's DW_AT_name of template instances.
      {"Box<long unsigned int>", "Box<unsigned long>"},
      {"Box<short unsigned int>", "Box<unsigned short>"},
      {"Box<long long unsigned int>", "Box<unsigned long long>"},
      {"Box<__int128 unsigned>", "Box<unsigned __int128>"},
      {"Box<char const*>", "Box<const char*>"},
      {"Box<char const* const>", "Box<const char* const>"},
      {"Box<long int const volatile>", "Box<const volatile long>"},
      {"Box<int volatile>", "Box<volatile int>"},
      {"Box<int [3]>", "Box<int[3]>"},
      {"Box<int (*)[3]>", "Box<int(*)[3]>"},
      {"Box<signed char>", "Box<signed char>"},
      {"Box<char8_t>", "Box<char8_t>"},
      {"ArenaAwareTryEmplace<char const (&)[2]>", "ArenaAwareTryEmplace<const char(&)[2]>"},
      {"SwapBlock<__int128 unsigned>", "SwapBlock<unsigned __int128>"},  // -O2 only
      // LLDB's names for the same types and for globals.
      {"Box<unsigned long>", "Box<unsigned long>"},
      {"Box<const char *>", "Box<const char*>"},
      {"Box<char const* const> *", "Box<const char* const>*"},
      {"Box<long int const volatile> *", "Box<const volatile long>*"},
      {"Box<unsigned __int128>", "Box<unsigned __int128>"},
      {"Box<int&> *", "Box<int&>*"},
      {"const const char[192]", "const char[192]"},  // a const typedef of const char[192]
      {"const google::protobuf::EnumDescriptor **const",
       "const google::protobuf::EnumDescriptor** const"},
      {"const unsigned long", "const unsigned long"},
  });
}

TEST_CASE("real spellings: libstdc++ containers", "[type_names]") {
  check_all({
      {"std::set<long, std::less<long>, std::allocator<long int> >", "std::set<long>"},
      {"std::set<long int, std::less<long int>, std::allocator<long int> >", "std::set<long>"},
      // std::set<size_t> and std::set<unsigned long> are one type.
      {"std::set<unsigned long, std::less<unsigned long>, std::allocator<long unsigned int> >",
       "std::set<unsigned long>"},
      {"std::multiset<short, std::less<short>, std::allocator<short int> >",
       "std::multiset<short>"},
      {"std::map<long, " + kString +
           ", std::less<long>, std::allocator<std::pair<long int const, " + kString + " > > >",
       "std::map<long, std::string>"},
      {"std::map<" + kString + ", Entity *, std::less<" + kString +
           " >, std::allocator<std::pair<const " + kString + ", Entity*> > >",
       "std::map<std::string, Entity*>"},
      {"std::map<std::pair<int, long>, double, std::less<std::pair<int, long> >, "
       "std::allocator<std::pair<const std::pair<int, long int>, double> > >",
       "std::map<std::pair<int, long>, double>"},
      {"std::multimap<unsigned int, long long, std::less<unsigned int>, "
       "std::allocator<std::pair<unsigned int const, long long int> > >",
       "std::multimap<unsigned int, long long>"},
      {"std::map<const char *, int, std::less<const char *>, "
       "std::allocator<std::pair<char const* const, int> > >",
       "std::map<const char*, int>"},
      {"std::map<char const*, int, std::less<char const*>, "
       "std::allocator<std::pair<char const* const, int> > >",
       "std::map<const char*, int>"},
      // std::map<std::string, int, std::less<>>: a transparent comparator is not the default.
      {"std::map<" + kString + ", int, std::less<void>, std::allocator<std::pair<const " + kString +
           ", int> > >",
       "std::map<std::string, int, std::less<void>>"},
      {"std::map<int, std::unique_ptr<Entity, std::default_delete<Entity> >, std::less<int>, "
       "std::allocator<std::pair<int const, std::unique_ptr<Entity, std::default_delete<Entity> > "
       "> > >",
       "std::map<int, std::unique_ptr<Entity>>"},
      {"std::unordered_map<unsigned long, Entity *, std::hash<unsigned long>, "
       "std::equal_to<unsigned long>, std::allocator<std::pair<long unsigned int const, Entity*> "
       "> >",
       "std::unordered_map<unsigned long, Entity*>"},
      {"std::unordered_map<" + kString + ", std::vector<int, std::allocator<int> >, std::hash<" +
           kString + " >, std::equal_to<" + kString + " >, std::allocator<std::pair<const " +
           kString + ", std::vector<int, std::allocator<int> > > > >",
       "std::unordered_map<std::string, std::vector<int>>"},
      {"std::unordered_set<long, std::hash<long>, std::equal_to<long>, std::allocator<long int> >",
       "std::unordered_set<long>"},  // std::unordered_set<std::int64_t>
      {"std::unordered_multimap<unsigned short, char, std::hash<unsigned short>, "
       "std::equal_to<unsigned short>, std::allocator<std::pair<short unsigned int const, char> > "
       ">",
       "std::unordered_multimap<unsigned short, char>"},
      {"std::unordered_multiset<unsigned long long, std::hash<unsigned long long>, "
       "std::equal_to<unsigned long long>, std::allocator<long long unsigned int> >",
       "std::unordered_multiset<unsigned long long>"},
      {"std::__cxx11::list<long, std::allocator<long int> >", "std::list<long>"},
      {"std::forward_list<" + kString + ", std::allocator<" + kString + " > >",
       "std::forward_list<std::string>"},
      {"std::vector<std::vector<long, std::allocator<long int> >, "
       "std::allocator<std::vector<long int, std::allocator<long int> > > >",
       "std::vector<std::vector<long>>"},
      {"std::vector<const char *, std::allocator<char const*> >", "std::vector<const char*>"},
      {"std::vector<unsigned char, std::allocator<unsigned char> >", "std::vector<unsigned char>"},
      {"std::vector<bool, std::allocator<bool> >", "std::vector<bool>"},
      {"std::vector<(anonymous namespace)::Hidden *, std::allocator<(anonymous "
       "namespace)::Hidden*> >",
       "std::vector<(anonymous namespace)::Hidden*>"},
      {"std::deque<std::pair<const int, long>, std::allocator<std::pair<int const, long int> > >",
       "std::deque<std::pair<const int, long>>"},
      {"std::stack<long, std::deque<long, std::allocator<long int> > >", "std::stack<long>"},
      {"std::queue<int, std::deque<int, std::allocator<int> > >", "std::queue<int>"},
      {"std::priority_queue<long, std::vector<long, std::allocator<long int> >, std::less<long> >",
       "std::priority_queue<long>"},
      {"std::unique_ptr<Foo[], std::default_delete<Foo[]> >", "std::unique_ptr<Foo[]>"},
      {"std::unique_ptr<Foo, Deleter>", "std::unique_ptr<Foo, Deleter>"},
      {"std::optional<" + kString + " >", "std::optional<std::string>"},
      {"std::variant<int, " + kString + ", double>", "std::variant<int, std::string, double>"},
      {"std::array<long, 4>", "std::array<long, 4>"},
      {"std::__cxx11::basic_string<char>", "std::string"},  // GCC's short form, nested names
      {"std::__cxx11::basic_string<char16_t, std::char_traits<char16_t>, "
       "std::allocator<char16_t> >",
       "std::u16string"},
      {"std::basic_string_view<char, std::char_traits<char> >", "std::string_view"},
      {"std::basic_string_view<char16_t, std::char_traits<char16_t> >", "std::u16string_view"},
      {"std::shared_ptr<Entity>", "std::shared_ptr<Entity>"},
  });
}

TEST_CASE("real spellings: libstdc++ internals, iterators, functions", "[type_names]") {
  check_all({
      {"std::unordered_map<long, int, std::hash<long>, std::equal_to<long>, "
       "std::allocator<std::pair<long int const, int> > >::iterator *",
       "std::unordered_map<long, int>::iterator*"},
      {"std::__detail::_Node_iterator<std::pair<long int const, int>, false, false> *",
       "std::__detail::_Node_iterator<std::pair<const long, int>, false, false>*"},
      {"std::_Rb_tree_node<std::pair<const char *const, int> >",
       "std::_Rb_tree_node<std::pair<const char* const, int>>"},
      {"std::_Rb_tree_node<std::pair<const unsigned int, long long> >",
       "std::_Rb_tree_node<std::pair<const unsigned int, long long>>"},
      {"std::_Rb_tree_node<long int>", "std::_Rb_tree_node<long>"},
      {"std::__detail::_Hash_node<std::pair<long unsigned int const, Entity*>, false>",
       "std::__detail::_Hash_node<std::pair<const unsigned long, Entity*>, false>"},
      {"std::_Rb_tree<char const*, std::pair<char const* const, int>, "
       "std::_Select1st<std::pair<char const* const, int> >, std::less<char const*>, "
       "std::allocator<std::pair<char const* const, int> > >",
       "std::_Rb_tree<const char*, std::pair<const char* const, int>, "
       "std::_Select1st<std::pair<const char* const, int>>, std::less<const char*>>"},
      {"std::_Deque_base<long, std::allocator<long int> >",
       "std::_Deque_base<long, std::allocator<long>>"},  // no defaults there
      {"std::_Sp_counted_ptr_inplace<Foo, std::allocator<void>, __gnu_cxx::_S_atomic>",
       "std::_Sp_counted_ptr_inplace<Foo, std::allocator<void>, __gnu_cxx::_S_atomic>"},
      {"std::_Sp_counted_deleter<Foo *, Deleter, std::allocator<void>, "
       "__gnu_cxx::_S_atomic>::_Impl",
       "std::_Sp_counted_deleter<Foo*, Deleter, std::allocator<void>, "
       "__gnu_cxx::_S_atomic>::_Impl"},
      {"std::function<int (int)>", "std::function<int(int)>"},
      {"std::function<void ()>", "std::function<void()>"},
      {"std::function<void (const " + kString + " &, long)>",
       "std::function<void(const std::string&, long)>"},
      {"std::function<void(const " + kString + "&, long int)>",  // GCC's DW_AT_name
       "std::function<void(const std::string&, long)>"},
      {"std::vector<void (*)(long, unsigned int), std::allocator<void (*)(long int, unsigned "
       "int)> >",
       "std::vector<void(*)(long, unsigned int)>"},
      {"std::vector<int Foo::*, std::allocator<int Foo::*> >", "std::vector<int Foo::*>"},
      {"std::vector<int (Foo::*)(int) const, std::allocator<int (Foo::*)(int) const> >",
       "std::vector<int(Foo::*)(int) const>"},
      // LLDB drops the const of a pointer to const member function in the first argument only,
      // so the allocator no longer looks like the default: kept on purpose.
      {"std::vector<int (Foo::*)(int), std::allocator<int (Foo::*)(int) const> >",
       "std::vector<int(Foo::*)(int), std::allocator<int(Foo::*)(int) const>>"},
      {"std::chrono::time_point<std::chrono::_V2::system_clock, std::chrono::duration<long, "
       "std::ratio<1, 1000000000> > >",
       "std::chrono::time_point<std::chrono::system_clock, std::chrono::nanoseconds>"},
      {"std::chrono::duration<long int, std::ratio<1, 1000000000> >", "std::chrono::nanoseconds"},
      {"std::chrono::_V2::system_clock::time_point", "std::chrono::system_clock::time_point"},
      {"std::unique_ptr<const google::protobuf::MapPair<" + kString +
           ", long int>* [], std::default_delete<const google::protobuf::MapPair<" + kString +
           ", long int>* []> >",
       "std::unique_ptr<const google::protobuf::MapPair<std::string, long>*[]>"},
  });
}

TEST_CASE("real spellings: Eigen", "[type_names]") {
  check_all({
      {"Eigen::Matrix<double, -1, -1, 0, -1, -1>", "Eigen::MatrixXd"},
      {"Eigen::Matrix<float, -1, 1, 0, -1, 1>", "Eigen::VectorXf"},
      {"Eigen::Matrix<double, 3, 3, 0, 3, 3>", "Eigen::Matrix3d"},
      {"Eigen::Array<float, -1, -1, 0, -1, -1>", "Eigen::ArrayXXf"},
      {"Eigen::Matrix<double, 1, -1, 1, 1, -1>", "Eigen::RowVectorXd"},
      {"Eigen::Matrix<int, 3, 1, 0, 3, 1>", "Eigen::Vector3i"},
      {"Eigen::Matrix<double, 3, -1, 0, 3, -1>", "Eigen::Matrix3Xd"},
      {"Eigen::Matrix<float, -1, 4, 0, -1, 4>", "Eigen::MatrixX4f"},
      {"Eigen::Array<double, 3, 1, 0, 3, 1>", "Eigen::Array3d"},
      {"Eigen::Array<std::complex<float>, -1, 1, 0, -1, 1>", "Eigen::ArrayXcf"},
      {"Eigen::Matrix<std::complex<double>, 2, 2, 0, 2, 2>", "Eigen::Matrix2cd"},
      {"Eigen::MatrixXd", "Eigen::MatrixXd"},  // LLDB's name of a global's declared type
      // No typedef: row-major storage, bounded sizes, other shapes and scalars.
      {"Eigen::Matrix<float, -1, -1, 1, -1, -1>", "Eigen::Matrix<float, -1, -1, 1>"},
      {"Eigen::Matrix<double, -1, 1, 0, 8, 1>", "Eigen::Matrix<double, -1, 1, 0, 8>"},
      {"Eigen::Matrix<double, 6, 6, 0, 6, 6>", "Eigen::Matrix<double, 6, 6>"},
      {"Eigen::Array<double, 1, -1, 1, 1, -1>", "Eigen::Array<double, 1, -1>"},
      {"Eigen::Matrix<std::complex<int>, 1, 1, 0, 1, 1>", "Eigen::Matrix<std::complex<int>, 1, 1>"},
      // Eigen 3.4's C++11 template aliases for scalars without a suffix.
      {"Eigen::Matrix<long, 2, 2, 0, 2, 2>", "Eigen::Matrix2<long>"},
      {"Eigen::Matrix<long int, 3, 1, 0, 3, 1>", "Eigen::Vector3<long>"},
      {"Eigen::Matrix<std::complex<double>, 6, 1, 0, 6, 1>",
       "Eigen::Vector<std::complex<double>, 6>"},
      // Inside other templates; GCC sometimes writes the short form itself.
      {"std::vector<Eigen::Matrix<double, 3, 1, 0, 3, 1>, Eigen::aligned_allocator<Eigen::Matrix<"
       "double, 3, 1, 0, 3, 1> > >",
       "std::vector<Eigen::Vector3d, Eigen::aligned_allocator<Eigen::Vector3d>>"},
      {"Eigen::PlainObjectBase<Eigen::Matrix<double, -1, -1, 0, -1, -1> >",
       "Eigen::PlainObjectBase<Eigen::MatrixXd>"},
      {"Eigen::CwiseNullaryOp<Eigen::internal::scalar_constant_op<double>, Eigen::Matrix<double, "
       "3, 1> >",
       "Eigen::CwiseNullaryOp<Eigen::internal::scalar_constant_op<double>, Eigen::Vector3d>"},
      {"Eigen::Map<Eigen::Matrix<double, -1, -1, 0, -1, -1>, 0, Eigen::Stride<0, 0> >",
       "Eigen::Map<Eigen::MatrixXd>"},
      {"Eigen::Map<const Eigen::Matrix<float, -1, 1, 0, -1, 1>, 16, Eigen::Stride<0, 0> >",
       "Eigen::Map<const Eigen::VectorXf, 16>"},
      {"Eigen::Block<Eigen::Matrix<double, -1, -1, 0, -1, -1>, -1, -1, true>",
       "Eigen::Block<Eigen::MatrixXd, -1, -1, true>"},
      {"Eigen::DenseStorage<double, -1, -1, -1, 0>", "Eigen::DenseStorage<double, -1, -1, -1, 0>"},
      {"Eigen::internal::scalar_cmp_op<double, double, (Eigen::internal::ComparisonName)0>",
       "Eigen::internal::scalar_cmp_op<double, double, (Eigen::internal::ComparisonName)0>"},
  });
}

TEST_CASE("real spellings: Abseil", "[type_names]") {
  check_all({
      {kAbsl + "flat_hash_map<long, Entity *, " + kAbsl +
           "hash_internal::Hash<long>, std::equal_to<long>, std::allocator<std::pair<long int "
           "const, Entity*> > >",
       "absl::flat_hash_map<long, Entity*>"},
      {kAbsl + "flat_hash_map<Entity *, int, " + kAbsl + "container_internal::HashEq<Entity *, " +
           "void>::Hash, " + kAbsl + "container_internal::HashEq<Entity *, void>::Eq, " +
           "std::allocator<std::pair<Entity* const, int> > >",
       "absl::flat_hash_map<Entity*, int>"},
      {kAbsl + "flat_hash_map<" + kString + ", int, " + kAbsl + "container_internal::StringHash, " +
           kAbsl + "container_internal::StringEq, std::allocator<std::pair<const " + kString +
           ", int> > >",
       "absl::flat_hash_map<std::string, int>"},
      {kAbsl + "flat_hash_set<unsigned long, " + kAbsl +
           "hash_internal::Hash<unsigned long>, std::equal_to<unsigned long>, "
           "std::allocator<long unsigned int> >",
       "absl::flat_hash_set<unsigned long>"},
      {kAbsl + "node_hash_map<int, " + kString + ", " + kAbsl +
           "hash_internal::Hash<int>, std::equal_to<int>, std::allocator<std::pair<int const, " +
           kString + " > > >",
       "absl::node_hash_map<int, std::string>"},
      {kAbsl + "InlinedVector<long, 4, std::allocator<long int> >", "absl::InlinedVector<long, 4>"},
      {kAbsl + "btree_map<long, double, std::less<long>, std::allocator<std::pair<long int const, "
               "double> > >",
       "absl::btree_map<long, double>"},
      {kAbsl + "btree_set<" + kString + ", std::less<" + kString + " >, std::allocator<" + kString +
           " > >",
       "absl::btree_set<std::string>"},
      // Internals have no defaults; only their spelling changes.
      {kAbsl + "container_internal::raw_hash_set<" + kAbsl +
           "container_internal::FlatHashMapPolicy<long int, Entity*>, " + kAbsl +
           "hash_internal::Hash<long int>, std::equal_to<long int>, "
           "std::allocator<std::pair<long int const, Entity*> > >",
       "absl::container_internal::raw_hash_set<absl::container_internal::FlatHashMapPolicy<long, "
       "Entity*>, absl::Hash<long>, std::equal_to<long>, std::allocator<std::pair<const long, "
       "Entity*>>>"},
      {kAbsl + "container_internal::btree_node<" + kAbsl +
           "container_internal::map_params<long, double, std::less<long>, "
           "std::allocator<std::pair<long int const, double> >, 256, false> >",
       "absl::container_internal::btree_node<absl::container_internal::map_params<long, double, "
       "std::less<long>, std::allocator<std::pair<const long, double>>, 256, false>>"},
      {kAbsl + "inlined_vector_internal::Storage<long, 4, std::allocator<long int> >",
       "absl::inlined_vector_internal::Storage<long, 4, std::allocator<long>>"},
      {kAbsl + "string_view::size_type", "absl::string_view::size_type"},
      // Upstream Abseil's LTS inline namespace goes the same way.
      {"absl::lts_20220623::flat_hash_map<long, Entity *, absl::lts_20220623::hash_internal::"
       "Hash<long>, std::equal_to<long>, std::allocator<std::pair<long int const, Entity*> > >",
       "absl::flat_hash_map<long, Entity*>"},
  });
}

TEST_CASE("real spellings: nlohmann::json", "[type_names]") {
  check_all({
      {json_type("std::map", false), "nlohmann::json"},
      {json_type("std::map", true), "nlohmann::json"},
      {json_type(kNl + "ordered_map", false), "nlohmann::ordered_json"},
      {kNl + "json", "nlohmann::json"},  // LLDB's name of a global's declared type
      {kNl + "ordered_json", "nlohmann::ordered_json"},
      {kNl + "basic_json<>", "nlohmann::json"},  // GCC's short form, in nested names
      {"std::vector<" + json_type("std::map", false) + ", std::allocator<" +
           json_type("std::map", true) + " > >",
       "std::vector<nlohmann::json>"},
      {"std::map<" + kString + ", " + json_type("std::map", false) + ", std::less<" + kString +
           " >, std::allocator<std::pair<const " + kString + ", " + json_type("std::map", true) +
           " > > >",
       "std::map<std::string, nlohmann::json>"},
      // json's object_t compares with std::less<> and ordered_json's with its own.
      {kNl + "ordered_map<" + kString + ", " + json_type(kNl + "ordered_map", false) +
           ", std::less<void>, std::allocator<std::pair<const " + kString + ", " +
           json_type(kNl + "ordered_map", true) + " > > >",
       "nlohmann::ordered_map<std::string, nlohmann::ordered_json, std::less<void>>"},
      {kNl + "detail::iter_impl<const " + json_type("std::map", false) + " >",
       "nlohmann::detail::iter_impl<const nlohmann::json>"},
      {kNl + "adl_serializer<int, void>", "nlohmann::adl_serializer<int>"},
      {kNl + "detail::external_constructor<(" + kNl + "detail::value_t)3>",
       "nlohmann::detail::external_constructor<(nlohmann::detail::value_t)3>"},
      {kNl + "detail::type_error", "nlohmann::detail::type_error"},  // from a vtable symbol
  });
}

TEST_CASE("real spellings: protobuf", "[type_names]") {
  check_all({
      {"google::protobuf::RepeatedPtrField<" + kString + " >",
       "google::protobuf::RepeatedPtrField<std::string>"},
      {"google::protobuf::RepeatedField<long unsigned int>",
       "google::protobuf::RepeatedField<unsigned long>"},
      {"google::protobuf::Map<" + kString + ", long>", "google::protobuf::Map<std::string, long>"},
      {"google::protobuf::Map<" + kString + ", long>::InnerMap::Node",
       "google::protobuf::Map<std::string, long>::InnerMap::Node"},
      {"google::protobuf::Map<std::__cxx11::basic_string<char>, long int>::InnerMap::Node",
       "google::protobuf::Map<std::string, long>::InnerMap::Node"},
      {"google::protobuf::internal::MapEntry<demo::Item_CountsEntry_DoNotUse, " + kString +
           ", long, google::protobuf::internal::WireFormatLite::TYPE_STRING, "
           "google::protobuf::internal::WireFormatLite::TYPE_INT64>",
       "google::protobuf::internal::MapEntry<demo::Item_CountsEntry_DoNotUse, std::string, long, "
       "google::protobuf::internal::WireFormatLite::TYPE_STRING, "
       "google::protobuf::internal::WireFormatLite::TYPE_INT64>"},
      {"google::protobuf::internal::MapEntry<demo::Item_CountsEntry_DoNotUse, " + kDemangledString +
           ", long, (google::protobuf::internal::WireFormatLite::FieldType)9, "
           "(google::protobuf::internal::WireFormatLite::FieldType)3>",
       "google::protobuf::internal::MapEntry<demo::Item_CountsEntry_DoNotUse, std::string, long, "
       "(google::protobuf::internal::WireFormatLite::FieldType)9, "
       "(google::protobuf::internal::WireFormatLite::FieldType)3>"},
      {"demo::Item", "demo::Item"},
      {"google::protobuf::internal::once_flag", "google::protobuf::internal::once_flag"},
  });
}

TEST_CASE("real spellings: vtable and function symbols, lambdas", "[type_names]") {
  check_all({
      // The class of "vtable for X", demangled by LLDB.
      {"std::_Sp_counted_ptr<Foo*, (__gnu_cxx::_Lock_policy)2>",
       "std::_Sp_counted_ptr<Foo*, (__gnu_cxx::_Lock_policy)2>"},
      {"std::_Sp_counted_ptr_inplace<(anonymous namespace)::Hidden, std::allocator<void>, "
       "(__gnu_cxx::_Lock_policy)2>",
       "std::_Sp_counted_ptr_inplace<(anonymous namespace)::Hidden, std::allocator<void>, "
       "(__gnu_cxx::_Lock_policy)2>"},
      {"Traitful<unsigned long, (char)120, true>", "Traitful<unsigned long, (char)120, true>"},
      {"Tagged<(Mode)2>", "Tagged<(Mode)2>"},
      // Member functions.
      {"std::_Function_handler<int (int), build()::'lambda'(int)>::_M_manager(std::_Any_data&, "
       "std::_Any_data const&, std::_Manager_operation)",
       "std::_Function_handler<int(int), build()::'lambda'(int)>::_M_manager(std::_Any_data&, "
       "const std::_Any_data&, std::_Manager_operation)"},
      {"std::_Function_handler<int (int), build()::'lambda'(int)>::_M_invoke(std::_Any_data "
       "const&, int&&)",
       "std::_Function_handler<int(int), build()::'lambda'(int)>::_M_invoke(const "
       "std::_Any_data&, int&&)"},
      {"main::'lambda0'()::operator()() const", "main::'lambda0'()::operator()() const"},
      {"std::vector<(anonymous namespace)::Hidden*, std::allocator<(anonymous "
       "namespace)::Hidden*>>::push_back((anonymous namespace)::Hidden*&&)",
       "std::vector<(anonymous namespace)::Hidden*>::push_back((anonymous namespace)::Hidden*&&)"},
      {"std::function<void (" + kDemangledString + " const&, long)>::function<main::'lambda'(" +
           kDemangledString + " const&, long), void>(main::'lambda'(" + kDemangledString +
           " const&, long)&&)",
       "std::function<void(const std::string&, long)>::function<main::'lambda'(const "
       "std::string&, long), void>(main::'lambda'(const std::string&, long)&&)"},
      {"bool absl::debian3::container_internal::HashEq<Entity*, void>::Eq::operator()<Entity*, "
       "std::nullptr_t>(Entity* const&, std::nullptr_t const&) const",
       "bool absl::container_internal::HashEq<Entity*>::Eq::operator()<Entity*, "
       "std::nullptr_t>(Entity* const&, const std::nullptr_t&) const"},
      // GCC's DW_AT_name for lambdas is one opaque word: its parameters keep their spelling.
      {"std::_Function_handler<int(int), build()::<lambda(int)> >",
       "std::_Function_handler<int(int), build()::<lambda(int)>>"},
      {"std::_Function_handler<void(const " + kString +
           "&, long int), main()::<lambda(const std::string&, long int)> >",
       "std::_Function_handler<void(const std::string&, long), main()::<lambda(const "
       "std::string&, long int)>>"},
      {"std::function<main()::<lambda()> >", "std::function<main()::<lambda()>>"},
      // LLDB 16 names GCC's closure types "type" inside template arguments.
      {"std::_Function_handler<int (int), type>", "std::_Function_handler<int(int), type>"},
      // LLDB's names for unnamed members.
      {"WithUnnamed::(unnamed struct)", "WithUnnamed::(unnamed struct)"},
      {"(anonymous struct)::(unnamed union)", "(anonymous struct)::(unnamed union)"},
      {"(anonymous namespace)::Hidden *", "(anonymous namespace)::Hidden*"},
  });
}
