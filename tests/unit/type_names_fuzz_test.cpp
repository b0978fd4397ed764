// readable_type_name and same_type_name on random inputs: token soups must not crash and
// must simplify idempotently; random types spelled as DWARF and as LLDB must read the same.
#include "typeinfo/type_names.h"

#include <random>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

using heapwalk::typeinfo::readable_type_name;
using heapwalk::typeinfo::same_type_name;

namespace {

// Pieces that real names are made of, and some that break them.
const std::vector<std::string> kTokenSoup = {
    // Names, keywords and builtin words.
    "std", "vector", "map", "set", "basic_string", "const", "volatile", "unsigned", "long", "int",
    "short", "char", "struct", "class", "noexcept", "operator", "operator<",
    "nlohmann::", "std::__cxx11::", "absl::debian3::", "json_abi_v3_11_2::basic_json<>",
    "std::less<long int>", "std::allocator<int>", "char_traits<char>",
    "Eigen::Matrix<double, -1, -1, 0, -1, -1>",
    // Grouped names, literals, casts.
    "(anonymous namespace)", "(unnamed struct)", "{lambda(int)#1}", "<lambda(int)>", "'lambda'",
    "$_0", "'x'", "(E)2", "1", "2ul",
    // Punctuation, balanced or not.
    "::", "<", ">", ",", "(", ")", "[", "]", "{", "}", "*", "&", "&&", "...", "-", ":", "#", "~",
    "=", "'", "\"", " "};

std::string token_soup(std::mt19937& rng) {
  std::uniform_int_distribution<size_t> length(0, 40), token(0, kTokenSoup.size() - 1);
  std::string text;
  for (size_t n = length(rng); n > 0; --n) text += kTokenSoup[token(rng)];
  return text;
}

// A random type, spelled as GCC's DWARF, as LLDB prints it, and as readable_type_name should.
struct Spellings {
  std::string dwarf, lldb, readable;
  bool pointer = false;
};

Spellings random_type(std::mt19937& rng, int depth) {
  static const std::vector<Spellings> kLeaves = {
      {"long int", "long", "long"},
      {"long unsigned int", "unsigned long", "unsigned long"},
      {"short int", "short", "short"},
      {"long long int", "long long", "long long"},
      {"unsigned int", "unsigned int", "unsigned int"},
      {"char", "char", "char"},
      {"double", "double", "double"},
      {"Sheet", "Sheet", "Sheet"},
      {"sim::Node", "struct sim::Node", "sim::Node"},
      {"std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >",
       "std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> >",
       "std::string"},
  };
  std::uniform_int_distribution<int> pick(0, depth <= 0 ? 0 : 7);
  auto leaf = [&] {
    return kLeaves[std::uniform_int_distribution<size_t>(0, kLeaves.size() - 1)(rng)];
  };
  switch (pick(rng)) {
    case 0:
      return leaf();
    case 1: {  // T*
      const Spellings t = random_type(rng, depth - 1);
      return {t.dwarf + "*", t.lldb + (t.pointer ? "*" : " *"), t.readable + "*", true};
    }
    case 2: {  // const T*, for a T that is no pointer
      const Spellings t = leaf();
      return {t.dwarf + " const*", "const " + t.lldb + " *", "const " + t.readable + "*", true};
    }
    case 3: {
      const Spellings t = random_type(rng, depth - 1);
      return {"std::vector<" + t.dwarf + ", std::allocator<" + t.dwarf + "> >",
              "std::vector<" + t.lldb + ", std::allocator<" + t.dwarf + "> >",
              "std::vector<" + t.readable + ">"};
    }
    case 4: {
      const Spellings k = random_type(rng, depth - 1), v = random_type(rng, depth - 1);
      return {"std::map<" + k.dwarf + ", " + v.dwarf + ", std::less<" + k.dwarf +
                  ">, std::allocator<std::pair<" + k.dwarf + " const, " + v.dwarf + "> > >",
              "std::map<" + k.lldb + ", " + v.lldb + ", std::less<" + k.lldb +
                  " >, std::allocator<std::pair<" + k.dwarf + " const, " + v.dwarf + "> > >",
              "std::map<" + k.readable + ", " + v.readable + ">"};
    }
    case 5: {
      const Spellings t = random_type(rng, depth - 1);
      return {"std::unordered_set<" + t.dwarf + ", std::hash<" + t.dwarf + ">, std::equal_to<" +
                  t.dwarf + ">, std::allocator<" + t.dwarf + "> >",
              "std::unordered_set<" + t.lldb + ", std::hash<" + t.lldb + " >, std::equal_to<" +
                  t.lldb + " >, std::allocator<" + t.dwarf + "> >",
              "std::unordered_set<" + t.readable + ">"};
    }
    case 6: {
      const Spellings r = random_type(rng, depth - 1), a = random_type(rng, depth - 1);
      return {"std::function<" + r.dwarf + "(" + a.dwarf + ")>",
              "std::function<" + r.lldb + " (" + a.lldb + ")>",
              "std::function<" + r.readable + "(" + a.readable + ")>"};
    }
    default: {
      const Spellings t = random_type(rng, depth - 1);
      return {"std::unique_ptr<" + t.dwarf + ", std::default_delete<" + t.dwarf + "> >",
              "std::unique_ptr<" + t.lldb + ", std::default_delete<" + t.lldb + " > >",
              "std::unique_ptr<" + t.readable + ">"};
    }
  }
}

}  // namespace

TEST_CASE("token soup never crashes and simplifies idempotently", "[type_names]") {
  std::mt19937 rng(20240611);
  for (int i = 0; i < 20000; ++i) {
    const std::string text = token_soup(rng);
    INFO("input: " << text);
    const std::string once = readable_type_name(text);
    REQUIRE(readable_type_name(once) == once);
    REQUIRE(same_type_name(text, once));
    REQUIRE(same_type_name(text, text));
  }
}

TEST_CASE("random types: every spelling gives the readable one", "[type_names]") {
  std::mt19937 rng(7);
  for (int i = 0; i < 3000; ++i) {
    const Spellings t = random_type(rng, 4);
    INFO("dwarf: " << t.dwarf);
    INFO("lldb: " << t.lldb);
    REQUIRE(readable_type_name(t.dwarf) == t.readable);
    REQUIRE(readable_type_name(t.lldb) == t.readable);
    REQUIRE(readable_type_name(t.readable) == t.readable);
    REQUIRE(same_type_name(t.dwarf, t.lldb));
  }
}
