// heap shpaths on the list fixture's 200,000-deep list (fixtures/list), from a core: --kind,
// a row of heap partition, a row of heap leaks and --addr, then heap top and heap shpaths with
// every path, checked exactly against the fixture's truth (the counts) and lldb's own reading
// of g_head->next->... (the addresses). The paths are ranked by the depth the breadth-first
// search recorded and only the shown ones built, each edge labelled once: ranking by building
// every path walked 200,000 paths of up to 200,000 edges (minutes); this takes seconds.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command_output.h"

using namespace heapwalk::test;
using Json = nlohmann::json;

namespace {

// The path to node `i` of the list as path_text writes it: a run of more than three equal
// labels reads as a count.
std::string list_path(size_t i) {
  if (i > 3) return fmt::format("g_head(->next ×{})", i);
  std::string path = "g_head";
  for (size_t k = 0; k < i; ++k) path += "->next";
  return path;
}

// The index of a report's row of `kind` (the last, should several be), or -1.
int row_of_kind(const Json& report, const std::string& kind) {
  int row = -1;
  for (size_t i = 0; i < report["rows"].size(); ++i)
    if (report["rows"][i]["kind"] == kind) row = static_cast<int>(i);
  return row;
}

}  // namespace

TEST_CASE("heap shpaths on a 200,000-deep list: the shortest paths first, exactly",
          "[shpaths][list][core]") {
  CoreSim list({"--nodes", "200000", "--leak-nodes", "50", "--leak-buffers", "30"},
               list_fixture());
  const uint64_t nodes = list.truth.get<uint64_t>("nodes");
  const uint64_t leaked = list.truth.get<uint64_t>("leak_nodes");
  REQUIRE(nodes == 200000);
  REQUIRE(leaked == 50);
  // The first nodes, as lldb reads them from the core: g_head, g_head->next, ...
  std::vector<uint64_t> address;
  lldb::SBValue node = list.target.FindFirstGlobalVariable("g_head");
  for (int i = 0; i < 12; ++i) {
    REQUIRE(node.IsValid());
    address.push_back(node.GetValueAsUnsigned());
    node = node.Dereference().GetChildMemberWithName("next");
  }
  auto shown = [&](size_t i, const std::string& kind) {
    return fmt::format("{} (0x{:x}, {})", list_path(i), address[i], kind);
  };

  // Every reached Node (a kind names the objects the roots reach): the six shortest paths are
  // to the list's first six.
  Json kind = json_value_of(list.dbg, "heap shpaths --kind ^Node$ --count 6 --format json");
  CHECK(kind["title"] ==
        fmt::format("Shortest paths to {} objects of kinds matching '^Node$':", nodes));
  REQUIRE(kind["paths"].size() == 6);
  for (size_t i = 0; i < 6; ++i) CHECK(kind["paths"][i] == shown(i, "Node"));
  CHECK(kind["more"] == nodes - 6);

  // A row of heap partition --root g_head: its Node row, every one reached (default count 10).
  Json partition = json_value_of(list.dbg, "heap partition --root g_head --format json");
  int row = row_of_kind(partition, "Node");
  REQUIRE(row >= 0);
  Json by_row = json_value_of(list.dbg, fmt::format("heap shpaths {} --format json", row));
  CHECK(by_row["title"] ==
        fmt::format("Shortest paths to {} objects of row {} (Node):", nodes, row));
  REQUIRE(by_row["paths"].size() == 10);
  for (size_t i = 0; i < 10; ++i) CHECK(by_row["paths"][i] == shown(i, "Node"));
  CHECK(by_row["more"] == nodes - 10);

  // A row of heap leaks: the dropped list's nodes, which no path reaches.
  Json leaks = json_value_of(list.dbg, "heap leaks --format json");
  row = row_of_kind(leaks, "Node");
  REQUIRE(row >= 0);
  Json unreached = json_value_of(list.dbg, fmt::format("heap shpaths {} --format json", row));
  CHECK(unreached["title"] ==
        fmt::format("Shortest paths to {0} objects of row {1} (Node): ({0} reached by no root: "
                    "leaks, see 'heap leaks')",
                    leaked, row));
  CHECK(unreached["paths"].empty());
  CHECK(unreached["more"] == 0);

  // Every path at once (each edge labelled once, not once per path below it): in heap top, node
  // i retains the nodes from i on with their vectors, so the nodes come in list order, the
  // program's other allocations and the vectors among them somewhere (all reached objects are
  // rows here).
  const uint64_t others = list.truth.get<uint64_t>("other.count");
  Json top = json_value_of(list.dbg, fmt::format("heap top {} --format json", 2 * nodes + others));
  size_t node_rows = 0, wrong = 0;
  for (const Json& row : top["rows"]) {
    if (row["kind"] != "Node") continue;
    wrong += row["path"] != list_path(node_rows);
    if (node_rows < address.size()) CHECK(row["address"] == fmt::format("0x{:x}", address[node_rows]));
    ++node_rows;
  }
  CHECK(node_rows == nodes);
  CHECK(wrong == 0);
  Json all = json_value_of(
      list.dbg, fmt::format("heap shpaths --kind ^Node$ --count {} --format json", nodes));
  REQUIRE(all["paths"].size() == nodes);
  CHECK(all["paths"][nodes - 1].get<std::string>().rfind(list_path(nodes - 1) + " (0x", 0) == 0);
  CHECK(all["more"] == 0);

  // --addr: node 11 has one referrer, node 10's next.
  Json addr =
      json_value_of(list.dbg, fmt::format("heap shpaths --addr {:#x} --format json", address[11]));
  REQUIRE(addr["paths"].size() == 1);
  CHECK(addr["paths"][0] == list_path(11));
  CHECK(addr["more"] == 0);
}
