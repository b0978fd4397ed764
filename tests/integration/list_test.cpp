// The list fixture (a polymorphic class held through a pointer of its own type): heap leaks and
// heap partition --root g_head, from a core and live, exactly against the ground truth the
// fixture counted at the malloc level.
#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include <boost/property_tree/json_parser.hpp>

#include "sim_fixture.h"

using namespace heapwalk::test;
using boost::property_tree::ptree;

namespace {

// 2,000 nodes (4,000 allocations) from g_head; 50 dropped nodes (100 allocations) and 30
// dropped buffers: 130 leaks, 31 of them direct.
const std::vector<std::string> kSmall{"--nodes", "2000", "--leak-nodes", "50", "--leak-buffers", "30"};

struct Report {
  uint64_t count = 0, size = 0;
  std::map<std::string, uint64_t> rows;  // kind -> count
  ptree tree;
};

Report run_json(Debugger& dbg, const std::string& command) {
  bool ok = false;
  std::string error;
  std::string out = dbg.run(command + " --format json", &ok, &error);
  INFO(command << ": " << error);
  REQUIRE(ok);
  Report report;
  std::istringstream in(out);
  boost::property_tree::read_json(in, report.tree);
  report.count = report.tree.get<uint64_t>("count");
  report.size = report.tree.get<uint64_t>("size");
  for (const auto& [_, row] : report.tree.get_child("rows"))
    report.rows[row.get<std::string>("kind")] = row.get<uint64_t>("count");
  return report;
}

void check_leaks(Debugger& dbg, const ptree& truth) {
  Report leaks = run_json(dbg, "heap leaks");
  CHECK(leaks.count == truth.get<uint64_t>("leaks.count"));
  CHECK(leaks.size == truth.get<uint64_t>("leaks.bytes"));
  CHECK(leaks.tree.get<uint64_t>("direct") == truth.get<uint64_t>("leaks.direct"));
  CHECK(leaks.tree.get<uint64_t>("indirect") == truth.get<uint64_t>("leaks.indirect"));
  uint64_t nodes = truth.get<uint64_t>("leak_nodes") +
                   (truth.get<bool>("clear_head") ? truth.get<uint64_t>("nodes") : 0);
  CHECK(leaks.rows["Node"] == nodes);
  CHECK(leaks.rows["float[]"] == nodes);
  CHECK(leaks.rows["<untyped 104 bytes>"] == truth.get<uint64_t>("leak_buffers"));
}

void check_partition(Debugger& dbg, const ptree& truth) {
  Report partition = run_json(dbg, "heap partition --root g_head");
  CHECK(partition.count == truth.get<uint64_t>("reachable_from_g_head.count"));
  CHECK(partition.size == truth.get<uint64_t>("reachable_from_g_head.bytes"));
  CHECK(partition.rows.size() == 2);
  CHECK(partition.rows["Node"] == truth.get<uint64_t>("reachable_from_g_head.kinds.Node"));
  CHECK(partition.rows["float[]"] == truth.get<uint64_t>("reachable_from_g_head.kinds.float[]"));
}

}  // namespace

TEST_CASE("list fixture: exact leaks and g_head partition, from a core", "[list][core]") {
  CoreSim list(kSmall, list_fixture());
  REQUIRE(list.truth.get<uint64_t>("leaks.count") == 130);
  REQUIRE(list.truth.get<uint64_t>("reachable_from_g_head.count") == 4000);
  check_leaks(list.dbg, list.truth);
  check_partition(list.dbg, list.truth);
}

TEST_CASE("list fixture: exact leaks and g_head partition, live", "[list][live]") {
  LiveSim list(kSmall, list_fixture());
  check_partition(list.dbg, list.truth);
  check_leaks(list.dbg, list.truth);
}

TEST_CASE("list fixture with its head cleared: everything leaks, one direct leak per list",
          "[list][core]") {
  std::vector<std::string> args = kSmall;
  args.push_back("--clear-head");
  CoreSim list(args, list_fixture());
  REQUIRE(list.truth.get<uint64_t>("leaks.count") == 4130);
  REQUIRE(list.truth.get<uint64_t>("leaks.direct") == 32);
  check_leaks(list.dbg, list.truth);
}
