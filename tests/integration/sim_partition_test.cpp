// heap partition on the sim fixture, live at ready() and from a gcore core, against the ground
// truth the fixture wrote about itself.
#include <catch2/catch.hpp>

#include <map>
#include <sstream>

#include <algorithm>

#include <boost/property_tree/json_parser.hpp>
#include <fmt/format.h>

#include "sim_fixture.h"

using namespace heapwalk::test;
using boost::property_tree::ptree;

namespace {

struct Row {
  uint64_t count = 0, size = 0;
};

struct Report {
  uint64_t count = 0, size = 0;
  std::map<std::string, Row> rows;
};

Report partition_json(Debugger& dbg, const std::string& options) {
  bool ok = false;
  std::string error;
  std::string out = dbg.run("heap partition --format json " + options, &ok, &error);
  INFO(error);
  REQUIRE(ok);
  ptree tree;
  std::istringstream in(out);
  boost::property_tree::read_json(in, tree);
  Report report{tree.get<uint64_t>("count"), tree.get<uint64_t>("size"), {}};
  for (const auto& [_, row] : tree.get_child("rows"))
    report.rows[row.get<std::string>("kind")] = {row.get<uint64_t>("count"), row.get<uint64_t>("size")};
  return report;
}

// (b), (c) and (d) of the issue: totals, per-class counts, shared weights once.
void check_against_truth(const Report& report, const ptree& truth) {
  CHECK(report.count == truth.get<uint64_t>("reachable_from_sim.count"));
  CHECK(report.size == truth.get<uint64_t>("reachable_from_sim.bytes"));
  for (const auto& [name, count] : truth.get_child("classes")) {
    INFO("class " << name);
    auto row = report.rows.find(name);
    REQUIRE(row != report.rows.end());
    CHECK(row->second.count == count.get_value<uint64_t>());
  }
  // Every ConnectionField has its own weights; all SharedConnectionFields share one array;
  // Simulation::big_block (4 MiB by default) is the one other float buffer.
  uint64_t own = truth.get<uint64_t>("classes.ConnectionField");
  CHECK(report.rows.at("float[]").count == own + truth.get<uint64_t>("shared_weights.arrays") + 1);
  CHECK(report.rows.at("std::vector<float> (make_shared)").count == 1);
}

}  // namespace

TEST_CASE("partition of the live fixture at ready() matches its ground truth", "[partition][live]") {
  LiveSim sim({"--threads", "2"});
  check_against_truth(partition_json(sim.dbg, "--root sim"), sim.truth);
}

TEST_CASE("partition of a gcore core matches the ground truth", "[partition][core]") {
  CoreSim sim({"--threads", "3", "--retina-density", "30", "--cortex-density", "20"});
  check_against_truth(partition_json(sim.dbg, "--root sim"), sim.truth);
}

TEST_CASE("the text table and heap more read like Heapy", "[partition][live]") {
  LiveSim sim({});
  bool ok = false;
  std::string text = sim.dbg.run("heap partition --root sim --limit 5", &ok);
  REQUIRE(ok);
  std::string header = fmt::format("Partition of a set of {} objects. Total size = {} bytes.\n",
                                   sim.truth.get<uint64_t>("reachable_from_sim.count"),
                                   sim.truth.get<uint64_t>("reachable_from_sim.bytes"));
  CHECK(text.rfind(header, 0) == 0);
  CHECK(text.find(" Index  Count   %     Size   % Cumulative  % Kind\n") != std::string::npos);
  CHECK(text.find("more rows. Type 'heap more' to view.>") != std::string::npos);
  std::string more = sim.dbg.run("heap more", &ok);
  REQUIRE(ok);
  CHECK(more.find("     5 ") != std::string::npos);  // the next page starts at row 5

  // One instruction further the process has run: the table's rows are of the stop before, so
  // neither heap more nor a ROW reads them; a new table can be paged again.
  sim.dbg.run("thread step-inst", &ok);
  REQUIRE(ok);
  std::string error;
  for (const char* command : {"heap more", "heap referents 0"}) {
    INFO(command);
    sim.dbg.run(command, &ok, &error);
    CHECK_FALSE(ok);
    CHECK(error.find("the process has run since the last table") != std::string::npos);
  }
  sim.dbg.run("heap partition --root sim --limit 5", &ok);
  REQUIRE(ok);
  more = sim.dbg.run("heap more", &ok);
  CHECK(ok);
  CHECK(more.find("     5 ") != std::string::npos);
}

TEST_CASE("bad roots and options fail with one line and leave the debugger usable", "[partition][live]") {
  LiveSim sim({});
  bool ok = true;
  std::string error;
  sim.dbg.run("heap partition --root no_such_variable", &ok, &error);
  CHECK_FALSE(ok);
  CHECK(error.find("no variable 'no_such_variable'") != std::string::npos);
  CHECK(std::count(error.begin(), error.end(), '\n') == 1);
  sim.dbg.run("heap partition --format yaml", &ok, &error);
  CHECK_FALSE(ok);
  CHECK(error.find("--format is text, json or csv") != std::string::npos);
  std::string out = sim.dbg.run("heap partition --root sim --limit 3", &ok, &error);
  INFO(error << out);
  CHECK(ok);
}
