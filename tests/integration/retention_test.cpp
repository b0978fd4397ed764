// The retention fixture (fixtures/retention) at -O0 and -O2, live at ready() and from a gcore
// core, against the exact truth it computed with its own closures: for every designated object,
// `heap dominators --addr A` (first row: the retained size; the whole subtree: exactly the
// allocations the truth lists), the same with --typed-only, `heap shpaths --addr A` (the first
// path as a C++ reader writes it), `heap top 5` (address and retained size of each row), and the
// 100,000-deep chain's dominator subtree in full. Every check is reported (CHECK, not REQUIRE).
#include <catch2/catch.hpp>

#include <chrono>
#include <set>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command_output.h"

using namespace heapwalk::test;
using Json = nlohmann::json;

namespace {

FixtureProgram retention_fixture(const std::string& build) {
  return {build == "O0" ? HEAPWALK_RETENTION_FIXTURE_O0 : HEAPWALK_RETENTION_FIXTURE_O2,
          "retention-truth.json"};
}

// The truth as nlohmann's JSON (the fixture's file, re-read: ptree flattens arrays).
Json truth_json(const std::string& dir) {
  std::FILE* f = std::fopen((dir + "/retention-truth.json").c_str(), "r");
  REQUIRE(f);
  std::string text;
  char buffer[65536];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, f)) text.append(buffer, n);
  std::fclose(f);
  return Json::parse(text);
}

void check_objects(Debugger& dbg, const Json& truth, const std::string& config) {
  for (const Json& o : truth["objects"]) {
    const std::string name = o["name"], address = o["address"];
    INFO(config << ", " << name << " at " << address);
    // The whole dominator subtree: the object first, then exactly its retained set.
    const bool listed = o.contains("allocations");
    Json report =
        json_value_of(dbg, fmt::format("heap dominators --addr {} --depth {} --limit 1000000 "
                                       "--format json",
                                       address, listed ? 1000000 : 0));
    REQUIRE(!report["rows"].empty());
    const Json& first = report["rows"][0];
    CHECK(first["address"] == address);
    CHECK(first["retained"].get<uint64_t>() == o["bytes"].get<uint64_t>());
    if (!o["kind"].get<std::string>().empty()) CHECK(first["kind"] == o["kind"]);
    if (listed) {
      std::set<std::string> expected, got;
      for (const Json& a : o["allocations"]) expected.insert(a["address"].get<std::string>());
      for (const Json& row : report["rows"]) got.insert(row["address"].get<std::string>());
      CHECK(report["rows"].size() == o["count"].get<size_t>());
      CHECK(got == expected);
    }
    // --typed-only: the same, but what only a void* keeps alive.
    const std::string typed = fmt::format("heap dominators --addr {} --depth 0 --typed-only "
                                          "--format json", address);
    if (o.contains("typed_only") && o["typed_only"].is_string()) {
      bool ok = true;
      std::string error;
      dbg.run(typed, &ok, &error);
      CHECK_FALSE(ok);
      CHECK(error.find("reaches this object") != std::string::npos);
      Json paths = json_value_of(
          dbg, fmt::format("heap shpaths --addr {} --typed-only --format json", address));
      CHECK(paths["paths"].empty());
    } else {
      uint64_t bytes = o.contains("typed_only") ? o["typed_only"]["bytes"].get<uint64_t>()
                                                : o["bytes"].get<uint64_t>();
      CHECK(json_value_of(dbg, typed)["rows"][0]["retained"].get<uint64_t>() == bytes);
    }
    // A sheet or projection named as C++ names it, through the map's key and the unique_ptrs:
    // a projection's unique_ptr alone owns it, so its retained set is the object's; a sheet is
    // also the source of other sheets' projections, so the object itself (`*`, what freeing
    // it frees) is what retains the truth. (A shared `->weights` slot retains nothing alone.)
    if (name.starts_with("g_model->sheets[") && !name.ends_with("->weights")) {
      const std::string expr = name.ends_with("]") && name.find("->") == name.rfind("->")
                                   ? "*" + name  // g_model->sheets["V1"]: a Sheet*
                                   : name;
      INFO("heap size " << expr);
      Json size = json_value_of(dbg, fmt::format("heap size '{}' --format json", expr));
      CHECK(size["retained"]["bytes"].get<uint64_t>() == o["bytes"].get<uint64_t>());
      if (o.contains("count"))
        CHECK(size["retained"]["count"].get<uint64_t>() == o["count"].get<uint64_t>());
    }
    // The shortest path, as a C++ reader writes it.
    const std::string path = o["path"];
    if (!path.empty()) {
      Json paths = json_value_of(
          dbg, fmt::format("heap shpaths --addr {} --count 1 --format json", address));
      REQUIRE(!paths["paths"].empty());
      CHECK(paths["paths"][0] == path);
    }
  }
}

void check_top(Debugger& dbg, const Json& truth) {
  Json top = json_value_of(dbg, "heap top 5 --format json");
  REQUIRE(top["rows"].size() == truth["top"].size());
  for (size_t i = 0; i < top["rows"].size(); ++i) {
    INFO("heap top row " << i << ": " << truth["top"][i].dump());
    CHECK(top["rows"][i]["address"] == truth["top"][i]["address"]);
    CHECK(top["rows"][i]["retained"] == truth["top"][i]["retained"]);
    CHECK(top["rows"][i]["shallow"] == truth["top"][i]["shallow"]);
  }
  // The total is every reached allocation, malloc's own among them (the main thread's tcache,
  // which the fixture's tracker never sees): at least what the fixture's closure reaches.
  CHECK(top["total"].get<uint64_t>() >= truth["reached"]["bytes"].get<uint64_t>());
}

// The chain's head: 100,000 rows, one per link, each retaining the rest of the chain.
void check_chain(Debugger& dbg, const Json& truth) {
  std::string head;
  for (const Json& o : truth["objects"])
    if (o["name"] == "g_chain") head = o["address"];
  REQUIRE(!head.empty());
  auto start = std::chrono::steady_clock::now();
  Json report =
      json_value_of(dbg, fmt::format("heap dominators --addr {} --depth 1000000 --limit 10 "
                                     "--format json",
                                     head));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const size_t length = truth["chain_length"];
  REQUIRE(report["rows"].size() == length);
  bool decreasing = true, depths = true;
  for (size_t i = 0; i < length; ++i) {
    const Json& row = report["rows"][i];
    if (row["depth"].get<size_t>() != i) depths = false;
    if (i && row["retained"].get<uint64_t>() + row["shallow"].get<uint64_t>() !=
                 report["rows"][i - 1]["retained"].get<uint64_t>())
      decreasing = false;
  }
  CHECK(depths);
  CHECK(decreasing);
  CHECK(report["rows"][length - 1]["retained"] == report["rows"][length - 1]["shallow"]);
  WARN(fmt::format("heap dominators of the 100,000-deep chain: {:.2f} s", seconds));
  CHECK(seconds < 10);
}

// A key the map does not have, or a subscript left open: one line that says so.
void check_bad_keys(Debugger& dbg) {
  for (const auto& [expr, says] :
       {std::pair{"'g_model->sheets[\"nope\"]'", "no entry with key \"nope\" in the map"},
        std::pair{"'g_model->sheets[\"V1\"'", "a '[' without its ']'"}}) {
    bool ok = true;
    std::string error;
    dbg.run(fmt::format("heap size {}", expr), &ok, &error);
    INFO(expr << ": " << error);
    CHECK_FALSE(ok);
    CHECK(error.find(says) != std::string::npos);
  }
}

void check_everything(Debugger& dbg, const std::string& dir, const std::string& config) {
  check_bad_keys(dbg);
  Json truth = truth_json(dir);
  check_objects(dbg, truth, config);
  check_top(dbg, truth);
  check_chain(dbg, truth);
}

}  // namespace

TEST_CASE("retention -O0, live: retained sizes, dominator subtrees, paths and heap top match "
          "the truth", "[retention][live]") {
  LiveSim fixture({}, retention_fixture("O0"));
  check_everything(fixture.dbg, fixture.dir, "-O0 live");
}

TEST_CASE("retention -O2, live: retained sizes, dominator subtrees, paths and heap top match "
          "the truth", "[retention][live]") {
  LiveSim fixture({}, retention_fixture("O2"));
  check_everything(fixture.dbg, fixture.dir, "-O2 live");
}

TEST_CASE("retention -O0, core: retained sizes, dominator subtrees, paths and heap top match "
          "the truth", "[retention][core]") {
  CoreSim fixture({}, retention_fixture("O0"));
  check_everything(fixture.dbg, fixture.dir, "-O0 core");
}

TEST_CASE("retention -O2, core: retained sizes, dominator subtrees, paths and heap top match "
          "the truth", "[retention][core]") {
  CoreSim fixture({}, retention_fixture("O2"));
  check_everything(fixture.dbg, fixture.dir, "-O2 core");
}
