// heap arenas: where malloc's memory is, arena by arena, and what each thread keeps cached.
#include "plugin/arenas_command.h"

#include "report/arenas_render.h"
#include "walker/analysis/reachable.h"
#include "walker/roots/tcache_owners.h"
#include "walker/session.h"

namespace heapwalk::plugin {

using namespace heapwalk::report;

std::vector<OptionSpec> ArenasCommand::options() const { return report_options(); }

std::string ArenasCommand::long_help() const {
  return "For each glibc malloc arena: its system memory, split into chunks in use, free "
         "chunks by where they wait (fastbins, tcache, the unsorted bin, small bins, large "
         "bins: taken from the arena's own lists), the top chunk and malloc's overhead "
         "(heap_info, malloc_state, fenceposts, alignment); these add up to the system "
         "memory. Then the largest free chunk outside top and the fragmentation, "
         "1 - largest free / free bytes outside top (0: one free block; near 1: scattered). "
         "Then every tcache: its address, its arena, the thread whose `tcache` points to it "
         "(from struct pthread and libc's TLS offset; 'unknown' without ld.so/libc debug "
         "info), its non-empty size classes, chunks and bytes (a zeroed block that the program's "
         "typed globals reach is one of its objects, not an empty tcache). Sums over the arenas are "
         "mallinfo2()'s. Works on a live process and on a core; reads only.\n\n"
         "Example:\n  (lldb) heap arenas\n"
         "  Arena 0x7ffff7e19c80 (main), 1 heap: 1327104 bytes (1.27Mi) of system memory.\n\n";
}

void ArenasCommand::run(lldb::SBDebugger& debugger, const ParsedOptions& options,
                        lldb::SBCommandReturnObject& result) {
  std::string format = report_format(options);
  auto session = open_session(debugger).session;
  const walker::MallocHeap& heap = session->heap();
  warn_heap(*session, result);

  if (format == "csv") return emit(render_arenas_csv(heap), options, result);
  TcacheOwners owners =
      walker::find_tcache_owners(session->target(), session->memory(), heap, session->glibc().version);
  owners.program_objects = walker::tcaches_that_are_objects(*session, interruption(debugger));
  if (format == "json") return emit(render_arenas_json(heap, owners), options, result);
  emit(render_arenas_text(heap, owners), options, result);
}

}  // namespace heapwalk::plugin
