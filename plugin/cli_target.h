// The CLI's in-process debugger: open a core, attach, or launch to a breakpoint, run one heap
// command, and leave the target as it was found (detach, or kill what we launched).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace heapwalk::plugin {

struct CliTarget {
  enum class Mode { kNone, kCore, kAttach, kLaunch } mode = Mode::kNone;
  std::string core;
  std::string executable;
  uint64_t pid = 0;
  std::string function;                // --break FUNC
  std::vector<std::string> arguments;  // the program's, without argv[0]
  std::vector<std::string> recognizer_files;  // --recognizers FILE: loaded before the command
};

// Runs `command` (e.g. "heap partition --root sim") on the target; returns the exit status.
int run_cli(const CliTarget& target, const std::string& command);

}  // namespace heapwalk::plugin
