// The CLI's in-process debugger: open a core, attach, or launch to a breakpoint, run one heap
// command (or, with --serve, every command read from stdin), and leave the target as it was
// found (detach, or kill what we launched).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace heapwalk::plugin {

struct CliTarget {
  enum class Mode { kNone, kCore, kAttach, kLaunch, kNoAttach } mode = Mode::kNone;
  std::string core;
  std::string executable;
  uint64_t pid = 0;
  std::string function;                // --break FUNC
  std::vector<std::string> arguments;  // the program's, without argv[0]
  std::vector<std::string> recognizer_files;  // --recognizers FILE: loaded before the command
  int mem_fd = -1;                     // --no-attach --mem-fd FD: an open /proc/PID/mem
  std::string threads_file;            // --no-attach --threads FILE
  bool serve = false;  // --serve: commands from stdin, answers framed on stdout (cli_serve.h)
};

// Runs `command` (e.g. "heap partition --root sim") on the target, or with `serve` the commands
// read from stdin (`command` unused); returns the exit status.
int run_cli(const CliTarget& target, const std::string& command);

}  // namespace heapwalk::plugin
