#include "walker/memory/mappings.h"

#include <algorithm>
#include <fstream>
#include <sstream>

#include <fmt/format.h>
#include <lldb/API/SBFrame.h>
#include <lldb/API/SBMemoryRegionInfo.h>
#include <lldb/API/SBMemoryRegionInfoList.h>
#include <lldb/API/SBThread.h>

#include "walker/memory/core_file.h"

namespace heapwalk::walker {
namespace {

bool from_core(const std::string& path, ProcessMappings& out) {
  CoreFile core = read_core_file(path);
  if (core.segments.empty()) return false;
  uint64_t in_core = 0;
  for (const CoreSegment& s : core.segments) {
    Mapping m{s.start, s.end, false, s.writable, {}};
    for (const CoreFileMapping& f : core.files)
      if (f.start <= s.start && s.start < f.end) {
        m.file_backed = true;
        m.name = f.path;
      }
    out.mappings.push_back(std::move(m));
    in_core += s.bytes_in_core;
  }
  out.core_bytes = in_core;
  out.source = "core PT_LOAD segments and NT_FILE note";
  return true;
}

bool from_proc(uint64_t pid, ProcessMappings& out) {
  std::ifstream maps(fmt::format("/proc/{}/maps", pid));
  if (!maps) return false;
  for (std::string line; std::getline(maps, line);) {
    std::istringstream in(line);
    std::string range, perms, offset, device, path;
    uint64_t inode = 0;
    in >> range >> perms >> offset >> device >> inode;
    std::getline(in >> std::ws, path);
    size_t dash = range.find('-');
    Mapping m;
    m.start = std::stoull(range.substr(0, dash), nullptr, 16);
    m.end = std::stoull(range.substr(dash + 1), nullptr, 16);
    m.writable = perms.size() > 1 && perms[1] == 'w';
    m.file_backed = inode != 0;
    m.name = path;
    out.mappings.push_back(std::move(m));
  }
  std::ifstream status(fmt::format("/proc/{}/status", pid));
  for (std::string line; std::getline(status, line);)
    if (line.rfind("VmRSS:", 0) == 0) out.rss = std::stoull(line.substr(6)) * 1024;
  out.source = fmt::format("/proc/{}/maps", pid);
  return !out.mappings.empty();
}

void from_lldb(lldb::SBProcess& process, ProcessMappings& out) {
  lldb::SBMemoryRegionInfoList list = process.GetMemoryRegions();
  for (uint32_t i = 0; i < list.GetSize(); ++i) {
    lldb::SBMemoryRegionInfo info;
    if (!list.GetMemoryRegionAtIndex(i, info) || !info.IsMapped()) continue;
    Mapping m{info.GetRegionBase(), info.GetRegionEnd(), false, info.IsWritable(),
              info.GetName() ? info.GetName() : ""};
    m.file_backed = m.name.starts_with("/");
    out.mappings.push_back(std::move(m));
  }
  out.source = "LLDB memory regions";
}

}  // namespace

ProcessMappings process_mappings(lldb::SBProcess& process, const MemoryImage& memory) {
  ProcessMappings out;
  std::string core = memory.core_path();
  bool found = !core.empty() ? from_core(core, out)
               : memory.source().starts_with("/proc/") && from_proc(process.GetProcessID(), out);
  if (!found) from_lldb(process, out);
  std::sort(out.mappings.begin(), out.mappings.end(),
            [](const Mapping& a, const Mapping& b) { return a.start < b.start; });
  for (uint32_t t = 0; t < process.GetNumThreads(); ++t)
    out.stack_pointers.push_back(process.GetThreadAtIndex(t).GetFrameAtIndex(0).GetSP());
  return out;
}

}  // namespace heapwalk::walker
