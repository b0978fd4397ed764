// Where walks start: a named root expression, or every global variable with debug info.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <lldb/API/SBFrame.h>
#include <lldb/API/SBTarget.h>
#include <lldb/API/SBType.h>

namespace heapwalk::walker {

struct Root {
  std::string label;  // "sim", "sim->sheets", "g_registry"
  uint64_t address = 0;
  lldb::SBType type;
  // When the type has no definition in the debug info (a std::ostringstream global: its class
  // lives with libstdc++), the variable's bytes (its symbol's size), scanned conservatively.
  uint64_t opaque_bytes = 0;
};

// A root of `type` at `address`: the type completed (typeinfo::complete_type) and, when it has
// no definition, opaque_bytes from the data symbol at `address`.
Root make_root(lldb::SBTarget& target, std::string label, uint64_t address, lldb::SBType type);

// A global (`sim`) or a variable of `frame`, a path from one (`sim->sheets`, `arr[2]`, and a
// key of a std::map or std::unordered_map: `sim->sheets["V1"]`, `by_id[42]`), or `*` and one of
// those (what it points to). Reads debug info only: nothing runs in the target.
// Throws std::runtime_error with a one-line reason when EXPR names nothing in memory.
Root resolve_root(lldb::SBTarget& target, lldb::SBFrame frame, const std::string& expr);

// Every global variable with debug info, in every module but the C library and the dynamic
// loader, whose globals are malloc's own bookkeeping rather than the program's objects.
std::vector<Root> global_roots(lldb::SBTarget& target);

class MemoryImage;

// Globals, function-local statics, and every live thread's thread_local variables, with debug
// info (what `heap partition` walks by default).
std::vector<Root> static_roots(lldb::SBTarget& target, const MemoryImage& memory,
                               const std::string& glibc_version);

}  // namespace heapwalk::walker

namespace heapwalk::walker {

class MemoryImage;
struct GlibcLayout;
struct MallocHeap;

// A range of memory scanned word by word for anything that points into an allocation.
struct RootRange {
  std::string label;  // "stack of thread #3", ".bss of libfoo.so", "thread #1: DTV"
  uint64_t begin = 0, end = 0;
};

// A single value that may point into an allocation (a register).
struct RootWord {
  std::string label;  // "register rdi of thread #1"
  uint64_t value = 0;
};

struct RootSet {
  std::vector<Root> typed;  // static_roots() first (static_count of them), then locals
  size_t static_count = 0;
  std::vector<RootRange> ranges;
  std::vector<RootWord> words;
};

// Every root of the process: typed globals, typed in-scope locals of every frame of every
// thread, each thread's registers and stack (from its stack pointer up), each thread's struct
// pthread, static TLS and DTV (thread_memory.h), also of threads that exited and whose memory
// glibc keeps (cached stacks, threads not joined yet), and the .data/.bss of modules whose
// globals are not typed roots, less malloc's own state. docs/leaks.md lists them with labels.
RootSet all_roots(lldb::SBTarget& target, const MemoryImage& memory, const GlibcLayout& layout,
                  const MallocHeap& heap);

}  // namespace heapwalk::walker
