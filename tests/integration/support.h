// Reusable pieces for integration tests: run a fixture to its ready() breakpoint under an
// in-process SBDebugger, take a gcore core of it, read the JSON ground truth it wrote.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <boost/property_tree/ptree.hpp>
#include <lldb/API/LLDB.h>

namespace heapwalk::test {

// A new directory under the system temp dir; left in place so a failing test can be inspected.
std::string make_temp_dir(const std::string& tag);

// The JSON file at `path` (a fixture's ground truth).
boost::property_tree::ptree read_json_file(const std::string& path);

// An in-process debugger, synchronous, able to launch (LLDB_DEBUGSERVER_PATH set if unset).
struct DebuggerHandle {
  lldb::SBDebugger debugger;
  DebuggerHandle();
  ~DebuggerHandle();
  DebuggerHandle(const DebuggerHandle&) = delete;
  DebuggerHandle& operator=(const DebuggerHandle&) = delete;
};

// A fixture launched under lldb and stopped at its ready() breakpoint; killed on destruction.
struct StoppedFixture {
  DebuggerHandle dbg;
  lldb::SBTarget target;
  lldb::SBProcess process;
  ~StoppedFixture();
};

// Launches `exe` with `args` (argv[0] excluded) in `workdir`; throws unless it stops at ready().
std::unique_ptr<StoppedFixture> launch_to_ready(const std::string& exe,
                                                const std::vector<std::string>& args,
                                                const std::string& workdir);

// Runs `exe args --wait` in `workdir` (not under lldb), waits until `truth_file` exists (the
// fixture writes it just before ready()), dumps it with gdb's gcore, kills it; returns the
// core's path (workdir/core.PID). Throws when the fixture dies early or gcore fails.
std::string make_gcore(const std::string& exe, const std::vector<std::string>& args,
                       const std::string& workdir, const std::string& truth_file);

// A core loaded into lldb against its executable.
struct LoadedCore {
  DebuggerHandle dbg;
  lldb::SBTarget target;
  lldb::SBProcess process;
};

// Loads `core` for `exe`; throws when lldb cannot.
std::unique_ptr<LoadedCore> load_core(const std::string& exe, const std::string& core);

}  // namespace heapwalk::test
