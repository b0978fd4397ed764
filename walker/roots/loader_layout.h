// Where ld.so keeps the modules and the threads: the offsets read_loader (threads.h) needs in
// _rtld_global, _rtld_global_ro, struct link_map and struct pthread. From ld.so's debug info
// (libc6-dbg) when LLDB has it; else from a table transcribed from the sources of the glibc
// releases checked on x86-64 (2.36). The globals' addresses never need debug info: ld.so exports
// both in its dynamic symbol table.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include <lldb/API/SBTarget.h>

namespace heapwalk::walker {

// A piece of glibc's or ld.so's bookkeeping that cannot be found; what() says which, in a line.
struct LoaderDataMissing : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct LoaderLayout {
  std::string_view version;  // "2.36"; empty for an entry read only from debug info
  // struct rtld_global (_rtld_global)
  uint32_t ns_loaded = 0;    // _dl_ns[0]._ns_loaded: the base namespace's first link_map
  uint32_t stack_used = 0;   // list_t heads of struct pthread's `list` links
  uint32_t stack_user = 0;
  uint32_t stack_cache = 0;
  // struct rtld_global_ro (_rtld_global_ro)
  uint32_t tls_static_size = 0;  // _dl_tls_static_size: every module's static TLS + the TCB
  // struct link_map
  uint32_t l_name = 0, l_next = 0, l_tls_offset = 0;
  // struct pthread; its tcbhead_t (tcb, dtv, self) starts it on every release
  uint32_t pthread_list = 0, pthread_tid = 0;
  uint64_t pthread_size = 0;  // TLS_TCB_SIZE on x86-64
  // Set by loader_layout(): some field came from the table (ld.so's debug info is missing).
  bool from_table = false;
};

std::span<const LoaderLayout> builtin_loader_layouts();
const LoaderLayout* find_builtin_loader_layout(std::string_view version);

// Each field from ld.so's (or libc's) debug info where the target has it, else from the table's
// entry for `glibc_version`. Throws LoaderDataMissing naming the first field found in
// neither.
LoaderLayout loader_layout(lldb::SBTarget& target, const std::string& glibc_version);

}  // namespace heapwalk::walker
