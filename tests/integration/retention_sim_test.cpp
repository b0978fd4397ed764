// Retention on the sim fixture, live at ready() and from a gcore core: heap size, heap top,
// heap partition --retained and rows as selections (heap referrers / referents / shpaths ROW),
// against the ground truth the fixture wrote about itself. (fixtures/retention has the exact
// retained sizes of designed objects; this checks the commands on the everyday fixture.)
#include <catch2/catch.hpp>

#include <sstream>

#include <boost/property_tree/json_parser.hpp>

#include "command_output.h"
#include "sim_fixture.h"

using namespace heapwalk::test;
using boost::property_tree::ptree;

namespace {

// The row of `kind` in a partition's JSON; -1 when there is none.
int row_of(const ptree& partition, const std::string& kind) {
  for (const auto& [_, row] : partition.get_child("rows"))
    if (row.get<std::string>("kind") == kind) return row.get<int>("index");
  return -1;
}

void check_retention(Debugger& dbg, const ptree& truth) {
  const uint64_t count = truth.get<uint64_t>("reachable_from_sim.count");
  const uint64_t bytes = truth.get<uint64_t>("reachable_from_sim.bytes");

  // Nothing but sim reaches the model (no worker threads): deep = retained = the truth.
  ptree size = json_of(dbg, "heap size sim --format json");
  CHECK(size.get<uint64_t>("deep.count") == count);
  CHECK(size.get<uint64_t>("deep.bytes") == bytes);
  CHECK(size.get<uint64_t>("retained.count") == count);
  CHECK(size.get<uint64_t>("retained.bytes") == bytes);
  // The deep set by kind (the guide's n_bytes / n_conns): the weights and the other scalar
  // buffers, with the elements their vectors hold (sizes, not capacities), as the fixture counts
  // them. The kinds add up to the deep set.
  uint64_t kinds_count = 0, kinds_bytes = 0;
  for (const auto& [_, kind] : size.get_child("by_kind")) {
    kinds_count += kind.get<uint64_t>("count");
    kinds_bytes += kind.get<uint64_t>("bytes");
  }
  CHECK(kinds_count == count);
  CHECK(kinds_bytes == bytes);
  for (const char* kind : {"float[]", "double[]"}) {
    INFO(kind);
    const ptree& expected = truth.get_child(ptree::path_type(std::string("arrays/") + kind, '/'));
    const ptree* row = nullptr;
    for (const auto& [_, k] : size.get_child("by_kind"))
      if (k.get<std::string>("kind") == kind) row = &k;
    REQUIRE(row);
    CHECK(row->get<uint64_t>("count") == expected.get<uint64_t>("arrays"));
    CHECK(row->get<uint64_t>("elements") == expected.get<uint64_t>("elements"));
    CHECK(row->get<uint64_t>("uncounted") == 0);
    CHECK(row->get<uint64_t>("bytes") == expected.get<uint64_t>("bytes"));
  }
  {
    bool ok = false;
    std::string error;
    std::string text = dbg.run("heap size sim --kinds 0", &ok, &error);
    REQUIRE(ok);
    const ptree& floats = truth.get_child(ptree::path_type("arrays/float[]", '/'));
    std::string line = "float[]: " + std::to_string(floats.get<uint64_t>("arrays")) + " arrays, ";
    INFO(text);
    CHECK(text.find(line) != std::string::npos);
  }

  // By module: everything sim reaches is the executable's (its types, or owned by them).
  ptree modules = json_of(dbg, "heap partition --root sim --by module --format json");
  REQUIRE(modules.get_child("rows").size() == 1);
  const ptree& exe = modules.get_child("rows").front().second;
  CHECK(exe.get<std::string>("kind") == "heapwalk_fixture_sim");
  CHECK(exe.get<std::string>("path").ends_with("/heapwalk_fixture_sim"));
  CHECK(exe.get<uint64_t>("count") == count);
  CHECK(exe.get<uint64_t>("size") == bytes);

  // The Simulation object dominates the whole model: it is the top of the dominator tree.
  ptree top = json_of(dbg, "heap top 3 --format json");
  const ptree& first = top.get_child("rows").front().second;
  CHECK(first.get<std::string>("kind") == "Simulation");
  CHECK(first.get<uint64_t>("retained") == bytes);
  CHECK(first.get<std::string>("path") == "sim");
  uint64_t previous = UINT64_MAX;
  for (const auto& [_, row] : top.get_child("rows")) {
    CHECK(row.get<uint64_t>("retained") <= previous);
    previous = row.get<uint64_t>("retained");
  }
  ptree subtree = json_of(dbg, "heap dominators --depth 1 --format json --addr " +
                                   first.get<std::string>("address"));
  CHECK(subtree.get_child("rows").front().second.get<uint64_t>("retained") == bytes);

  // Rows are selections: the connection fields are held by their projections' cfs buffers,
  // one per CFProjection; every one has a path from sim.
  ptree partition = json_of(dbg, "heap partition --root sim --retained --format json");
  int fields = row_of(partition, "ConnectionField");
  REQUIRE(fields >= 0);
  for (const auto& [_, row] : partition.get_child("rows"))
    CHECK(row.get<uint64_t>("retained") >= row.get<uint64_t>("size"));
  // Grouped by owner (Heapy's byrcs), the same row is one set of holders.
  ptree owners = json_of(dbg, "heap partition --of " + std::to_string(fields) +
                                  " --by owner --format json");
  REQUIRE(owners.get_child("rows").size() == 1);
  CHECK(owners.get_child("rows").front().second.get<std::string>("kind") ==
        "<std::unique_ptr<ConnectionField>[]>");
  CHECK(owners.get<uint64_t>("count") == truth.get<uint64_t>("classes.ConnectionField"));
  // By size, the walk's set is the same set.
  ptree sizes = json_of(dbg, "heap partition --root sim --by size --format json");
  CHECK(sizes.get<uint64_t>("count") == count);
  CHECK(sizes.get<uint64_t>("size") == bytes);
  partition = json_of(dbg, "heap partition --root sim --format json");
  fields = row_of(partition, "ConnectionField");
  ptree referrers = json_of(dbg, "heap referrers " + std::to_string(fields) + " --format json");
  REQUIRE(referrers.get_child("rows").size() == 1);
  const ptree& holders = referrers.get_child("rows").front().second;
  CHECK(holders.get<std::string>("kind") == "std::unique_ptr<ConnectionField>[]");
  CHECK(holders.get<uint64_t>("count") == truth.get<uint64_t>("classes.CFProjection"));
  ptree paths = json_of(dbg, "heap shpaths 0 --count 2 --format json");
  REQUIRE(paths.get_child("paths").size() == 1);
  CHECK(paths.get_child("paths").front().second.get_value<std::string>().rfind(
            "sim->sheets[\"", 0) == 0);
  // ... and the referents of those buffers are the connection fields again.
  ptree referents = json_of(dbg, "heap referents 0 --format json");
  CHECK(row_of(referents, "ConnectionField") >= 0);
  CHECK(referents.get<uint64_t>("count") == truth.get<uint64_t>("classes.ConnectionField"));
}

}  // namespace

TEST_CASE("retention commands on the live fixture match its ground truth", "[retention][live]") {
  LiveSim sim({});
  check_retention(sim.dbg, sim.truth);
}

TEST_CASE("retention commands on a gcore core match its ground truth", "[retention][core]") {
  CoreSim sim({"--retina-density", "30", "--cortex-density", "20"});
  check_retention(sim.dbg, sim.truth);
}

TEST_CASE("a row needs a table first, and bad subjects are one-line errors", "[retention][live]") {
  LiveSim sim({});
  bool ok = true;
  std::string error;
  sim.dbg.run("heap referrers 0", &ok, &error);
  CHECK_FALSE(ok);
  CHECK(error.find("no table") != std::string::npos);
  sim.dbg.run("heap dominators --addr 0x10", &ok, &error);
  CHECK_FALSE(ok);
  CHECK(error.find("in no allocation") != std::string::npos);
  sim.dbg.run("heap shpaths --kind '['", &ok, &error);
  CHECK_FALSE(ok);
  CHECK(error.find("not a regular expression") != std::string::npos);
  sim.dbg.run("heap size no_such_variable", &ok, &error);
  CHECK_FALSE(ok);
}
