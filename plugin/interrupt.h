// Interruption from outside LLDB's own Ctrl-C handling: the CLI's SIGINT / SIGTERM. Every
// command's `interrupted` callback (HeapCommand::interruption) also answers true once it is set.
#pragma once

namespace heapwalk::plugin {

// Async-signal-safe and thread-safe: marks the running command (and every later one) interrupted.
void request_interrupt();
bool interrupt_requested();
// Ends the interruption: the CLI's --serve loop before each command.
void clear_interrupt();

}  // namespace heapwalk::plugin
