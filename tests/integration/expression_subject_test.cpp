// An expression's object graph as a subject, read from the stop's graph (no walk of its own):
// `heap partition --root EXPR` and `heap size EXPR` for a local of a worker thread's frame (the
// leaky fixture: each worker's `stack_buffer`, same name in two threads, holds a block only it
// reaches) and for paths into the heap (the retention fixture's members, whose sets its
// closures computed; the sim fixture's `*sim`), live at ready() and from a gcore core, against
// the truth each fixture wrote.
#include <catch2/catch.hpp>

#include <string>

#include <lldb/API/SBFrame.h>
#include <lldb/API/SBThread.h>

#include "command_output.h"
#include "sim_fixture.h"

using namespace heapwalk::test;
using boost::property_tree::ptree;

namespace {

struct Totals {
  uint64_t count = 0, bytes = 0;
  bool operator==(const Totals&) const = default;
};

std::ostream& operator<<(std::ostream& out, const Totals& t) {
  return out << t.count << " objects, " << t.bytes << " bytes";
}

Totals partition_of(Debugger& dbg, const std::string& options) {
  ptree p = json_of(dbg, "heap partition " + options + " --format json");
  return {p.get<uint64_t>("count"), p.get<uint64_t>("size")};
}

Totals deep_size_of(Debugger& dbg, const std::string& expr) {
  ptree s = json_of(dbg, "heap size " + expr + " --format json");
  return {s.get<uint64_t>("deep.count"), s.get<uint64_t>("deep.bytes")};
}

// Selects thread `tid`'s frame of `function`.
void select_frame(lldb::SBProcess process, uint64_t tid, const std::string& function) {
  lldb::SBThread thread = process.GetThreadByID(tid);
  REQUIRE(thread.IsValid());
  REQUIRE(process.SetSelectedThread(thread));
  for (uint32_t f = 0; f < thread.GetNumFrames(); ++f) {
    const char* name = thread.GetFrameAtIndex(f).GetFunctionName();
    if (name && std::string(name).find(function) != std::string::npos) {
      REQUIRE(thread.SetSelectedFrame(f).IsValid());
      return;
    }
  }
  FAIL("no frame of " << function << " in thread " << tid);
}

// Each worker's stack_buffer: exactly its own block, not the other worker's.
void check_locals(Debugger& dbg, lldb::SBProcess process, const ptree& truth) {
  const ptree& buffers = truth.get_child("reachable.stack_only");
  REQUIRE(buffers.size() == 2);
  for (const auto& [_, buffer] : buffers) {
    INFO("thread " << buffer.get<int>("thread") << ", block at " << buffer.get<std::string>("address"));
    select_frame(process, buffer.get<uint64_t>("tid"), "worker_main");
    const Totals expected{1, buffer.get<uint64_t>("size")};
    CHECK(partition_of(dbg, "--root stack_buffer") == expected);
    CHECK(partition_of(dbg, "--root stack_buffer --by size") == expected);
    CHECK(deep_size_of(dbg, "stack_buffer") == expected);
  }
}

const ptree& object_named(const ptree& truth, const std::string& name) {
  for (const auto& [_, o] : truth.get_child("objects"))
    if (o.get<std::string>("name") == name) return o;
  FAIL("no object " << name << " in the truth");
  throw;
}

Totals retained_in_truth(const ptree& truth, const std::string& name) {
  const ptree& o = object_named(truth, name);
  return {o.get<uint64_t>("count"), o.get<uint64_t>("bytes")};
}

// What the retention fixture's members hold: their sets are the truth's retained sets, which
// are also everything they reach (nothing in them points outside them).
void check_heap_paths(Debugger& dbg, const ptree& truth) {
  // The whole Model object, then its map alone (all but the Model's own block).
  const Totals model = retained_in_truth(truth, "g_model");
  CHECK(partition_of(dbg, "--root *g_model") == model);
  CHECK(deep_size_of(dbg, "*g_model") == model);
  uint64_t model_block = 0;
  for (const auto& [_, a] : object_named(truth, "g_model").get_child("allocations"))
    if (a.get<std::string>("kind") == "Model") model_block = a.get<uint64_t>("size");
  REQUIRE(model_block > 0);
  const Totals sheets{model.count - 1, model.bytes - model_block};
  CHECK(partition_of(dbg, "--root g_model->sheets") == sheets);
  CHECK(partition_of(dbg, "--root g_model->sheets --by owner") == sheets);
  CHECK(partition_of(dbg, "--root g_model->sheets --retained") == sheets);
  CHECK(deep_size_of(dbg, "g_model->sheets") == sheets);
  // A shared_ptr member: its object and the control block (whose managed pointer is weak).
  Totals big = retained_in_truth(truth, "g_owner->big");
  const Totals control = retained_in_truth(truth, "control block of g_owner->big");
  big.count += control.count;
  big.bytes += control.bytes;
  CHECK(partition_of(dbg, "--root g_owner->big") == big);
  CHECK(deep_size_of(dbg, "g_owner->big") == big);
  // A void* member: what it holds is reached by the conservative scan only.
  CHECK(partition_of(dbg, "--root g_holder->opaque") ==
        retained_in_truth(truth, "blob of g_holder->opaque"));
  CHECK(partition_of(dbg, "--root g_holder->opaque --typed-only") == Totals{});
}

// What lies in no allocation and in no root (main's argv strings, which opt.truth points to):
// one line, no figures. The member itself holds no heap pointer.
void check_not_located(Debugger& dbg) {
  bool ok = true;
  std::string error;
  dbg.run("heap partition --root *opt.truth", &ok, &error);
  CHECK_FALSE(ok);
  CHECK(error.find("in no variable the graph has as a root") != std::string::npos);
  CHECK(partition_of(dbg, "--root opt.truth") == Totals{});
}

}  // namespace

TEST_CASE("partition --root and size of a worker's local, live", "[expression][live]") {
  LiveSim leaky({"--threads", "2"}, leaky_fixture());
  check_locals(leaky.dbg, leaky.process, leaky.truth);
}

TEST_CASE("partition --root and size of a worker's local, from a core", "[expression][core]") {
  CoreSim leaky({"--threads", "2"}, leaky_fixture());
  check_locals(leaky.dbg, leaky.target.GetProcess(), leaky.truth);
}

TEST_CASE("partition --root and size of paths into the heap, live -O0", "[expression][live]") {
  LiveSim fixture({}, {HEAPWALK_RETENTION_FIXTURE_O0, "retention-truth.json"});
  check_heap_paths(fixture.dbg, fixture.truth);
}

TEST_CASE("partition --root and size of paths into the heap, from a core -O2",
          "[expression][core]") {
  CoreSim fixture({}, {HEAPWALK_RETENTION_FIXTURE_O2, "retention-truth.json"});
  check_heap_paths(fixture.dbg, fixture.truth);
}

TEST_CASE("partition --root *sim is what sim reaches; what no root holds is refused",
          "[expression][live]") {
  LiveSim sim({});
  const Totals reachable{sim.truth.get<uint64_t>("reachable_from_sim.count"),
                         sim.truth.get<uint64_t>("reachable_from_sim.bytes")};
  CHECK(partition_of(sim.dbg, "--root *sim") == reachable);
  CHECK(deep_size_of(sim.dbg, "*sim") == reachable);
  REQUIRE(sim.dbg.run("up").find("main") != std::string::npos);
  check_not_located(sim.dbg);
}
