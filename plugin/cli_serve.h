// heapwalk --serve: the engine a front end (the gdb script, an IDE) keeps running. One heap
// subcommand per line on stdin; on stdout the command's result text, then its error text, then
// the frame line "\x1eheapwalk-status N\n" (N: 0 success, 1 failure). docs/no-attach.md.
#pragma once

#include <cstdio>
#include <functional>
#include <string>

#include <lldb/API/LLDB.h>

namespace heapwalk::plugin {

// The frame that ends every answer: ASCII RS, the word, the status, a newline.
constexpr const char* kServeFramePrefix = "\x1eheapwalk-status ";
std::string serve_frame(int status);

// The interpreter command for one line of the protocol: "partition --root sim" ->
// "heap partition --root sim", "help partition" -> "help heap partition"; a leading "heap" is
// accepted and dropped. Empty for an empty (or blank) line.
std::string serve_command_of(const std::string& line);

// What the serve loop asks of the signal watcher around each command.
struct ServeHooks {
  std::function<void()> begin_command;        // clears a pending interruption
  std::function<bool()> end_command;          // true if the command was interrupted
  std::function<bool()> stop_serving;         // true once heapwalk must leave (SIGTERM)
};

// Reads lines from the file descriptor `in` until EOF, "quit" or stop_serving() (polled while
// waiting); answers each on `out`. Returns 0.
int serve_commands(lldb::SBDebugger& debugger, int in, FILE* out, const ServeHooks& hooks);

}  // namespace heapwalk::plugin
