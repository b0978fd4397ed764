// heapwalk: the heap commands without an interactive lldb, for scripts and CI.
//   heapwalk --core CORE EXE partition --root sim
//   heapwalk --pid PID partition
//   heapwalk --break FUNC -- EXE ARGS... partition --root sim
//   heapwalk --core CORE EXE --serve      (commands from stdin, framed answers: cli_serve.h)
//   heapwalk --pid PID --no-attach [--mem-fd FD] [--threads FILE] leaks   (no_attach/)
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <lldb/API/LLDB.h>

#include "plugin/cli_target.h"
#include "plugin/heap_commands.h"
#include "plugin/options.h"

namespace {

constexpr const char* kUsage =
    "usage: heapwalk [--recognizers FILE]... --core CORE EXE COMMAND [OPTIONS]\n"
    "       heapwalk [--recognizers FILE]... --pid PID COMMAND [OPTIONS]\n"
    "       heapwalk [--recognizers FILE]... --pid PID --no-attach [--mem-fd FD] [--threads FILE]\n"
    "                COMMAND [OPTIONS]\n"
    "       heapwalk [--recognizers FILE]... --break FUNC -- EXE [ARGS...] COMMAND [OPTIONS]\n"
    "       heapwalk [--recognizers FILE]... MODE --serve\n"
    "COMMAND is a heap subcommand (partition, leaks, summary, arenas, top, shpaths, dominators,\n"
    "referents, referrers, size, more, recognizers, warnings);\n"
    "'heapwalk help' lists them. With --break, the last argument that names a subcommand\n"
    "starts the command. --recognizers reads a recognizer file first (docs/recognizers.md).\n"
    "--serve (after the MODE --core/--pid/--break and its arguments, or before it) sets the\n"
    "target up once, then runs one subcommand per line read from stdin ('partition --root sim',\n"
    "'more', 'help partition', 'quit'), each answered on stdout by its output and error text and\n"
    "the line \"\\x1eheapwalk-status N\" (0 success, 1 failure); Ctrl-C interrupts the running\n"
    "command only; EOF or 'quit' ends (docs/no-attach.md).\n"
    "--no-attach analyzes a stopped process that another tool (gdb) holds, without attaching,\n"
    "writing to it or running code in it: memory from /proc/PID/mem (or the open descriptor\n"
    "FD of it that the tracer passes), threads from /proc/PID/task, registers from the JSON\n"
    "threads FILE the front end writes (else only each thread's stack pointer and pc).\n";

int usage_error(const std::string& message) {
  fmt::print(stderr, "heapwalk: {}\n{}", message, kUsage);
  return 2;
}

std::string quoted(const std::string& arg) {
  if (!arg.empty() && arg.find_first_of(" \t\"'\\") == std::string::npos) return arg;
  std::string out = "\"";
  for (char c : arg) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

bool is_subcommand(const std::string& word) {
  for (const char* name : {"partition", "more", "leaks", "summary", "arenas", "top", "shpaths",
                           "dominators", "referents", "referrers", "size", "recognizers", "warnings"})
    if (word == name) return true;
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "-h" || args[0] == "--help") {
    fmt::print("{}", kUsage);
    return args.empty() ? 2 : 0;
  }
  heapwalk::plugin::CliTarget spec;
  for (;;) {
    if (args.size() >= 2 && args[0] == "--recognizers") {
      spec.recognizer_files.push_back(args[1]);
      args.erase(args.begin(), args.begin() + 2);
    } else if (!args.empty() && args[0] == "--serve") {
      spec.serve = true;
      args.erase(args.begin());
    } else {
      break;
    }
  }
  if (args.empty()) return usage_error("nothing after --recognizers FILE or --serve");
  size_t i = 0;
  if (args[0] == "help") {
    spec.mode = heapwalk::plugin::CliTarget::Mode::kNone;
  } else if (args[0] == "--core" && args.size() >= 4) {
    spec.mode = heapwalk::plugin::CliTarget::Mode::kCore;
    spec.core = args[1];
    spec.executable = args[2];
    i = 3;
  } else if (args[0] == "--pid" && args.size() >= 2) {
    spec.mode = heapwalk::plugin::CliTarget::Mode::kAttach;
    try {
      spec.pid = heapwalk::plugin::parse_number("--pid", args[1], 0x7fffffff);
    } catch (const std::exception&) {
      spec.pid = 0;
    }
    if (spec.pid == 0) return usage_error(fmt::format("'{}' is not a process id", args[1]));
    i = 2;
    // --no-attach [--mem-fd FD] [--threads FILE], in any order.
    bool mem_fd = false;
    for (;;) {
      if (i < args.size() && args[i] == "--no-attach") {
        spec.mode = heapwalk::plugin::CliTarget::Mode::kNoAttach;
        ++i;
      } else if (i + 1 < args.size() && args[i] == "--mem-fd") {
        try {
          spec.mem_fd = static_cast<int>(heapwalk::plugin::parse_number("--mem-fd", args[i + 1], 1 << 20));
          mem_fd = true;
        } catch (const std::exception&) {
          return usage_error(fmt::format("--mem-fd takes a file descriptor, not '{}'", args[i + 1]));
        }
        i += 2;
      } else if (i + 1 < args.size() && args[i] == "--threads") {
        spec.threads_file = args[i + 1];
        i += 2;
      } else {
        break;
      }
    }
    if ((mem_fd || !spec.threads_file.empty()) &&
        spec.mode != heapwalk::plugin::CliTarget::Mode::kNoAttach)
      return usage_error("--mem-fd and --threads go with --no-attach");
  } else if (args[0] == "--break" && args.size() >= 4 && args[2] == "--" &&
             (args.size() >= 5 || spec.serve)) {
    spec.mode = heapwalk::plugin::CliTarget::Mode::kLaunch;
    spec.function = args[1];
    spec.executable = args[3];
    size_t command_start = args.size();
    if (!spec.serve && args.back() == "--serve") {
      // --serve at the end: the program's arguments are all that come before it.
      spec.serve = true;
      command_start = args.size() - 1;
    } else if (!spec.serve) {
      for (size_t k = args.size(); k-- > 4;)
        if (is_subcommand(args[k])) {
          command_start = k;
          break;
        }
      if (command_start == args.size())
        return usage_error("no heap command after the program's arguments");
    }
    spec.arguments.assign(args.begin() + 4, args.begin() + command_start);
    i = spec.serve ? args.size() : command_start;
  } else if (args[0] == "--core" && args.size() == 3 && spec.serve) {
    spec.mode = heapwalk::plugin::CliTarget::Mode::kCore;
    spec.core = args[1];
    spec.executable = args[2];
    i = 3;
  } else if (args[0] == "--core") {
    return usage_error("--core takes CORE EXE, then a heap command");
  } else if (args[0] == "--pid") {
    return usage_error("--pid takes PID, then a heap command");
  } else if (args[0] == "--break") {
    return usage_error("--break takes FUNC -- EXE [ARGS...], then a heap command");
  } else {
    return usage_error(fmt::format("expected --core, --pid or --break, not '{}'", args[0]));
  }

  // --serve right after the target's arguments.
  if (spec.mode != heapwalk::plugin::CliTarget::Mode::kNone && i < args.size() && args[i] == "--serve") {
    spec.serve = true;
    ++i;
  }
  std::string command = "heap";
  if (spec.serve) {
    if (spec.mode == heapwalk::plugin::CliTarget::Mode::kNone)
      return usage_error("--serve needs a target: --core, --pid or --break");
    if (i < args.size())
      return usage_error(fmt::format("--serve reads its commands from stdin, not '{}'", args[i]));
    command.clear();
  } else if (spec.mode == heapwalk::plugin::CliTarget::Mode::kNone) {
    command = "help heap";
    for (size_t k = 1; k < args.size(); ++k) command += " " + quoted(args[k]);
  } else {
    if (i >= args.size()) return usage_error("no heap command given");
    for (; i < args.size(); ++i) command += " " + quoted(args[i]);
  }
  return heapwalk::plugin::run_cli(spec, command);
}
