#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "plugin/warning_summary.h"

using namespace heapwalk::plugin;

TEST_CASE("a warning's kind blanks its addresses and numbers", "[warnings]") {
  CHECK(warning_kind("chunk at 0x55d0a0 of 48 bytes has a bad size") ==
        "chunk at 0x… of # bytes has a bad size");
  CHECK(warning_kind("arena 2: heap 0x7f00 loops") == "arena #: heap 0x… loops");
  CHECK(warning_kind("0x") == "#x");  // no digits after it: not an address
}

TEST_CASE("a few warnings are shown as they are; many as a count per kind", "[warnings]") {
  std::vector<std::string> few = {"a 1", "b 2"};
  CHECK(summarize_warnings(few) == few);
  std::vector<std::string> many;
  for (int i = 0; i < 130; ++i) many.push_back("chunk at 0x" + std::to_string(1000 + i) + " is bad");
  many.push_back("tcache of thread 3 loops");
  std::vector<std::string> lines = summarize_warnings(many);
  REQUIRE(lines.size() == 4);
  CHECK(lines[0] == "131 warnings about this stop's heap, of 2 kinds ('heap warnings' lists them all):");
  CHECK(lines[1] == "  130 × chunk at 0x1000 is bad");
  CHECK(lines[2] == "      e.g. also chunk at 0x1001 is bad");
  CHECK(lines[3] == "  1 × tcache of thread 3 loops");
}

TEST_CASE("the summary stays short whatever the number of kinds", "[warnings]") {
  std::vector<std::string> distinct;
  for (int i = 0; i < 5000; ++i) distinct.push_back(std::string(1 + i % 50, 'x') + std::string(1 + i / 50, 'y'));
  std::vector<std::string> lines = summarize_warnings(distinct, 5, 2, 8);
  CHECK(lines.size() <= 1 + 8 * 2 + 1);
  CHECK(lines.back().find("more kinds") != std::string::npos);
}
