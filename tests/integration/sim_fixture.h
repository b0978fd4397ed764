// The sim fixture, run for real: stopped at ready() under an in-process SBDebugger, or dumped
// to a core by gdb's gcore. Each comes with the ground truth the fixture wrote.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include <boost/property_tree/ptree.hpp>
#include <lldb/API/LLDB.h>

namespace heapwalk::test {

std::string sim_executable();
std::string leaky_executable();
// A fresh directory under the system's temp dir, removed by nobody: tests may inspect it.
std::string make_work_dir(const std::string& tag);
boost::property_tree::ptree read_truth(const std::string& path);

// One in-process debugger with the heap commands registered.
struct Debugger {
  lldb::SBDebugger debugger;
  Debugger();
  ~Debugger();
  // Makes LLDB load no separate debug info (libc6-dbg's), as on a machine without it. LLDB
  // caches modules per process, so only a process that has not loaded libc yet can do this.
  void hide_libc_debug_info();
  // Runs a command; returns its output, and its error text through `error` (if given).
  std::string run(const std::string& command, bool* ok = nullptr, std::string* error = nullptr);
};

// A fixture program and the name of the ground truth it writes in its working directory.
struct FixtureProgram {
  std::string executable = sim_executable();
  std::string truth_file = "sim-truth.json";
  bool hide_libc_debug_info = false;
};
inline FixtureProgram leaky_fixture() { return {leaky_executable(), "leaky-truth.json"}; }
// fixtures/list: `Node* g_head`, a list of polymorphic nodes, and what it drops (leaks).
inline FixtureProgram list_fixture() { return {HEAPWALK_LIST_FIXTURE, "list-truth.json"}; }

// The fixture launched with `args` and stopped at ready(); killed on destruction.
struct LiveSim {
  Debugger dbg;
  lldb::SBTarget target;
  lldb::SBProcess process;
  std::string dir;
  boost::property_tree::ptree truth;
  explicit LiveSim(const std::vector<std::string>& args, const FixtureProgram& program = {});
  ~LiveSim();
};

// A gcore core of the fixture run with `args` (taken at ready(), via --wait), loaded in lldb.
// The core is deleted afterwards (cores add up to gigabytes over a few runs) unless
// HEAPWALK_KEEP_CORES is set; the truth stays in `dir`.
struct CoreSim {
  Debugger dbg;
  lldb::SBTarget target;
  std::string dir, core_path;
  boost::property_tree::ptree truth;
  explicit CoreSim(const std::vector<std::string>& args, const FixtureProgram& program = {});
  ~CoreSim();
};

// Runs the fixture with `args` and --wait until it waits after ready(), in `dir`; its pid.
pid_t spawn_waiting_sim(const std::vector<std::string>& args, const std::string& dir,
                        const FixtureProgram& program = {});
void end_sim(pid_t pid);

// Makes a core of the sim fixture; returns its path. Writes the truth into dir/sim-truth.json.
std::string make_sim_core(const std::vector<std::string>& args, const std::string& dir,
                          const FixtureProgram& program = {});

}  // namespace heapwalk::test
