// heap partition --by module on the runtime fixture (fixtures/runtime), whose dlopen'd
// libheapwalk_runtime_plugin.so defines PluginRegistry and holds its own heap objects: the
// plugin's blocks are the plugin's row, exactly the ones the fixture labels "plugin: ...", but
// for the std::bad_alloc the registry owns, which is libstdc++'s (its vtable's module), live
// and from a core; every row names a module by its file name, with the full path in JSON.
#include <catch2/catch.hpp>

#include <cstdio>
#include <set>
#include <sstream>

#include <boost/property_tree/json_parser.hpp>

#include "command_output.h"
#include "sim_fixture.h"

using namespace heapwalk::test;
using boost::property_tree::ptree;

namespace {

constexpr const char* kPlugin = "libheapwalk_runtime_plugin.so";
constexpr const char* kLibstdcxx = "libstdc++.so.6";

struct Blocks {
  uint64_t count = 0, bytes = 0;
};

// The truth's allocations whose label is one of `labels`.
Blocks labelled(const ptree& truth, const std::set<std::string>& labels) {
  Blocks b;
  for (const auto& [_, piece] : truth.get_child("pieces"))
    for (const auto& [__, block] : piece.get_child("allocations"))
      if (labels.count(block.get<std::string>("label"))) {
        ++b.count;
        b.bytes += block.get<uint64_t>("size");
      }
  return b;
}

const ptree* row_named(const ptree& partition, const std::string& kind) {
  for (const auto& [_, row] : partition.get_child("rows"))
    if (row.get<std::string>("kind") == kind) return &row;
  return nullptr;
}

void check_modules(Debugger& dbg, const ptree& truth) {
  // What g_plugin_registry holds: the PluginRegistry (its type is the plugin's), the map's
  // nodes (a container of the plugin's debug info), and the string and double buffers they own.
  const Blocks registry = labelled(
      truth, {"plugin: g_plugin_registry (PluginRegistry)", "plugin: std::map<int, std::string> node",
              "plugin: char[] (string)", "plugin: double[]"});
  REQUIRE(registry.count == 8);
  ptree by_module =
      json_of(dbg, "heap partition --root g_plugin_registry --by module --retained --format json");
  // ... and a std::bad_alloc, whose vtable (the module that defines its class) is libstdc++'s.
  const Blocks bad_alloc = labelled(truth, {"plugin: std::bad_alloc"});
  REQUIRE(bad_alloc.count == 1);
  REQUIRE(by_module.get_child("rows").size() == 2);
  const ptree* plugin_row = row_named(by_module, kPlugin);
  REQUIRE(plugin_row);
  const ptree& plugin = *plugin_row;
  CHECK(plugin.get<std::string>("path").ends_with(std::string("/") + kPlugin));
  CHECK(plugin.get<uint64_t>("count") == registry.count);
  CHECK(plugin.get<uint64_t>("size") == registry.bytes);
  // Freeing the plugin's objects frees the bad_alloc its registry owns too.
  CHECK(plugin.get<uint64_t>("retained") == registry.bytes + bad_alloc.bytes);
  const ptree* libstdcxx = row_named(by_module, kLibstdcxx);
  REQUIRE(libstdcxx);
  CHECK(libstdcxx->get<std::string>("path").ends_with(std::string("/") + kLibstdcxx));
  CHECK(libstdcxx->get<uint64_t>("count") == bad_alloc.count);
  CHECK(libstdcxx->get<uint64_t>("size") == bad_alloc.bytes);
  CHECK(libstdcxx->get<uint64_t>("retained") == bad_alloc.bytes);

  // A row of a kind partition, by module.
  ptree kinds = json_of(dbg, "heap partition --root g_plugin_registry --format json");
  const ptree* object = row_named(kinds, "(anonymous namespace)::PluginRegistry");
  REQUIRE(object);
  ptree of = json_of(dbg, "heap partition --by module --format json --of " +
                              object->get<std::string>("index"));
  REQUIRE(of.get_child("rows").size() == 1);
  CHECK(of.get_child("rows").front().second.get<std::string>("kind") == kPlugin);
  CHECK(of.get<uint64_t>("count") == 1);

  // The whole process: the plugin's globals hold what the fixture labels as the plugin's (its
  // title's buffer is the plugin's too, held by the plugin's global); the executable and
  // libstdc++ have rows of their own; the rows add up.
  const Blocks title = labelled(truth, {"plugin: g_plugin_title's char[] (string)"});
  REQUIRE(title.count == 1);
  ptree process = json_of(dbg, "heap partition --by module --format json");
  const ptree* all_plugin = row_named(process, kPlugin);
  REQUIRE(all_plugin);
  CHECK(all_plugin->get<uint64_t>("count") == registry.count + title.count);
  CHECK(all_plugin->get<uint64_t>("size") == registry.bytes + title.bytes);
  const ptree* all_libstdcxx = row_named(process, kLibstdcxx);
  REQUIRE(all_libstdcxx);
  CHECK(all_libstdcxx->get<uint64_t>("count") >= bad_alloc.count);
  uint64_t count = 0, size = 0;
  for (const auto& [_, row] : process.get_child("rows")) {
    count += row.get<uint64_t>("count");
    size += row.get<uint64_t>("size");
  }
  CHECK(count == process.get<uint64_t>("count"));
  CHECK(size == process.get<uint64_t>("size"));

  // Text and CSV name the module by its file name.
  bool ok = false;
  std::string error;
  std::string text = dbg.run("heap partition --root g_plugin_registry --by module", &ok, &error);
  REQUIRE(ok);
  CHECK(text.find(kPlugin) != std::string::npos);
  std::string csv =
      dbg.run("heap partition --root g_plugin_registry --by module --format csv", &ok, &error);
  REQUIRE(ok);
  CHECK(csv.find(std::string(",") + kPlugin + "\n") != std::string::npos);
}

FixtureProgram runtime_program() { return {HEAPWALK_RUNTIME_FIXTURE_O2, "runtime-truth.json"}; }

}  // namespace

TEST_CASE("heap partition --by module names the plugin's blocks, live", "[partition][module][live]") {
  LiveSim fixture({}, runtime_program());
  check_modules(fixture.dbg, fixture.truth);
}

TEST_CASE("heap partition --by module names the plugin's blocks, from a core",
          "[partition][module][core]") {
  CoreSim fixture({}, runtime_program());
  check_modules(fixture.dbg, fixture.truth);
  std::remove(fixture.core_path.c_str());
}
